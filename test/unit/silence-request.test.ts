import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertSilenceMatchers, groupLabelsOf } from '../../src/alerts/alert-matchers.js';
import { formatMatchers } from '../../src/alerts/matchers.js';
import { previewOf, type SeenAlert } from '../../src/alerts/silence-preview.js';
import { parseSilenceRequest, parseStart } from '../../src/alerts/silence-request.js';
import { canUpdateInPlace, checkPosted, stateOf, toAmMatcher, toMatcher } from '../../src/alerts/silence-shapes.js';
import { decodeOffer, encodeOffer } from '../../src/workflow/silence-offer.js';

const NOW = new Date('2026-05-01T12:00:00Z');
const H = 3_600_000;

function ok(text: string) {
  const parsed = parseSilenceRequest(text, NOW);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.request;
}
function error(text: string): string {
  const parsed = parseSilenceRequest(text, NOW);
  if (parsed.ok) throw new Error(`parsed: ${text}`);
  return parsed.error;
}

describe('parseSilenceRequest', () => {
  it('reads matchers, a duration and a reason', () => {
    const r = ok('alertname="HighErrorRate", env=prod for 2h deploy of payments');
    expect(r.matchers).toEqual([
      { name: 'alertname', op: '=', value: 'HighErrorRate' },
      { name: 'env', op: '=', value: 'prod' },
    ]);
    expect(r.startsAt).toEqual(NOW);
    expect(r.endsAt).toEqual(new Date(NOW.getTime() + 2 * H));
    expect(r.reason).toBe('deploy of payments');
  });

  it('takes braces, regexes and a quoted " for " inside a value as part of the matchers', () => {
    const r = ok('{job=~"api|web", summary="waiting for 2h"} for 30m');
    expect(r.matchers).toEqual([
      { name: 'job', op: '=~', value: 'api|web' },
      { name: 'summary', op: '=', value: 'waiting for 2h' },
    ]);
    expect(r.endsAt.getTime() - r.startsAt.getTime()).toBe(30 * 60_000);
    expect(r.reason).toBe('');
  });

  it('schedules a window with starting HH:MM (the next such time, UTC) or an ISO time', () => {
    const later = ok('service=db for 1h starting 22:00 nightly vacuum');
    expect(later.startsAt).toEqual(new Date('2026-05-01T22:00:00Z'));
    expect(later.endsAt).toEqual(new Date('2026-05-01T23:00:00Z'));
    expect(later.reason).toBe('nightly vacuum');
    expect(ok('service=db for 1h starting 09:30').startsAt).toEqual(new Date('2026-05-02T09:30:00Z'));
    expect(ok('service=db for 1d starting 2026-05-03T01:00Z').startsAt).toEqual(new Date('2026-05-03T01:00:00Z'));
    expect(error('service=db for 1h starting yesterday')).toMatch(/"yesterday" is not a time to come/);
    expect(parseStart('2026-04-01T00:00Z', NOW)).toBeNull();
  });

  it('reads stop_pages before the reason, with or around starting, and leaves it off by default', () => {
    expect(ok('service=db for 1h deploy').stopPages).toBe(false);
    const stopping = ok('service=db for 1h stop_pages deploy of payments');
    expect(stopping).toMatchObject({ stopPages: true, reason: 'deploy of payments' });
    expect(ok('service=db for 1h starting 22:00 STOP_PAGES vacuum')).toMatchObject({
      stopPages: true,
      startsAt: new Date('2026-05-01T22:00:00Z'),
      reason: 'vacuum',
    });
    expect(ok('service=db for 1h stop_pages starting 22:00 vacuum')).toMatchObject({
      stopPages: true,
      startsAt: new Date('2026-05-01T22:00:00Z'),
      reason: 'vacuum',
    });
    // Only the words before the reason: the same word later in the reason is the reason's.
    expect(ok('service=db for 1h why stop_pages')).toMatchObject({ stopPages: false, reason: 'why stop_pages' });
  });

  it('refuses malformed matchers with the parser’s column', () => {
    expect(error('alertname="x for 2h')).toMatch(/do not parse \(at column \d+: .*\)/);
    expect(error('alertname~x for 2h')).toMatch(/do not parse/);
    expect(error('job=~"(" for 2h')).toMatch(/not a valid regex/);
  });

  it('reads regexes as RE2, as Alertmanager does', () => {
    expect(ok('severity=~"(?i)crit.*", job=~"[[:alpha:]]+" for 2h').matchers.map((m) => m.value)).toEqual(['(?i)crit.*', '[[:alpha:]]+']);
    expect(error('job=~"a(?=b)" for 2h')).toMatch(/"a\(\?=b\)" is not a valid regex \(RE2 does not support lookahead/);
  });

  it('refuses what would silence everything, nothing named, and a missing or bad duration', () => {
    expect(error('env="" for 2h')).toMatch(/silence every alert/);
    expect(error('job=~".*" for 2h')).toMatch(/silence every alert/);
    expect(error('for 2h')).toMatch(/Say which alerts/);
    expect(error('')).toMatch(/Say which alerts/);
    expect(error('alertname=x')).toMatch(/Say for how long/);
    expect(error('alertname=x for ever')).toMatch(/"ever" is not a duration/);
    expect(error(`alertname=x for 1h ${'y'.repeat(501)}`)).toMatch(/over 500 characters/);
  });

  it('reads back any matchers it formats, with any duration', () => {
    const label = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
    const value = fc.string({ minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: label, value }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 999 }),
        (ms, n) => {
          const matchers = ms.map((m) => ({ ...m, op: '=' as const }));
          const r = ok(`${formatMatchers(matchers)} for ${n}m why`);
          expect(r.matchers).toEqual(matchers);
          expect(r.endsAt.getTime() - r.startsAt.getTime()).toBe(n * 60_000);
          expect(r.reason).toBe('why');
        },
      ),
    );
  });
});

