import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { alertGroups, alerts, incidents, outbox, timelineEvents } from '../../src/db/schema.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';
import { clickButton } from '../support/slack-requests.js';

const TOKENS = { sentry: 'sentry-token-0123456789', datadog: 'datadog-token-0123456789', script: 'script-token-0123456789' } as const;

const CONFIG = {
  integrations: [
    {
      id: 'sentry',
      type: 'generic',
      token: TOKENS.sentry,
      fields: { title: '/title', group: '/fingerprint', status: '/status', severity: '/level', labels: '/tags', link: '/url' },
      resolved_when: 'resolved',
      severity_map: { fatal: 'sev1', error: 'sev2' },
      auto_resolve: true,
    },
    {
      id: 'datadog',
      type: 'generic',
      token: TOKENS.datadog,
      fields: { title: '/title', group: '/aggreg_key', status: '/transition', severity: '/priority', labels: '/tags', link: '/link' },
      resolved_when: ['Recovered'],
      severity_map: { p1: 'sev1' },
    },
    {
      id: 'script',
      type: 'generic',
      token: TOKENS.script,
      fields: { title: '/title', group: '/check', status: '/status' },
      resolved_when: 'ok',
    },
  ],
};

const fw = useFirewatch({ config: CONFIG });

interface Reply {
  status: number;
  json: Record<string, unknown>;
  headers: Headers;
}

