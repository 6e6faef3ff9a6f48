import { readFileSync } from 'node:fs';
import { asc, desc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { MATCHER_SYNTAX } from '../../src/alerts/matchers.js';
import { auditLog, incidents, pages, silences, timelineEvents } from '../../src/db/schema.js';
import { API_ACTOR } from '../../src/incidents/people.js';
import { useFirewatch } from '../support/harness.js';
import { clickButton, slashCommand } from '../support/slack-requests.js';

const PROM_TOKEN = 'prom-token-0123456789';
const API_TOKEN = 'api-token-0123456789abcdef';
const fw = useFirewatch({
  config: {
    api_token: API_TOKEN,
    escalation_policies: [{ id: 'primary', levels: [{ delay: '1h', targets: [{ user: 'U0ONCALL' }] }] }],
    integrations: [{ id: 'prom', type: 'alertmanager', token: PROM_TOKEN, page: 'primary' }],
    alert_routes: [{ match: '{drop="yes"}', drop: true }],
    silences: [
      {
        id: 'nightly-vacuum',
        matchers: '{job="vacuum"}',
        starts_at: '2026-01-01T00:00:00Z',
        ends_at: '2099-01-01T00:00:00Z',
        comment: 'every night',
      },
      {
        id: 'db-upgrade',
        matchers: '{cluster="eu-9"}',
        starts_at: '2098-01-01T00:00:00Z',
        ends_at: '2098-01-02T00:00:00Z',
        stop_pages: true,
      },
      { id: 'long-gone', matchers: '{cluster="eu-8"}', starts_at: '2020-01-01T00:00:00Z', ends_at: '2020-01-02T00:00:00Z' },
    ],
  },
});

interface Payload {
  groupKey: string;
  alerts: Array<{ labels: Record<string, string>; fingerprint?: string }>;
  [field: string]: unknown;
}
const AM_FIRING = JSON.parse(readFileSync(new URL('../fixtures/alerts/alertmanager-firing.json', import.meta.url), 'utf8')) as Payload;

let seq = 0;
/** The fixture's two HighErrorRate alerts under a label set of their own, so tests do not see each other's. */
async function openAlertIncident(extra: Record<string, string> = {}): Promise<{ id: number; channel: string; run: string }> {
  const run = `r${++seq}-${Date.now()}`;
  const payload = structuredClone(AM_FIRING);
  payload.groupKey = `{}/{severity="critical"}:{alertname="HighErrorRate", run="${run}"}`;
  payload.groupLabels = { alertname: 'HighErrorRate', run };
  payload.alerts.forEach((a, i) => {
    Object.assign(a.labels, extra, { run });
    a.fingerprint = `${run}-${i}`;
  });
  const res = await fetch(`${fw.app.url}/webhooks/alertmanager/prom`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${PROM_TOKEN}` },
    body: JSON.stringify(payload),
  });
  const body = (await res.json()) as { incident?: string };
  if (!body.incident) return { id: 0, channel: '', run };
  const id = Number(body.incident.slice(4));
  await fw.drained(id);
  const { channelId } = await fw.incident(id);
  return { id, channel: channelId!, run };
}

interface Answer {
  text: string;
  blocks: unknown[];
  replace_original?: boolean;
}

/** Runs `/incident <text>` and answers the ack as a message whose buttons can be clicked. */
async function command(text: string, user = 'U0ALICE'): Promise<Answer> {
  const r = await slashCommand(fw.app.url, fw.slack, text, { user });
  expect(r.status).toBe(200);
  const json = r.json as { text?: string; blocks?: unknown[] };
  return { text: `${json.text ?? ''} ${JSON.stringify(json.blocks ?? [])}`, blocks: json.blocks ?? [] };
}

/** Clicks `actionId` in `message` as `user` and answers what the app posted to the click's response_url. */
async function click(message: { blocks: unknown[] }, actionId: string, user = 'U0ALICE', channel = 'C0GENERAL'): Promise<Answer> {
  const before = fw.slack.responses.length;
  const r = await clickButton(fw.app.url, fw.slack, { channel, ts: '1700000000.000100', blocks: message.blocks }, actionId, user);
  expect(r.status).toBe(200);
  await expect.poll(() => fw.slack.responses.length, { timeout: 10_000 }).toBeGreaterThan(before);
  const body = fw.slack.responses.at(-1)!.body as { text?: string; blocks?: unknown[]; replace_original?: boolean };
  return {
    text: `${body.text ?? ''} ${JSON.stringify(body.blocks ?? [])}`,
    blocks: body.blocks ?? [],
    replace_original: body.replace_original,
  };
}

/** The incident's pages' states, once its alert page has started. */
async function pageStates(incidentId: number): Promise<string[]> {
  const rows = await fw.db.select({ state: pages.state }).from(pages).where(eq(pages.incidentId, incidentId));
  return rows.map((r) => r.state);
}
const notesOf = async (incidentId: number) =>
  (await fw.db.select().from(timelineEvents).where(eq(timelineEvents.incidentId, incidentId)))
    .filter((e) => e.kind === 'note')
    .map((e) => JSON.stringify(e.data));

/** The audit log's actions and actors for one silence, oldest first. */
const auditOf = async (silenceId: number | string) =>
  (
    await fw.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subject, `silence ${silenceId}`))
      .orderBy(asc(auditLog.id))
  ).map((r) => [r.action, r.actor]);

const latestSilence = async () => (await fw.db.select().from(silences).orderBy(desc(silences.id)).limit(1))[0];
const silenceCount = async () => (await fw.db.select({ id: silences.id }).from(silences)).length;

describe('/incident silence', () => {
  it('previews what it would have silenced, makes it on Silence, lists it, and expires it (twice, harmlessly)', async () => {
    const { id, run } = await openAlertIncident();
    const preview = await command(`silence alertname="HighErrorRate", run="${run}" for 2h deploy of payments`);
    expect(preview.text).toContain('would have silenced *2 alerts*');
    expect(preview.text).toContain('HighErrorRate');
    expect(preview.text).toContain('deploy of payments');
    const before = await silenceCount();
    expect(preview.text).toContain('silence_cancel');

    const made = await click(preview, 'silence_create');
    expect(made.replace_original).toBe(true);
    expect(made.text).toMatch(/Silence #\d+ made/);
    const row = (await latestSilence())!;
    expect(await silenceCount()).toBe(before + 1);
    expect(row).toMatchObject({ source: 'slack', createdBy: 'U0ALICE', comment: 'deploy of payments', expiredBy: null });
    expect(row.matchers).toEqual([
      { name: 'alertname', op: '=', value: 'HighErrorRate' },
      { name: 'run', op: '=', value: run },
    ]);
    expect(row.endsAt.getTime() - row.startsAt.getTime()).toBe(2 * 3_600_000);
    const notes = await fw.db.select().from(timelineEvents).where(eq(timelineEvents.incidentId, id));
    expect(notes.find((e) => e.kind === 'note')?.data).toMatchObject({ text: expect.stringContaining(`Silence #${row.id}`) });

    const list = await command('silences');
    expect(list.text).toContain(`*#${row.id}* active`);
    expect(list.text).toContain('<@U0ALICE>');
    expect(list.text).toContain('deploy of payments');
    const listed = {
      blocks: list.blocks.filter((b) => JSON.stringify(b).includes(`*#${row.id}*`) || !JSON.stringify(b).includes('silence_expire')),
    };

    const expired = await click(listed, 'silence_expire');
    expect(expired.replace_original).toBe(true);
    expect(expired.text).toContain(`Silence #${row.id} expired`);
    expect(expired.text).not.toContain(`*#${row.id}* active`);
    const after = (await fw.db.select().from(silences).where(eq(silences.id, row.id)))[0]!;
    expect(after.expiredBy).toBe('U0ALICE');
    expect(after.endsAt.getTime()).toBeLessThanOrEqual(Date.now());

    const again = await click(listed, 'silence_expire');
    expect(again.text).toContain(`Silence #${row.id} had already ended`);
    // Made and expired once each on the audit log; the second click changed nothing.
    expect(await auditOf(row.id)).toEqual([
      ['silence.created', 'U0ALICE'],
      ['silence.expired', 'U0ALICE'],
    ]);
  });

  it('previews every alert received, also those dropped or already silenced that opened nothing', async () => {
    const dropped = await openAlertIncident({ drop: 'yes' });
    expect(dropped.id).toBe(0);
    const held = `h${++seq}-${Date.now()}`;
    await fw.db.insert(silences).values({
      matchers: [{ name: 'held', op: '=', value: held }],
      startsAt: new Date(Date.now() - 1000),
      endsAt: new Date(Date.now() + 3_600_000),
      createdBy: 'U0ALICE',
      source: 'slack',
    });
    const silenced = await openAlertIncident({ held });
    expect(silenced.id).toBe(0);
    // Neither belongs to an incident, so anyone may see them.
    expect((await command(`silence run="${dropped.run}" for 1h`, 'U0BOB')).text).toContain('would have silenced *2 alerts*');
    const again = await command(`silence run="${silenced.run}" for 1h`, 'U0BOB');
    expect(again.text).toContain('would have silenced *2 alerts*');
    expect(again.text).toContain('payments-api-0 is returning');
  });

  it('makes nothing on Cancel, and only for the person who asked', async () => {
    const preview = await command('silence service="cancelled" for 1h');
    const before = await silenceCount();
    expect((await click(preview, 'silence_create', 'U0BOB')).text).toContain('Only the person who asked');
    expect((await click(preview, 'silence_cancel')).text).toContain('Nothing was silenced');
    expect(await silenceCount()).toBe(before);
  });

  it('asks a second time for a silence longer than silence_max, naming its length', async () => {
    const preview = await command('silence service="batch" for 30d quarter-end');
    const before = await silenceCount();
    const confirm = await click(preview, 'silence_create');
    expect(confirm.text).toContain('Yes, silence for 30d');
    expect(confirm.text).toContain('usual maximum of 1w');
    expect(await silenceCount()).toBe(before);
    const made = await click(confirm, 'silence_create_long');
    expect(made.text).toMatch(/Silence #\d+ made/);
    const row = (await latestSilence())!;
    expect(row.endsAt.getTime() - row.startsAt.getTime()).toBe(30 * 86_400_000);
  });

  it('refuses malformed matchers with the syntax and the parser’s words, escaped', async () => {
    const refused = await command('silence alertname="<!channel> for 2h');
    expect(refused.text).toContain('at column');
    expect(refused.text).toContain(MATCHER_SYNTAX.replace(/</g, '&lt;'));
    expect(refused.text).not.toContain('<!channel>');
    expect((await command('silence env="" for 2h')).text).toContain('silence every alert');
  });

  it('lists the config file’s active and scheduled windows too, read-only and marked from config', async () => {
    const list = await command('silences');
    expect(list.text).toContain('*nightly-vacuum* active `{job=\\"vacuum\\"}`');
    expect(list.text).toContain('from config');
    expect(list.text).toContain('every night');
    expect(list.text).toContain('*db-upgrade* scheduled');
    expect(list.text).toContain('stops pages');
    expect(list.text).not.toContain('long-gone');
    const windows = list.blocks.filter((b) => JSON.stringify(b).includes('from config'));
    expect(windows).toHaveLength(2);
    for (const block of windows) expect(JSON.stringify(block)).not.toContain('silence_expire');
  });

  it('schedules a window with starting', async () => {
    const preview = await command('silence service="db" for 1h starting 2099-01-01T02:00Z vacuum');
    await click(preview, 'silence_create');
    const row = (await latestSilence())!;
    expect(row.startsAt.toISOString()).toBe('2099-01-01T02:00:00.000Z');
    expect((await command('silences')).text).toContain(`*#${row.id}* scheduled`);
  });
});