describe('previewOf', () => {
  const seen = (fingerprint: string, title: string, labels: Record<string, string>, minutesAgo = 0): SeenAlert => ({
    fingerprint,
    title,
    labels,
    lastReceivedAt: new Date(NOW.getTime() - minutesAgo * 60_000),
  });

  it('counts distinct matching alerts, grouped by title, busiest first, with how many titles were left out', () => {
    const alerts = [
      seen('a1', 'High error rate', { alertname: 'HighErrorRate', env: 'prod' }, 5),
      seen('a2', 'High error rate', { alertname: 'HighErrorRate', env: 'prod' }, 1),
      seen('a2', 'High error rate', { alertname: 'HighErrorRate', env: 'prod' }, 3),
      seen('b1', 'Disk full', { alertname: 'DiskFull', env: 'prod' }),
      seen('c1', 'Staging down', { alertname: 'Down', env: 'staging' }),
    ];
    const preview = previewOf([{ name: 'env', op: '=', value: 'prod' }], alerts);
    expect(preview.total).toBe(3);
    expect(preview.lines.map((l) => [l.title, l.count])).toEqual([
      ['High error rate', 2],
      ['Disk full', 1],
    ]);
    expect(preview.lines[0]!.lastReceivedAt).toEqual(new Date(NOW.getTime() - 60_000));
    expect(preview.moreTitles).toBe(0);
  });

  it('shows at most the limit of titles and says how many more', () => {
    const alerts = Array.from({ length: 14 }, (_, i) => seen(`f${i}`, `Alert ${i}`, { team: 'db' }));
    const preview = previewOf([{ name: 'team', op: '=', value: 'db' }], alerts);
    expect(preview.total).toBe(14);
    expect(preview.lines).toHaveLength(10);
    expect(preview.moreTitles).toBe(4);
    expect(previewOf([{ name: 'team', op: '=', value: 'web' }], alerts)).toEqual({ total: 0, lines: [], moreTitles: 0 });
  });
});

describe('the Silence 2h button’s matchers', () => {
  const labels = { alertname: 'HighErrorRate', env: 'prod', instance: 'api-0:8080', severity: 'critical' };

  it('are alertname and the group labels when the Alertmanager group key names them', () => {
    expect(groupLabelsOf('{}/{severity="critical"}:{alertname="HighErrorRate", env="prod"}', labels)).toEqual({
      alertname: 'HighErrorRate',
      env: 'prod',
    });
    expect(alertSilenceMatchers(labels, '{}:{env="prod"}')).toEqual([
      { name: 'alertname', op: '=', value: 'HighErrorRate' },
      { name: 'env', op: '=', value: 'prod' },
    ]);
  });

  it('are every label of the alert when the key is not Alertmanager’s or its labels do not fit the alert', () => {
    const all = Object.keys(labels).sort();
    expect(alertSilenceMatchers(labels, 'pd-dedup-123').map((m) => m.name)).toEqual(all);
    expect(alertSilenceMatchers(labels, '{}:{env="staging"}').map((m) => m.name)).toEqual(all);
    expect(alertSilenceMatchers(labels, undefined).map((m) => m.name)).toEqual(all);
  });
});