async function send(
  integration: string,
  body: unknown,
  token: string | null = (TOKENS as Record<string, string>)[integration] ?? null,
): Promise<Reply> {
  const res = await fetch(`${fw.app.url}/webhooks/generic/${integration}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

function incidentOf(reply: Reply): number {
  const [key] = reply.json.incidents as string[];
  if (!key) throw new Error(`no incident in ${reply.status} ${JSON.stringify(reply.json)}`);
  return Number(/^INC-(\d+)$/.exec(key)![1]);
}

async function incident(id: number) {
  const [row] = await fw.db.select().from(incidents).where(eq(incidents.id, id));
  return row!;
}

async function kinds(id: number): Promise<string[]> {
  return (await fw.db.select().from(timelineEvents).where(eq(timelineEvents.incidentId, id)).orderBy(asc(timelineEvents.id))).map(
    (e) => e.kind,
  );
}

/** Accepts a triage incident with its summary's Accept button, so auto_resolve may resolve it. */
async function accept(id: number): Promise<void> {
  await until(async () => {
    const rows = await fw.db.select().from(outbox).where(eq(outbox.incidentId, id));
    return rows.length > 0 && rows.every((r) => r.kind === 'alerts.summary' || r.status !== 'pending');
  }, `INC-${id} delivered`);
  const channel = (await incident(id)).channelId!;
  const summary = fw.slack.messagesIn(channel).find((m) => JSON.stringify(m.blocks).includes('incident_accept'));
  await clickButton(fw.app.url, fw.slack, summary!, 'incident_accept');
  await until(async () => (await incident(id)).status === 'investigating', `INC-${id} investigating`);
}

let seq = 0;
const unique = (base: string) => `${base}-${++seq}-${Date.now()}`;

describe('generic JSON integrations', () => {
  it('opens an incident from a Sentry-shaped payload, and its resolved payload resolves it', async () => {
    const fingerprint = unique('sentry');
    const issue = {
      title: 'TypeError: Cannot read properties of undefined (reading "amount")',
      fingerprint,
      status: 'unresolved',
      level: 'error',
      tags: [
        ['environment', 'production'],
        ['release', 'payments@1.4.2'],
      ],
      url: 'https://sentry.example.com/organizations/acme/issues/4242/',
    };
    const opened = await send('sentry', issue);
    expect(opened.status).toBe(202);
    expect(opened.json).toMatchObject({ status: 'success', opened: 1, changed: 1 });
    const id = incidentOf(opened);
    expect(await incident(id)).toMatchObject({ title: issue.title, severity: 'sev2', status: 'triage', source: 'sentry' });
    const [group] = await fw.db
      .select()
      .from(alertGroups)
      .where(and(eq(alertGroups.integrationId, 'sentry'), eq(alertGroups.groupKey, fingerprint)));
    const [alert] = await fw.db.select().from(alerts).where(eq(alerts.groupId, group!.id));
    expect(alert).toMatchObject({ status: 'firing', labels: { environment: 'production', release: 'payments@1.4.2' }, link: issue.url });

    expect((await send('sentry', issue)).json).toMatchObject({ opened: 0, changed: 0, duplicates: 1 });

    await accept(id);
    const resolved = await send('sentry', { ...issue, status: 'resolved' });
    expect(resolved.json).toMatchObject({ incidents: [`INC-${id}`], changed: 1 });
    expect((await incident(id)).status).toBe('resolved');
    expect(await kinds(id)).toContain('alert_group_resolved');
  });

  it("opens one from a Datadog webhook template's JSON and maps its priority", async () => {
    const key = unique('dd');
    const opened = await send('datadog', {
      title: '[Triggered] CPU high on web-1',
      aggreg_key: key,
      transition: 'Triggered',
      priority: 'P1',
      tags: { host: 'web-1', env: 'prod' },
      link: 'https://app.datadoghq.com/event/event?id=1',
    });
    expect(opened.status).toBe(202);
    const id = incidentOf(opened);
    expect(await incident(id)).toMatchObject({ severity: 'sev1' });
    const recovered = await send('datadog', { title: '[Recovered] CPU high on web-1', aggreg_key: key, transition: 'Recovered', tags: {} });
    expect(recovered.json).toMatchObject({ incidents: [`INC-${id}`], changed: 1 });
    expect(await kinds(id)).toContain('alert_group_resolved');
  });

  it("takes a shell script's minimal JSON, and a list of alerts in one body", async () => {
    const check = unique('disk');
    const opened = await send('script', `{"title":"Disk almost full on db-1","check":"${check}","status":"firing"}`);
    expect(opened.status).toBe(202);
    const id = incidentOf(opened);
    expect(await incident(id)).toMatchObject({ title: 'Disk almost full on db-1', severity: 'sev4' });

    const other = unique('load');
    const both = await send('script', [
      { title: 'Disk almost full on db-1', check, status: 'ok' },
      { title: 'Load high on db-2', check: other, status: 'firing' },
    ]);
    expect(both.status).toBe(202);
    expect(both.json).toMatchObject({ opened: 1, changed: 2 });
    expect(both.json.incidents).toHaveLength(2);
    expect(both.json.incidents).toContain(`INC-${id}`);
  });

  it('answers 400 naming the pointer of a missing or mistyped field, and records nothing', async () => {
    const missing = await send('sentry', { fingerprint: unique('x'), status: 'unresolved' });
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ status: 'error', error: 'field title: /title is missing from the payload' });
    const mistyped = await send('sentry', { title: 'x', fingerprint: unique('x'), status: 'unresolved', tags: 'env:prod' });
    expect(mistyped.status).toBe(400);
    expect(mistyped.json.error).toBe('field labels: /tags is a string, expected an object of values or a list of [key, value] pairs');
    const listed = await send('script', [
      { title: 't', check: 'c', status: 'firing' },
      { title: 't', status: 'firing' },
    ]);
    expect(listed.json.error).toBe('[1] field group: /check is missing from the payload');
    expect((await send('script', '{"title": ')).json.error).toBe('body is not valid JSON');
  });

  it('answers 401 to a missing or wrong token, 404 to an unknown integration, 413 to a body over 1 MiB', async () => {
    const body = { title: 't', check: unique('auth'), status: 'firing' };
    expect((await send('script', body, null)).status).toBe(401);
    const wrong = await send('script', body, TOKENS.sentry);
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    expect((await send('nope', body, TOKENS.script)).status).toBe(404);
    // Senders that cannot set headers (Sentry) put the token in the URL.
    const inUrl = await fetch(`${fw.app.url}/webhooks/generic/script?token=${TOKENS.script}`, {
      method: 'POST',
      body: JSON.stringify({ ...body, status: 'ok' }),
    });
    expect(inUrl.status).toBe(202);
    const wrongInUrl = await fetch(`${fw.app.url}/webhooks/generic/script?token=${TOKENS.sentry}`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    expect(wrongInUrl.status).toBe(401);
    expect((await send('script', { ...body, pad: 'x'.repeat(1024 * 1024) })).status).toBe(413);
    expect(await fw.db.select().from(alertGroups).where(eq(alertGroups.groupKey, body.check))).toEqual([]);
  });
});