describe('stop_pages', () => {
  it('without it, a silence matching an open incident notes it and leaves its page running', async () => {
    const { id, run } = await openAlertIncident();
    expect(await pageStates(id)).toEqual(['triggered']);
    const preview = await command(`silence run="${run}" for 1h deploy`);
    expect(preview.text).toContain('add `stop_pages` to stop them');
    await click(preview, 'silence_create');
    expect((await latestSilence())!.stopPages).toBe(false);
    expect((await notesOf(id)).join()).toContain('its pages go on');
    expect(await pageStates(id)).toEqual(['triggered']);
  });

  it('with `stop_pages` in the command, the matched incident’s running page stops and the note says so', async () => {
    const { id, run } = await openAlertIncident();
    expect(await pageStates(id)).toEqual(['triggered']);
    const preview = await command(`silence run="${run}" for 1h stop_pages deploy of payments`);
    expect(preview.text).toContain('stops the running pages');
    expect(preview.text).toContain('deploy of payments');
    const made = await click(preview, 'silence_create');
    expect(made.text).toContain('stopping the pages');
    expect(await latestSilence()).toMatchObject({ stopPages: true, comment: 'deploy of payments' });
    expect((await notesOf(id)).join()).toContain('its pages are stopped (stop_pages)');
    expect(await pageStates(id)).toEqual(['acknowledged']);
  });
});