describe('a silence offer on a button', () => {
  const offer = {
    matchers: [{ name: 'env', op: '=' as const, value: 'prod <!channel>' }],
    startsAt: undefined,
    durationMs: 2 * H,
    reason: 'deploy',
    userId: 'U0ALICE',
    source: 'slack' as const,
    stopPages: false,
  };

  it('comes back as it went out, stop_pages included', () => {
    expect(decodeOffer(encodeOffer(offer))).toEqual(offer);
    expect(decodeOffer(encodeOffer({ ...offer, stopPages: true }))).toEqual({ ...offer, stopPages: true });
  });

  it('is refused when forged: bad JSON, extra fields, bad matchers, silencing everything, no duration', () => {
    const value = JSON.parse(encodeOffer(offer)) as Record<string, unknown>;
    const forged = (patch: Record<string, unknown>) => decodeOffer(JSON.stringify({ ...value, ...patch }));
    expect(decodeOffer('{')).toBeUndefined();
    expect(forged({ admin: true })).toBeUndefined();
    expect(forged({ m: 'env="prod' })).toBeUndefined();
    expect(forged({ m: '{env=""}' })).toBeUndefined();
    expect(forged({ d: 0 })).toBeUndefined();
    expect(forged({ d: 400 * 24 * H })).toBeUndefined();
    expect(forged({ o: 'api' })).toBeUndefined();
    expect(forged({ u: '<@U0EVE>' })).toBeUndefined();
    expect(forged({ p: 'yes' })).toBeUndefined();
  });
});

describe("Alertmanager's silence shapes", () => {
  const posted = (patch: Record<string, unknown> = {}) => ({
    matchers: [{ name: 'alertname', value: 'X', isRegex: false, isEqual: true }],
    startsAt: NOW.toISOString(),
    endsAt: new Date(NOW.getTime() + H).toISOString(),
    createdBy: 'amtool',
    comment: '',
    ...patch,
  });

  it('maps isRegex and isEqual to the four operators and back', () => {
    for (const [isRegex, isEqual, op] of [
      [false, true, '='],
      [false, false, '!='],
      [true, true, '=~'],
      [true, false, '!~'],
    ] as const) {
      const m = toMatcher({ name: 'a', value: 'b', isRegex, isEqual });
      expect(m.op).toBe(op);
      expect(toAmMatcher(m)).toEqual({ name: 'a', value: 'b', isRegex, isEqual });
    }
  });

  it('refuses what Alertmanager refuses, naming the field', () => {
    expect(checkPosted(posted({ endsAt: NOW.toISOString() }), NOW)).toEqual({
      ok: false,
      error: 'endsAt: start time must be before end time',
    });
    expect(checkPosted(posted({ startsAt: '2026-04-01T00:00:00Z', endsAt: '2026-04-02T00:00:00Z' }), NOW)).toMatchObject({
      ok: false,
      error: "endsAt: end time can't be in the past",
    });
    expect(checkPosted(posted({ matchers: [{ name: 'a', value: '(', isRegex: true, isEqual: true }] }), NOW)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^matchers\[0\]\.value: /),
    });
    expect(checkPosted(posted({ matchers: [{ name: 'a', value: '', isRegex: false, isEqual: true }] }), NOW)).toMatchObject({ ok: false });
  });

  it('reads regexes as RE2, as Alertmanager does', () => {
    const regex = (value: string) => posted({ matchers: [{ name: 'severity', value, isRegex: true, isEqual: true }] });
    expect(checkPosted(regex('(?i)crit.*'), NOW)).toMatchObject({ ok: true });
    expect(checkPosted(regex('\\Qdb-1.prod\\E'), NOW)).toMatchObject({ ok: true });
    expect(checkPosted(regex('(a)\\1'), NOW)).toEqual({
      ok: false,
      error: 'matchers[0].value: "(a)\\\\1" is not a valid regex (RE2 does not support backreferences (\\1))',
    });
  });

  it('updates in place as Alertmanager does, and otherwise replaces', () => {
    const matchers = [{ name: 'alertname', op: '=' as const, value: 'X' }];
    const active = { matchers, startsAt: new Date(NOW.getTime() - H), endsAt: new Date(NOW.getTime() + H) };
    const pending = { matchers, startsAt: new Date(NOW.getTime() + H), endsAt: new Date(NOW.getTime() + 2 * H) };
    expect(stateOf(active, NOW)).toBe('active');
    expect(stateOf(pending, NOW)).toBe('pending');
    expect(stateOf({ startsAt: active.startsAt, endsAt: NOW }, NOW)).toBe('expired');
    expect(canUpdateInPlace(active, { ...active, endsAt: new Date(NOW.getTime() + 5 * H) }, NOW)).toBe(true);
    expect(canUpdateInPlace(active, { ...active, startsAt: NOW }, NOW)).toBe(false);
    expect(canUpdateInPlace(active, { ...active, matchers: [{ ...matchers[0]!, value: 'Y' }] }, NOW)).toBe(false);
    expect(canUpdateInPlace(pending, { ...pending, startsAt: new Date(NOW.getTime() + 30 * 60_000) }, NOW)).toBe(true);
    expect(canUpdateInPlace(pending, { ...pending, startsAt: new Date(NOW.getTime() - 60_000) }, NOW)).toBe(false);
    expect(canUpdateInPlace({ ...active, endsAt: NOW }, active, NOW)).toBe(false);
  });
});
