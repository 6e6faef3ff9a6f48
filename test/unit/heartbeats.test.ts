import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beatBatch, heartbeatIntegration, isMissed, missedBatch, type Heartbeat } from '../../src/alerts/heartbeats.js';
import { parseConfig } from '../../src/config/load.js';

const HB: Heartbeat = {
  id: 'nightly-backup',
  interval: 86_400_000,
  grace: 3_600_000,
  severity: 'sev3',
  page: 'primary',
  token: 'x'.repeat(16),
};
const T0 = new Date('2026-05-01T00:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('when a heartbeat is missed', () => {
  it('is missed only once more than interval + grace has passed since the last beat', () => {
    const state = { lastBeatAt: T0, firstSeenAt: new Date(0) };
    expect(isMissed(HB, state, at(HB.interval + HB.grace))).toBe(false);
    expect(isMissed(HB, state, at(HB.interval + HB.grace + 1))).toBe(true);
  });

  it('counts from when Firewatch first knew of it when it never beat', () => {
    expect(isMissed(HB, { lastBeatAt: null, firstSeenAt: T0 }, at(HB.interval))).toBe(false);
    expect(isMissed(HB, { lastBeatAt: null, firstSeenAt: T0 }, at(HB.interval + HB.grace + 1))).toBe(true);
  });

  it('is never missed while it beats at least every interval + grace', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: HB.interval + HB.grace }), { minLength: 1, maxLength: 30 }), (gaps) => {
        let beat = T0;
        for (const gap of gaps) {
          const next = new Date(beat.getTime() + gap);
          expect(isMissed(HB, { lastBeatAt: beat, firstSeenAt: T0 }, next)).toBe(false);
          beat = next;
        }
      }),
    );
  });
});

describe("a heartbeat's alerts", () => {
  it('fire and resolve under one group and fingerprint, labelled HeartbeatMissed', () => {
    const missed = missedBatch(HB, { lastBeatAt: T0, firstSeenAt: T0 });
    expect(missed).toMatchObject({
      groupKey: 'nightly-backup',
      title: 'Heartbeat nightly-backup missed (last seen 2026-05-01T00:00:00.000Z)',
      alerts: [
        {
          fingerprint: 'nightly-backup',
          status: 'firing',
          labels: { alertname: 'HeartbeatMissed', heartbeat: 'nightly-backup' },
          startsAt: at(HB.interval + HB.grace).toISOString(),
        },
      ],
    });
    expect(missed.alerts[0]!.annotations.summary).toBe('No heartbeat from nightly-backup within its interval of 1d and grace of 1h');
    expect(missedBatch(HB, { lastBeatAt: null, firstSeenAt: T0 }).title).toBe(
      'Heartbeat nightly-backup missed (never seen since 2026-05-01T00:00:00.000Z)',
    );
    expect(beatBatch(HB, T0).alerts[0]).toMatchObject({ fingerprint: 'nightly-backup', status: 'resolved', endsAt: T0.toISOString() });
  });

  it("are routed by the heartbeat's severity and page, as an integration of their own", () => {
    expect(heartbeatIntegration(HB)).toMatchObject({
      id: 'heartbeat:nightly-backup',
      severity: 'sev3',
      page: 'primary',
      auto_resolve: true,
    });
  });
});

const POLICY = { escalation_policies: [{ id: 'primary', levels: [{ delay: '5m', targets: [{ user: 'U0ONCALL' }] }] }] };

describe('config of heartbeats', () => {
  it("accepts DESIGN.md's example, and durations in seconds", () => {
    const config = parseConfig(
      {
        ...POLICY,
        heartbeats: [
          { id: 'nightly-backup', interval: '1d', grace: '1h', severity: 'sev3', page: 'primary', token: 'hb-token-0123456789' },
          { id: 'fast', interval: '1s', grace: '1s', token: 'hb-token-0123456789' },
        ],
      },
      'f.yaml',
    );
    expect(config.heartbeats).toEqual([
      { id: 'nightly-backup', interval: 86_400_000, grace: 3_600_000, severity: 'sev3', page: 'primary', token: 'hb-token-0123456789' },
      { id: 'fast', interval: 1000, grace: 1000, token: 'hb-token-0123456789' },
    ]);
  });

  it('refuses unknown severities and policies, bad durations, short tokens and repeated ids, naming the field', () => {
    const refuse = (heartbeats: unknown[], message: RegExp) =>
      expect(() => parseConfig({ ...POLICY, heartbeats }, 'f.yaml')).toThrow(message);
    const ok = { id: 'hb', interval: '1m', grace: '1m', token: 'hb-token-0123456789' };
    refuse(
      [{ ...ok, severity: 'sev9' }],
      /f\.yaml is not valid:\n {2}heartbeats\[0\]\.severity: unknown severity "sev9"; allowed: sev1, sev2, sev3, sev4/,
    );
    refuse([{ ...ok, page: 'nobody' }], /heartbeats\[0\]\.page: unknown escalation policy "nobody"; allowed: primary/);
    refuse([{ ...ok, interval: 'daily' }], /heartbeats\[0\]\.interval: expected a duration: .*; got "daily"/);
    refuse([{ ...ok, token: 'short' }], /heartbeats\[0\]\.token: expected a token of at least 16 characters/);
    refuse([{ ...ok, token: undefined }], /heartbeats\[0\]\.token:/);
    refuse([ok, ok], /heartbeats\[1\]\.id: duplicate id "hb"/);
    refuse([{ ...ok, every: '1m' }], /heartbeats\[0\]: unknown key "every"/);
  });
});
