import { readFileSync } from 'node:fs';
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ALERT_LINES_PER_MINUTE } from '../../src/timeline/alert-lines.js';
import { alertGroups, alerts, incidents, outbox, pages, timelineEvents } from '../../src/db/schema.js';
import { useFirewatch } from '../support/harness.js';
import type { EmuMessage, MessageView } from '../support/slack-emulator/index.js';
import { clickButton, slashCommand } from '../support/slack-requests.js';

const TOKENS = {
  prom: 'prom-token-0123456789',
  graf: 'graf-token-0123456789',
  auto: 'auto-token-0123456789',
  tight: 'tight-token-0123456789',
  storm: 'storm-token-0123456789',
} as const;
const ROUTING_KEY = 'R0UTINGKEY0123456789abcdef012345';

const CONFIG = {
  escalation_tick: '* * * * * *',
  escalation_policies: [{ id: 'primary', levels: [{ delay: '1h', targets: [{ user: 'U0ONCALL' }] }] }],
  integrations: [
    { id: 'prom', type: 'alertmanager', token: TOKENS.prom, severity: 'sev3', severity_map: { critical: 'sev2' }, page: 'primary' },
    { id: 'graf', type: 'alertmanager', token: TOKENS.graf },
    { id: 'auto', type: 'alertmanager', token: TOKENS.auto, auto_resolve: true },
    { id: 'tight', type: 'alertmanager', token: TOKENS.tight, rate_limit: 3 },
    { id: 'storm', type: 'alertmanager', token: TOKENS.storm, rate_limit: 1_000_000 },
    { id: 'pd', type: 'pagerduty', routing_key: ROUTING_KEY, severity: 'sev2', page: 'primary' },
  ],
};

interface AmAlert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  fingerprint?: string;
  endsAt?: string;
  [field: string]: unknown;
}
interface AmPayload {
  groupKey: string;
  status: string;
  alerts: AmAlert[];
  [field: string]: unknown;
}
interface PdEvent {
  routing_key: string;
  event_action: string;
  dedup_key?: string;
  payload?: Record<string, unknown>;
  [field: string]: unknown;
}

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../fixtures/alerts/${name}`, import.meta.url), 'utf8')) as T;
const AM_FIRING = fixture<AmPayload>('alertmanager-firing.json');
const AM_RESOLVED = fixture<AmPayload>('alertmanager-resolved.json');
const GRAFANA_FIRING = fixture<AmPayload>('grafana-firing.json');
const PD_TRIGGER = fixture<PdEvent>('pagerduty-trigger.json');

const fw = useFirewatch({ config: CONFIG });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let seq = 0;
/** A group key no other test uses. */
const uniqueKey = (base: string) => `${base}#${++seq}-${Date.now()}`;

/** The fixture's two firing alerts under a group key of its own. */
function firing(groupKey: string, base: AmPayload = AM_FIRING): AmPayload {
  return { ...structuredClone(base), groupKey };
}

/** Every alert of `payload` resolved, in the shape of Alertmanager's resolved notification. */
function resolvedOf(payload: AmPayload): AmPayload {
  const endsAt = new Date().toISOString();
  return {
    ...structuredClone(AM_RESOLVED),
    groupKey: payload.groupKey,
    groupLabels: payload.groupLabels,
    commonLabels: payload.commonLabels,
    status: 'resolved',
    alerts: payload.alerts.map((a) => ({ ...structuredClone(a), status: 'resolved', endsAt })),
  };
}

function thirdAlert(): AmAlert {
  const alert = structuredClone(AM_FIRING.alerts[0]!);
  alert.fingerprint = 'c3d4e5f60718293a';
  alert.labels.instance = 'payments-api-2.payments.svc:8080';
  alert.annotations.summary = 'payments-api-2 is returning 9.0% errors';
  return alert;
}