describe('the Silence 2h button on an alert line', () => {
  it('previews and silences the alert’s group for 2 hours', async () => {
    const { channel, run } = await openAlertIncident();
    const alertLine = () => fw.slack.messagesIn(channel).find((m) => JSON.stringify(m.blocks).includes('alert_silence_2h'));
    await expect.poll(alertLine, { timeout: 10_000 }).toBeDefined();
    const line = alertLine()!;
    const preview = await click(line, 'alert_silence_2h', 'U0ALICE', channel);
    expect(preview.replace_original).toBe(false);
    expect(preview.text).toContain('for *2h*');
    expect(preview.text).toContain('would have silenced *2 alerts*');
    await click(preview, 'silence_create', 'U0ALICE', channel);
    const row = (await latestSilence())!;
    expect(row.source).toBe('button');
    expect(row.matchers).toEqual([
      { name: 'alertname', op: '=', value: 'HighErrorRate' },
      { name: 'run', op: '=', value: run },
    ]);
    expect(row.endsAt.getTime() - row.startsAt.getTime()).toBe(2 * 3_600_000);
  });
});

describe('silences and private incidents', () => {
  it('neither previews the alerts of a private incident to an outsider nor lets them use its Silence 2h button', async () => {
    const { id, channel, run } = await openAlertIncident();
    await expect.poll(() => fw.slack.messagesIn(channel).some((m) => JSON.stringify(m.blocks).includes('alert_silence_2h'))).toBe(true);
    await fw.db.update(incidents).set({ isPrivate: true }).where(eq(incidents.id, id));
    const outsider = await command(`silence run="${run}" for 1h`, 'U0BOB');
    expect(outsider.text).toContain('would have silenced *no alerts*');
    expect(outsider.text).not.toContain('HighErrorRate');
    const line = fw.slack.messagesIn(channel).find((m) => JSON.stringify(m.blocks).includes('alert_silence_2h'))!;
    expect((await click(line, 'alert_silence_2h', 'U0BOB', channel)).text).toContain(`There is no INC-${id} that you can see`);
  });
});