interface Reply {
  status: number;
  json: Record<string, unknown>;
  headers: Headers;
  text: string;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(`${fw.app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: the test looks at `text`
  }
  return { status: res.status, json, headers: res.headers, text };
}

function alertmanager(
  integration: string,
  body: unknown,
  token: string | null = (TOKENS as Record<string, string>)[integration] ?? null,
): Promise<Reply> {
  return post(`/webhooks/alertmanager/${integration}`, body, token === null ? {} : { authorization: `Bearer ${token}` });
}

const pagerduty = (event: unknown) => post('/v2/enqueue', event);

function incidentIdOf(reply: Reply): number {
  const key = reply.json.incident;
  if (typeof key !== 'string') throw new Error(`no incident in ${reply.status} ${reply.text}`);
  return Number(/^INC-(\d+)$/.exec(key)![1]);
}

async function incidentCount(): Promise<number> {
  const [row] = await fw.db.select({ n: count() }).from(incidents);
  return Number(row!.n);
}

async function alertCount(): Promise<number> {
  const [row] = await fw.db.select({ n: count() }).from(alerts);
  return Number(row!.n);
}

async function incident(id: number) {
  const [row] = await fw.db.select().from(incidents).where(eq(incidents.id, id));
  return row!;
}

async function events(id: number) {
  return fw.db.select().from(timelineEvents).where(eq(timelineEvents.incidentId, id)).orderBy(asc(timelineEvents.id));
}

async function kinds(id: number): Promise<string[]> {
  return (await events(id)).map((e) => e.kind);
}

const countOf = (list: string[], kind: string) => list.filter((k) => k === kind).length;

/**
 * Waits until the incident's outbox has delivered everything except the alert summaries, which wait for
 * the end of their minute on an ordering key of their own.
 */
async function settled(id: number, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const rows = await fw.db.select().from(outbox).where(eq(outbox.incidentId, id));
    const waiting = rows.filter((r) => r.kind !== 'alerts.summary' && r.status === 'pending');
    if (rows.length && waiting.length === 0) return;
    if (Date.now() - started > timeoutMs)
      throw new Error(`outbox of INC-${id} still pending: ${JSON.stringify(waiting.map((r) => [r.kind, r.attempts, r.lastError]))}`);
    await sleep(25);
  }
}

async function channelOf(id: number): Promise<string> {
  await settled(id);
  const channel = (await incident(id)).channelId;
  if (!channel) throw new Error(`INC-${id} has no channel`);
  return channel;
}

function summaryIn(channel: string): EmuMessage {
  const summary = fw.slack.messagesIn(channel).find((m) => JSON.stringify(m.blocks).includes('incident_accept'));
  if (!summary) throw new Error(`no summary with an Accept button in ${channel}`);
  return summary;
}

async function waitForStatus(id: number, status: string): Promise<void> {
  const started = Date.now();
  while ((await incident(id)).status !== status) {
    if (Date.now() - started > 10_000) throw new Error(`INC-${id} is ${(await incident(id)).status}, not ${status}`);
    await sleep(25);
  }
}

function dmsTo(user: string, id: number): MessageView[] {
  return fw.slack
    .dm(user)
    .messages()
    .filter((m) => m.content.includes(`INC-${id}`));
}

const linesIn = (channel: string, text: string) => fw.slack.messagesIn(channel).filter((m) => fw.slack.textOf(m).includes(text));

describe('Alertmanager webhooks', () => {
  it('the first firing payload opens one incident in triage, with its channel, alert lines, timeline and page', async () => {
    const before = await incidentCount();
    const reply = await alertmanager('prom', firing(uniqueKey('first')));
    expect(reply.status).toBe(202);
    expect(reply.json).toEqual({
      status: 'success',
      incident: expect.stringMatching(/^INC-\d+$/),
      opened: true,
      changed: 2,
      duplicates: 0,
    });
    expect(await incidentCount()).toBe(before + 1);

    const id = incidentIdOf(reply);
    expect(await incident(id)).toMatchObject({
      status: 'triage',
      severity: 'sev2',
      source: 'prom',
      leadId: null,
      declaredBy: 'alert:prom',
      title: 'HighErrorRate (env=prod, job=payments-api, service=payments)',
    });

    const channel = await channelOf(id);
    const buttons = JSON.stringify(summaryIn(channel).blocks);
    expect(buttons).toContain('incident_accept');
    expect(buttons).toContain('incident_decline');
    const lines = await fw.slack.waitFor(() => {
      const found = linesIn(channel, 'Alert firing');
      return found.length === 2 && found;
    });
    expect(lines.map((m) => fw.slack.textOf(m)).join('\n')).toContain('payments-api-0 is returning 7.3% errors');

    const timeline = await kinds(id);
    expect(timeline[0]).toBe('declared');
    expect(countOf(timeline, 'alert_firing')).toBe(2);
    const dm = await fw.slack.waitFor(() => dmsTo('U0ONCALL', id)[0]);
    expect(fw.slack.textOf(dm)).toContain('HighErrorRate');
  });

  it('the same payload again appends nothing: no incident, no timeline event, only duplicates', async () => {
    const payload = firing(uniqueKey('repeat'));
    const first = await alertmanager('prom', payload);
    const id = incidentIdOf(first);
    await settled(id);
    const incidentsBefore = await incidentCount();
    const eventsBefore = await kinds(id);

    const again = await alertmanager('prom', payload);
    expect(again.status).toBe(202);
    expect(again.json).toEqual({ status: 'success', incident: `INC-${id}`, opened: false, changed: 0, duplicates: 2 });
    expect(await incidentCount()).toBe(incidentsBefore);
    await settled(id);
    expect(await kinds(id)).toEqual(eventsBefore);
  });

  it('records a new alert and the resolution of all, stays in triage, and opens a new incident after resolve', async () => {
    const payload = firing(uniqueKey('lifecycle'));
    const id = incidentIdOf(await alertmanager('prom', payload));
    const channel = await channelOf(id);

    const grown = { ...structuredClone(payload), alerts: [...structuredClone(payload.alerts), thirdAlert()] };
    const third = await alertmanager('prom', grown);
    expect(third.json).toMatchObject({ incident: `INC-${id}`, opened: false, changed: 1, duplicates: 2 });
    expect(countOf(await kinds(id), 'alert_firing')).toBe(3);

    const resolved = await alertmanager('prom', resolvedOf(grown));
    expect(resolved.status).toBe(202);
    expect(resolved.json).toMatchObject({ incident: `INC-${id}`, opened: false, changed: 3, duplicates: 0 });
    const timeline = await kinds(id);
    expect(countOf(timeline, 'alert_resolved')).toBe(3);
    expect(countOf(timeline, 'alert_group_resolved')).toBe(1);
    await fw.slack.waitFor(() => linesIn(channel, `Every alert of *INC-${id}* from *prom* has resolved.`)[0]);
    expect((await incident(id)).status).toBe('triage');

    // Resolving again changes nothing: the alerts are already resolved.
    const repeat = await alertmanager('prom', resolvedOf(grown));
    expect(repeat.json).toMatchObject({ changed: 0, duplicates: 3 });
    expect(countOf(await kinds(id), 'alert_group_resolved')).toBe(1);

    await clickButton(fw.app.url, fw.slack, summaryIn(channel), 'incident_accept');
    await waitForStatus(id, 'investigating');
    await slashCommand(fw.app.url, fw.slack, 'resolve Error rate back to normal', { channel });
    await waitForStatus(id, 'resolved');

    const before = await incidentCount();
    const refire = await alertmanager('prom', payload);
    expect(refire.status).toBe(202);
    expect(refire.json).toMatchObject({ opened: true, changed: 2, duplicates: 0 });
    const next = incidentIdOf(refire);
    expect(next).not.toBe(id);
    expect(await incidentCount()).toBe(before + 1);
    expect((await incident(next)).status).toBe('triage');
    expect(
      await fw.db
        .select()
        .from(alertGroups)
        .where(and(eq(alertGroups.integrationId, 'prom'), eq(alertGroups.groupKey, payload.groupKey), eq(alertGroups.open, true))),
    ).toEqual([expect.objectContaining({ incidentId: next })]);
  });

  it('with auto_resolve, an accepted incident is resolved when every alert resolves', async () => {
    const payload = firing(uniqueKey('auto'));
    const opened = await alertmanager('auto', payload);
    expect(opened.json).toMatchObject({ opened: true, changed: 2 });
    const id = incidentIdOf(opened);
    const channel = await channelOf(id);
    await clickButton(fw.app.url, fw.slack, summaryIn(channel), 'incident_accept');
    await waitForStatus(id, 'investigating');

    const resolved = await alertmanager('auto', resolvedOf(payload));
    expect(resolved.json).toMatchObject({ incident: `INC-${id}`, changed: 2 });
    const row = await incident(id);
    expect(row.status).toBe('resolved');
    expect(row.resolvedAt).not.toBeNull();
    const changes = (await events(id)).filter((e) => e.kind === 'status_changed');
    expect(changes.at(-1)).toMatchObject({ actor: 'alert:auto', data: expect.objectContaining({ from: 'investigating', to: 'resolved' }) });
    expect(countOf(await kinds(id), 'alert_group_resolved')).toBe(1);
  });

  it("opens an incident from Grafana's payload, which has no fingerprints, and recognises its alerts again", async () => {
    const payload = firing(uniqueKey('grafana'), GRAFANA_FIRING);
    const reply = await alertmanager('graf', payload);
    expect(reply.status).toBe(202);
    expect(reply.json).toMatchObject({ opened: true, changed: 2, duplicates: 0 });
    const id = incidentIdOf(reply);
    expect(await incident(id)).toMatchObject({ source: 'graf', status: 'triage', title: '[FIRING:2] (Platform blue)' });
    const [group] = await fw.db.select().from(alertGroups).where(eq(alertGroups.incidentId, id));
    const stored = await fw.db.select().from(alerts).where(eq(alerts.groupId, group!.id));
    expect(stored).toHaveLength(2);
    for (const alert of stored) expect(alert.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect((await alertmanager('graf', payload)).json).toMatchObject({ opened: false, changed: 0, duplicates: 2 });
  });

  it('50 identical payloads of a new group at once open exactly one incident, and all are accepted', async () => {
    const payload = firing(uniqueKey('burst'));
    const before = await incidentCount();
    const replies = await Promise.all(Array.from({ length: 50 }, () => alertmanager('prom', payload)));
    expect(replies.map((r) => r.status)).toEqual(Array(50).fill(202));
    expect(await incidentCount()).toBe(before + 1);
    expect(new Set(replies.map((r) => r.json.incident)).size).toBe(1);
    expect(replies.filter((r) => r.json.opened === true)).toHaveLength(1);
    expect(replies.reduce((n, r) => n + Number(r.json.changed), 0)).toBe(2);
    expect(replies.reduce((n, r) => n + Number(r.json.duplicates), 0)).toBe(98);
    const id = incidentIdOf(replies[0]!);
    expect(countOf(await kinds(id), 'alert_firing')).toBe(2);
    expect(await fw.db.select().from(alertGroups).where(eq(alertGroups.groupKey, payload.groupKey))).toHaveLength(1);
  });
});

describe('rejected deliveries', () => {
  it('refuse bad paths, tokens, bodies and events, each creating nothing', async () => {
    const incidentsBefore = await incidentCount();
    const alertsBefore = await alertCount();
    const good = firing(uniqueKey('rejected'));

    const unknown = await alertmanager('nosuch', good, TOKENS.prom);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ status: 'error' });
    // A PagerDuty integration's id is not an Alertmanager endpoint.
    expect((await alertmanager('pd', good, TOKENS.prom)).status).toBe(404);

    const anonymous = await alertmanager('prom', good, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect((await alertmanager('prom', good, 'prom-token-wrong-0000')).status).toBe(401);
    // Another integration's token does not open this one.
    expect((await alertmanager('prom', good, TOKENS.graf)).status).toBe(401);
    expect((await post('/webhooks/alertmanager/prom', good, { authorization: TOKENS.prom })).status).toBe(401);

    const malformed = await alertmanager('prom', '{"groupKey": "x", ');
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ status: 'error', error: 'body is not valid JSON' });

    const { alerts: _alerts, ...noAlerts } = good;
    const missing = await alertmanager('prom', noAlerts);
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual([expect.stringMatching(/^alerts: /)]);

    const weird = structuredClone(good);
    weird.alerts[1]!.status = 'weird';
    const badStatus = await alertmanager('prom', weird);
    expect(badStatus.status).toBe(400);
    expect(badStatus.json.errors).toEqual([expect.stringMatching(/^alerts\[1\]\.status: /)]);

    const many = structuredClone(good);
    delete (many as Record<string, unknown>).groupKey;
    many.alerts[0]!.startsAt = 'yesterday';
    const several = await alertmanager('prom', many);
    expect(several.status).toBe(400);
    expect(several.json.errors).toEqual(
      expect.arrayContaining([expect.stringMatching(/^groupKey: /), expect.stringMatching(/^alerts\[0\]\.startsAt: /)]),
    );

    const huge = { ...structuredClone(good), padding: 'x'.repeat(1024 * 1024) };
    const tooLarge = await alertmanager('prom', huge);
    expect(tooLarge.status).toBe(413);

    const pdEvent = { ...structuredClone(PD_TRIGGER), routing_key: ROUTING_KEY, dedup_key: uniqueKey('pd-rejected') };
    const unknownKey = await pagerduty({ ...pdEvent, routing_key: 'R0NOSUCHKEY0000000000000000000000' });
    expect(unknownKey.status).toBe(404);
    expect(unknownKey.json).toMatchObject({
      status: 'invalid event',
      message: expect.any(String),
      errors: [expect.stringMatching(/^routing_key: /)],
    });

    const badAction = await pagerduty({ ...pdEvent, event_action: 'explode' });
    expect(badAction.status).toBe(400);
    expect(badAction.json).toEqual({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: [expect.stringMatching(/^event_action: /)],
    });

    const { payload: _payload, ...noPayload } = pdEvent;
    const triggerWithoutPayload = await pagerduty(noPayload);
    expect(triggerWithoutPayload.status).toBe(400);
    expect(triggerWithoutPayload.json).toEqual({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: ['payload: required when event_action is "trigger"'],
    });

    const resolveWithoutKey = await pagerduty({ routing_key: ROUTING_KEY, event_action: 'resolve' });
    expect(resolveWithoutKey.status).toBe(400);
    expect(resolveWithoutKey.json.errors).toEqual([expect.stringMatching(/^dedup_key: /)]);

    const badSeverity = await pagerduty({ ...pdEvent, payload: { ...pdEvent.payload, severity: 'apocalyptic' } });
    expect(badSeverity.status).toBe(400);
    expect(badSeverity.json.errors).toEqual([expect.stringMatching(/^payload\.severity: /)]);

    const pdMalformed = await pagerduty('not json');
    expect(pdMalformed.status).toBe(400);
    expect(pdMalformed.json).toMatchObject({ status: 'invalid event' });

    expect(await incidentCount()).toBe(incidentsBefore);
    expect(await alertCount()).toBe(alertsBefore);
  });

  it('over the rate limit, answers 429 with Retry-After and records nothing', async () => {
    // The budget is per wall-clock minute: do not start in its last seconds.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 57_000) await sleep(60_000 - intoMinute + 100);
    const before = await incidentCount();
    const first = await alertmanager('tight', firing(uniqueKey('tight-1')));
    expect(first.status).toBe(202);
    const incidentsAfterFirst = await incidentCount();
    expect(incidentsAfterFirst).toBe(before + 1);
    const alertsAfterFirst = await alertCount();

    const limitedKey = uniqueKey('tight-2');
    const limited = await alertmanager('tight', firing(limitedKey));
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.json).toMatchObject({ status: 'error' });
    expect(await incidentCount()).toBe(incidentsAfterFirst);
    expect(await alertCount()).toBe(alertsAfterFirst);
    expect(await fw.db.select().from(alertGroups).where(eq(alertGroups.groupKey, limitedKey))).toEqual([]);
  });
});

describe('PagerDuty Events API v2', () => {
  it('triggers, de-duplicates, acknowledges and resolves', async () => {
    const dedupKey = uniqueKey('checkout-latency');
    const trigger = { ...structuredClone(PD_TRIGGER), routing_key: ROUTING_KEY, dedup_key: dedupKey };
    const before = await incidentCount();
    const triggered = await pagerduty(trigger);
    expect(triggered.status).toBe(202);
    expect(triggered.json).toEqual({ status: 'success', message: 'Event processed', dedup_key: dedupKey });
    expect(await incidentCount()).toBe(before + 1);
    const [group] = await fw.db
      .select()
      .from(alertGroups)
      .where(and(eq(alertGroups.integrationId, 'pd'), eq(alertGroups.groupKey, dedupKey)));
    const id = group!.incidentId!;
    expect(await incident(id)).toMatchObject({
      status: 'triage',
      severity: 'sev2',
      source: 'pd',
      title: 'p99 checkout latency above 2s on prod-eu-1',
    });
    expect(countOf(await kinds(id), 'alert_firing')).toBe(1);

    const { dedup_key: _omitted, ...keyless } = trigger;
    const generated = await pagerduty(keyless);
    expect(generated.status).toBe(202);
    expect(generated.json).toEqual({ status: 'success', message: 'Event processed', dedup_key: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(generated.json.dedup_key).not.toBe(dedupKey);
    expect(await incidentCount()).toBe(before + 2);

    await settled(id);
    const eventsBefore = await kinds(id);
    expect((await pagerduty(trigger)).json).toEqual({ status: 'success', message: 'Event processed', dedup_key: dedupKey });
    expect(await kinds(id)).toEqual(eventsBefore);
    expect(await incidentCount()).toBe(before + 2);

    const [pageBefore] = await fw.db.select().from(pages).where(eq(pages.incidentId, id));
    expect(pageBefore?.state).toBe('triggered');
    const ack = await pagerduty({ routing_key: ROUTING_KEY, event_action: 'acknowledge', dedup_key: dedupKey });
    expect(ack.json).toEqual({ status: 'success', message: 'Event processed', dedup_key: dedupKey });
    const [page] = await fw.db.select().from(pages).where(eq(pages.incidentId, id));
    expect(page?.state).toBe('acknowledged');
    expect(countOf(await kinds(id), 'alert_acknowledged')).toBe(1);
    expect((await incident(id)).acknowledgedAt).not.toBeNull();

    const resolve = await pagerduty({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: dedupKey });
    expect(resolve.json).toEqual({ status: 'success', message: 'Event processed', dedup_key: dedupKey });
    const timeline = await kinds(id);
    expect(countOf(timeline, 'alert_resolved')).toBe(1);
    expect(countOf(timeline, 'alert_group_resolved')).toBe(1);
    const channel = await channelOf(id);
    await fw.slack.waitFor(() => linesIn(channel, `Every alert of *INC-${id}* from *pd* has resolved.`)[0]);
  });
});

describe('an alert storm', () => {
  it('records 2,000 alerts on 3 incidents, posts a few lines per minute and summarises the rest', { timeout: 60_000 }, async () => {
    const base = uniqueKey('storm');
    const keys = [0, 1, 2].map((g) => `${base}/group-${g}`);
    const payloads = Array.from({ length: 40 }, (_, i) => ({
      ...structuredClone(AM_FIRING),
      groupKey: keys[i % 3]!,
      commonAnnotations: { summary: `Storm group ${i % 3}` },
      alerts: Array.from({ length: 50 }, (_, j) => ({
        ...structuredClone(AM_FIRING.alerts[0]!),
        fingerprint: `storm-${i}-${j}`,
        labels: { alertname: 'Storm', group: String(i % 3), instance: `host-${i}-${j}` },
        annotations: { summary: `Storm alert ${i}/${j}` },
      })),
    }));
    const before = await incidentCount();
    const started = performance.now();
    const replies = await Promise.all(payloads.map((p) => alertmanager('storm', p)));
    const ingestMs = performance.now() - started;
    expect(replies.map((r) => r.status)).toEqual(Array(40).fill(202));
    expect(replies.reduce((n, r) => n + Number(r.json.changed), 0)).toBe(2000);
    expect(await incidentCount()).toBe(before + 3);

    const groups = await fw.db
      .select()
      .from(alertGroups)
      .where(and(eq(alertGroups.integrationId, 'storm'), inArray(alertGroups.groupKey, keys)));
    expect(groups).toHaveLength(3);
    const ids = groups.map((g) => g.incidentId!);
    const [firingCount] = await fw.db
      .select({ n: count() })
      .from(timelineEvents)
      .where(and(inArray(timelineEvents.incidentId, ids), eq(timelineEvents.kind, 'alert_firing')));
    expect(Number(firingCount!.n)).toBe(2000);

    const expected = new Map<number, number[]>();
    for (const id of ids) {
      const channel = await channelOf(id);
      const posts = fw.slack.callsOf('chat.postMessage').filter((c) => c.args.channel === channel);
      expect(posts.length).toBeLessThanOrEqual(12);
      expect(linesIn(channel, 'Alert firing').length).toBeLessThanOrEqual(2 * ALERT_LINES_PER_MINUTE);

      // Alert changes per minute, as the timeline has them: past the first lines, each minute is one summary.
      const perMinute = new Map<number, number>();
      for (const e of await events(id)) {
        if (e.kind !== 'alert_firing' && e.kind !== 'alert_resolved') continue;
        const minute = Math.floor(e.occurredAt.getTime() / 60_000) * 60_000;
        perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
      }
      const beyond = [...perMinute.entries()].filter(([, n]) => n > ALERT_LINES_PER_MINUTE).sort(([a], [b]) => a - b);
      expected.set(
        id,
        beyond.map(([, n]) => n - ALERT_LINES_PER_MINUTE),
      );

      const summaries = await fw.db
        .select()
        .from(outbox)
        .where(and(eq(outbox.incidentId, id), eq(outbox.kind, 'alerts.summary')))
        .orderBy(asc(outbox.id));
      expect(summaries.map((s) => s.payload.minute)).toEqual(beyond.map(([minute]) => new Date(minute).toISOString()));
      for (const s of summaries) {
        expect(s).toMatchObject({ status: 'pending', orderingKey: `alerts:${id}` });
        expect(s.nextAttemptAt.getTime()).toBe(Date.parse(String(s.payload.minute)) + 61_000);
      }
    }
    console.log(`alert storm: 2,000 alerts in 40 payloads ingested in ${Math.round(ingestMs)} ms (${fw.database.database.kind})`);

    await fw.db
      .update(outbox)
      .set({ nextAttemptAt: sql`now()` })
      .where(and(inArray(outbox.incidentId, ids), eq(outbox.kind, 'alerts.summary')));
    fw.app.services.outbox.wake();
    for (const id of ids) {
      const channel = (await incident(id)).channelId!;
      const want = expected.get(id)!;
      const got = await fw.slack.waitFor(() => {
        const found = linesIn(channel, 'more alert change');
        return found.length >= want.length && found;
      });
      await sleep(200);
      const numbers = linesIn(channel, 'more alert change').map((m) =>
        Number(/…and (\d+) more alert change/.exec(fw.slack.textOf(m))?.[1]),
      );
      expect(numbers).toEqual(want);
      expect(fw.slack.textOf(got[0]!)).toContain(`on INC-${id} between`);
      expect(fw.slack.textOf(got[0]!)).toContain('0 resolved');
    }
  });
});

describe('alert lines and the summary of one minute', () => {
  it('account for every alert change, also when a group resolved in that minute', async () => {
    // Everything below must happen within one wall-clock minute.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await sleep(60_000 - intoMinute + 100);
    const payload = firing(uniqueKey('minute'));
    const id = incidentIdOf(await alertmanager('graf', payload));
    await alertmanager('graf', resolvedOf(payload));
    const more = firing(payload.groupKey);
    more.alerts = [0, 1, 2].map((i) => ({
      ...structuredClone(AM_FIRING.alerts[0]!),
      fingerprint: `minute-more-${i}`,
      annotations: { summary: `Second wave ${i}` },
    }));
    expect((await alertmanager('graf', more)).json).toMatchObject({ incident: `INC-${id}`, changed: 3 });
    const timeline = await kinds(id);
    const changes = countOf(timeline, 'alert_firing') + countOf(timeline, 'alert_resolved');
    expect(changes).toBe(7);

    const channel = await channelOf(id);
    await fw.db
      .update(outbox)
      .set({ nextAttemptAt: sql`now()` })
      .where(and(eq(outbox.incidentId, id), eq(outbox.kind, 'alerts.summary')));
    fw.app.services.outbox.wake();
    const summary = await fw.slack.waitFor(() => linesIn(channel, 'more alert change')[0]);
    await settled(id);
    const lines = fw.slack.messagesIn(channel).filter((m) => /Alert (firing|resolved)/.test(fw.slack.textOf(m)));
    const summarised = Number(/…and (\d+) more alert change/.exec(fw.slack.textOf(summary))![1]);
    // Five alert lines a minute, and the summary counts the rest: no alert change falls between them.
    expect({ lines: lines.length, summarised }).toEqual({ lines: ALERT_LINES_PER_MINUTE, summarised: changes - ALERT_LINES_PER_MINUTE });
  });
});

describe('GET /metrics', () => {
  type Sample = { name: string; labels: Record<string, string>; value: number };

  /** Prometheus text exposition: `name{label="value",…} value` lines; `#` lines are help and type. */
  function parseExposition(text: string): Sample[] {
    const samples: Sample[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim() || line.startsWith('#')) continue;
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
      if (!match) throw new Error(`not an exposition line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
        labels[key!] = value!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      }
      samples.push({ name: match[1]!, labels, value: Number(match[3]) });
    }
    return samples;
  }

  async function scrape(): Promise<{
    contentType: string | null;
    text: string;
    value: (name: string, labels?: Record<string, string>) => number;
  }> {
    const res = await fetch(`${fw.app.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const samples = parseExposition(text);
    const value = (name: string, labels: Record<string, string> = {}) => {
      const wanted = Object.entries(labels);
      const found = samples.find(
        (s) => s.name === name && Object.keys(s.labels).length === wanted.length && wanted.every(([k, v]) => s.labels[k] === v),
      );
      return found?.value ?? 0;
    };
    return { contentType: res.headers.get('content-type'), text, value };
  }

  it('exposes Prometheus text whose counters move with alerts, rejections, Slack calls and commands', async () => {
    const first = await scrape();
    expect(first.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'firewatch_incidents_open',
      'firewatch_declares_total',
      'firewatch_pages',
      'firewatch_escalation_lateness_seconds',
      'firewatch_outbox_pending',
      'firewatch_outbox_oldest_pending_seconds',
      'firewatch_slack_api_calls_total',
      'firewatch_slack_request_seconds',
      'firewatch_alerts_received_total',
      'firewatch_alerts_deduplicated_total',
      'firewatch_alerts_rejected_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(first.text).toContain(`# TYPE ${name} `);
    }
    expect(first.value('firewatch_slack_api_calls_total', { method: 'chat.postMessage', outcome: 'ok' })).toBeGreaterThan(0);

    const received = first.value('firewatch_alerts_received_total', { integration: 'prom' });
    const declared = first.value('firewatch_declares_total', { source: 'prom' });
    const opened = await alertmanager('prom', firing(uniqueKey('metrics')));
    expect(opened.status).toBe(202);
    const second = await scrape();
    expect(second.value('firewatch_alerts_received_total', { integration: 'prom' })).toBe(received + 2);
    expect(second.value('firewatch_declares_total', { source: 'prom' })).toBe(declared + 1);
    expect(second.value('firewatch_incidents_open', { severity: 'sev2', status: 'triage' })).toBeGreaterThan(0);

    const unauthorized = second.value('firewatch_alerts_rejected_total', { integration: 'prom', reason: 'unauthorized' });
    expect((await alertmanager('prom', firing(uniqueKey('metrics')), 'prom-token-wrong-0000')).status).toBe(401);
    const third = await scrape();
    expect(third.value('firewatch_alerts_rejected_total', { integration: 'prom', reason: 'unauthorized' })).toBe(unauthorized + 1);

    const commands = third.value('firewatch_slack_request_seconds_count', { kind: 'command' });
    expect((await slashCommand(fw.app.url, fw.slack, 'help')).status).toBe(200);
    // The ack latency is observed once the answer has gone out.
    const started = Date.now();
    let moved = commands;
    while (moved === commands && Date.now() - started < 5_000) {
      await sleep(20);
      moved = (await scrape()).value('firewatch_slack_request_seconds_count', { kind: 'command' });
    }
    expect(moved).toBe(commands + 1);
  });
});