describe("Alertmanager's silence API", () => {
  const api = (method: string, path: string, body?: unknown, token: string | null = API_TOKEN) =>
    fetch(`${fw.app.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  // What amtool 0.27 posts for `amtool silence add alertname=Api --duration=1h --comment=...`.
  const postable = () => ({
    matchers: [{ name: 'alertname', value: 'Api', isRegex: false, isEqual: true }],
    startsAt: new Date().toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    createdBy: 'ops@example.com',
    comment: 'maintenance',
  });
  type Gettable = { id: string; status: { state: string }; matchers: unknown[]; createdBy: string; comment: string; updatedAt: string };
  const listed = async (id: string) => ((await (await api('GET', '/api/v2/silences')).json()) as Gettable[]).find((s) => s.id === id);

  it('makes, lists, updates and expires a silence in Alertmanager’s shapes', async () => {
    const made = await api('POST', '/api/v2/silences', postable());
    expect(made.status).toBe(200);
    const { silenceID } = (await made.json()) as { silenceID: string };
    expect(silenceID).toMatch(/^\d+$/);
    expect(await listed(silenceID)).toMatchObject({
      status: { state: 'active' },
      matchers: [{ name: 'alertname', value: 'Api', isRegex: false, isEqual: true }],
      createdBy: 'ops@example.com',
      comment: 'maintenance',
      updatedAt: expect.any(String),
    });
    expect((await latestSilence())!.source).toBe('api');

    // Extending an active silence keeps its id, as Alertmanager does; changing its matchers replaces it.
    const current = (
      await fw.db
        .select()
        .from(silences)
        .where(eq(silences.id, Number(silenceID)))
    )[0]!;
    const extended = await api('POST', '/api/v2/silences', {
      ...postable(),
      id: silenceID,
      startsAt: current.startsAt.toISOString(),
      endsAt: new Date(Date.now() + 7_200_000).toISOString(),
    });
    expect(((await extended.json()) as { silenceID: string }).silenceID).toBe(silenceID);
    const replaced = await api('POST', '/api/v2/silences', {
      ...postable(),
      id: silenceID,
      matchers: [{ name: 'alertname', value: 'Api2|Api3', isRegex: true, isEqual: true }],
    });
    expect(replaced.status).toBe(200);
    const replacement = ((await replaced.json()) as { silenceID: string }).silenceID;
    expect(replacement).not.toBe(silenceID);
    expect((await listed(silenceID))?.status.state).toBe('expired');
    expect((await listed(replacement))?.matchers).toEqual([{ name: 'alertname', value: 'Api2|Api3', isRegex: true, isEqual: true }]);

    expect((await api('DELETE', `/api/v2/silence/${replacement}`)).status).toBe(200);
    expect((await listed(replacement))?.status.state).toBe('expired');
    expect((await api('DELETE', `/api/v2/silence/${replacement}`)).status).toBe(200);
    expect((await api('DELETE', '/api/v2/silence/999999')).status).toBe(404);
    expect((await api('DELETE', '/api/v2/silence/not-an-id')).status).toBe(404);
    expect((await api('POST', '/api/v2/silences', { ...postable(), id: '999999' })).status).toBe(404);
    // The api_token's holder acted, whatever createdBy said.
    expect(await auditOf(silenceID)).toEqual([
      ['silence.created', API_ACTOR],
      ['silence.updated', API_ACTOR],
      ['silence.expired', API_ACTOR],
    ]);
    expect(await auditOf(replacement)).toEqual([
      ['silence.created', API_ACTOR],
      ['silence.expired', API_ACTOR],
    ]);
  });

  it('takes an optional stopPages, which stops the matched incident’s page and survives an amtool update', async () => {
    const { id, run } = await openAlertIncident();
    const body = { ...postable(), matchers: [{ name: 'run', value: run, isRegex: false, isEqual: true }] };
    const made = await api('POST', '/api/v2/silences', { ...body, stopPages: true });
    expect(made.status).toBe(200);
    const { silenceID } = (await made.json()) as { silenceID: string };
    expect(await pageStates(id)).toEqual(['acknowledged']);
    expect((await notesOf(id)).join()).toContain('its pages are stopped (stop_pages)');
    // amtool's update posts only Alertmanager's fields: the silence keeps stopping pages.
    const row = (
      await fw.db
        .select()
        .from(silences)
        .where(eq(silences.id, Number(silenceID)))
    )[0]!;
    const updated = await api('POST', '/api/v2/silences', { ...body, id: silenceID, startsAt: row.startsAt.toISOString() });
    expect(((await updated.json()) as { silenceID: string }).silenceID).toBe(silenceID);
    expect(
      (
        await fw.db
          .select()
          .from(silences)
          .where(eq(silences.id, Number(silenceID)))
      )[0]!.stopPages,
    ).toBe(true);
    expect((await api('POST', '/api/v2/silences', { ...body, stopPages: 'yes' })).status).toBe(400);
  });

  it('without stopPages, as amtool posts, leaves the matched incident’s page running', async () => {
    const { id, run } = await openAlertIncident();
    const made = await api('POST', '/api/v2/silences', {
      ...postable(),
      matchers: [{ name: 'run', value: run, isRegex: false, isEqual: true }],
    });
    expect(made.status).toBe(200);
    expect((await notesOf(id)).join()).toContain('its pages go on');
    expect(await pageStates(id)).toEqual(['triggered']);
  });

  it('filters the list as Alertmanager does', async () => {
    const { silenceID } = (await (
      await api('POST', '/api/v2/silences', { ...postable(), matchers: [{ name: 'team', value: 'filtered', isRegex: false }] })
    ).json()) as { silenceID: string };
    const found = (await (await api('GET', '/api/v2/silences?filter=team%3D%22filtered%22')).json()) as Gettable[];
    expect(found.map((s) => s.id)).toEqual([silenceID]);
    const noActive = (await (await api('GET', '/api/v2/silences?active=false')).json()) as Gettable[];
    expect(noActive.some((s) => s.id === silenceID)).toBe(false);
  });

  it('answers 401 without the api_token and 400 naming the field', async () => {
    expect((await api('GET', '/api/v2/silences', undefined, null)).status).toBe(401);
    expect((await api('POST', '/api/v2/silences', postable(), 'wrong-token-0123456789abc')).status).toBe(401);
    expect((await api('DELETE', '/api/v2/silence/1', undefined, null)).status).toBe(401);

    const noRegexFlag = await api('POST', '/api/v2/silences', { ...postable(), matchers: [{ name: 'a', value: 'b' }] });
    expect(noRegexFlag.status).toBe(400);
    expect(await noRegexFlag.json()).toContain('matchers[0].isRegex');
    const noEnd = await api('POST', '/api/v2/silences', { ...postable(), endsAt: undefined });
    expect(await noEnd.json()).toContain('endsAt');
    const backwards = await api('POST', '/api/v2/silences', { ...postable(), endsAt: new Date(Date.now() - 1000).toISOString() });
    expect(backwards.status).toBe(400);
    expect(await backwards.json()).toContain('endsAt');
    const everything = await api('POST', '/api/v2/silences', { ...postable(), matchers: [{ name: 'a', value: '.*', isRegex: true }] });
    expect(everything.status).toBe(400);
    expect(await everything.json()).toContain('matchers');
  });

  it('takes regexes as RE2, as Alertmanager does: (?i) and \\Q…\\E are made, a lookahead is 400 naming the field', async () => {
    const matchers = [
      { name: 'team', value: '(?i)re2-only', isRegex: true, isEqual: true },
      { name: 'host', value: '\\Qdb-1.prod\\E', isRegex: true, isEqual: true },
    ];
    const made = await api('POST', '/api/v2/silences', { ...postable(), matchers });
    expect(made.status).toBe(200);
    const { silenceID } = (await made.json()) as { silenceID: string };
    expect((await listed(silenceID))?.matchers).toEqual(matchers);
    expect((await api('DELETE', `/api/v2/silence/${silenceID}`)).status).toBe(200);

    const lookahead = await api('POST', '/api/v2/silences', {
      ...postable(),
      matchers: [{ name: 'team', value: 'a(?=b)', isRegex: true, isEqual: true }],
    });
    expect(lookahead.status).toBe(400);
    expect(await lookahead.json()).toMatch(/matchers\[0\]\.value: .*RE2 does not support lookahead/);
  });
});
