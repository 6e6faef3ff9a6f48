import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { alertGroups, alerts, incidents, outbox, timelineEvents } from '../../src/db/schema.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';
import { clickButton } from '../support/slack-requests.js';

const TOKENS = {
  sentry: 'sentry-token-0123456789',
  datadog: 'datadog-token-0123456789',
  script: 'script-token-0123456789',
  cloudwatch: 'cloudwatch-token-0123456789',
} as const;
const ADMIN = 'C0FWADMIN';

const CONFIG = {
  admin_channel: ADMIN,
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
    {
      // README's CloudWatch-through-SNS example.
      id: 'cloudwatch',
      type: 'generic',
      envelope: 'sns',
      token: TOKENS.cloudwatch,
      fields: { title: '/AlarmName', group: '/AlarmArn', status: '/NewStateValue', labels: '/Trigger/Dimensions' },
      resolved_when: 'OK',
      severity: 'sev2',
      auto_resolve: true,
    },
  ],
};

const fw = useFirewatch({ config: CONFIG, channels: [{ id: ADMIN, name: 'firewatch-admin' }], captureLogs: true });

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

// Amazon SNS's HTTP/HTTPS messages as it sends them (docs.aws.amazon.com/sns/latest/dg/http-notification-json.html
// and http-subscription-confirmation-json.html), carrying CloudWatch's alarm state change as the Message.
const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:firewatch-alarms`;

function alarm(name: string, state: 'ALARM' | 'OK', old: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA') {
  return {
    AlarmName: name,
    AlarmDescription: '5xx responses from the payments load balancer',
    AWSAccountId: ACCOUNT,
    AlarmConfigurationUpdatedTimestamp: '2026-11-02T10:04:12.345+0000',
    NewStateValue: state,
    NewStateReason:
      state === 'ALARM'
        ? 'Threshold Crossed: 1 out of the last 1 datapoints [42.0 (03/12/26 08:41:00)] was greater than the threshold (5.0) (minimum 1 datapoint for OK -> ALARM transition).'
        : 'Threshold Crossed: 1 out of the last 1 datapoints [0.0 (03/12/26 08:46:00)] was not greater than the threshold (5.0) (minimum 1 datapoint for ALARM -> OK transition).',
    StateChangeTime: new Date().toISOString().replace('Z', '+0000'),
    Region: 'EU (Ireland)',
    AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`,
    OldStateValue: old,
    OKActions: [TOPIC],
    AlarmActions: [TOPIC],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: 'HTTPCode_Target_5XX_Count',
      Namespace: 'AWS/ApplicationELB',
      StatisticType: 'Statistic',
      Statistic: 'SUM',
      Unit: null,
      Dimensions: [{ value: 'app/payments/50dc6c495c0c9188', name: 'LoadBalancer' }],
      Period: 60,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 5.0,
      TreatMissingData: 'missing',
      EvaluateLowSampleCountPercentile: '',
    },
  };
}

const signed = {
  SignatureVersion: '1',
  Signature:
    'EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=',
  SigningCertURL: `https://sns.${REGION}.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem`,
};

function notification(message: string, subject: string) {
  return {
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: TOPIC,
    Subject: subject,
    Message: message,
    Timestamp: new Date().toISOString(),
    ...signed,
    UnsubscribeURL: `https://sns.${REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC}:c9135db0-26c4-47ec-8998-413945fb5a96`,
  };
}

function confirmation(type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation', token: string) {
  return {
    Type: type,
    MessageId: randomUUID(),
    Token: token,
    TopicArn: TOPIC,
    Message:
      type === 'SubscriptionConfirmation'
        ? `You have chosen to subscribe to the topic ${TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`
        : `You have chosen to deactivate subscription ${TOPIC}:c9135db0-26c4-47ec-8998-413945fb5a96.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`,
    SubscribeURL: `https://sns.${REGION}.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=${token}`,
    Timestamp: new Date().toISOString(),
    ...signed,
  };
}

/** POSTs as SNS does: text/plain, its headers, and the token in the URL (SNS sets no Authorization: Bearer). */
async function sns(body: Record<string, unknown>): Promise<Reply> {
  const res = await fetch(`${fw.app.url}/webhooks/generic/cloudwatch?token=${TOKENS.cloudwatch}`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain; charset=UTF-8',
      'user-agent': 'Amazon Simple Notification Service Agent',
      'x-amz-sns-message-type': String(body.Type),
      'x-amz-sns-message-id': String(body.MessageId),
      'x-amz-sns-topic-arn': TOPIC,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

const alertGroupCount = async () => (await fw.db.select().from(alertGroups).where(eq(alertGroups.integrationId, 'cloudwatch'))).length;

describe('CloudWatch alarms through Amazon SNS (envelope: sns)', () => {
  it("opens an incident from an ALARM notification, mapped from the envelope's Message, and its OK resolves it", async () => {
    const name = unique('payments-5xx');
    const opened = await sns(notification(JSON.stringify(alarm(name, 'ALARM', 'OK')), `ALARM: "${name}" in EU (Ireland)`));
    expect(opened.status).toBe(202);
    expect(opened.json).toMatchObject({ status: 'success', opened: 1, changed: 1 });
    const id = incidentOf(opened);
    expect(await incident(id)).toMatchObject({ title: name, severity: 'sev2', status: 'triage', source: 'cloudwatch' });
    const [group] = await fw.db
      .select()
      .from(alertGroups)
      .where(and(eq(alertGroups.integrationId, 'cloudwatch'), eq(alertGroups.groupKey, alarm(name, 'OK', 'ALARM').AlarmArn)));
    const [row] = await fw.db.select().from(alerts).where(eq(alerts.groupId, group!.id));
    expect(row).toMatchObject({ status: 'firing', labels: { LoadBalancer: 'app/payments/50dc6c495c0c9188' } });

    await accept(id);
    const ok = await sns(notification(JSON.stringify(alarm(name, 'OK', 'ALARM')), `OK: "${name}" in EU (Ireland)`));
    expect(ok.json).toMatchObject({ incidents: [`INC-${id}`], changed: 1 });
    expect((await incident(id)).status).toBe('resolved');
    expect(await kinds(id)).toContain('alert_group_resolved');
  });

  it('answers a subscription confirmation with 200, records no alert, and logs and posts its SubscribeURL for an admin', async () => {
    const before = await alertGroupCount();
    const token = `2336412f37fb687f5d51e6e2425dacbba${seq++}`;
    const body = confirmation('SubscriptionConfirmation', token);
    const reply = await sns(body);
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ status: 'success', type: 'SubscriptionConfirmation' });
    expect(await alertGroupCount()).toBe(before);
    expect(fw.logs.find((l) => l.subscribeUrl === body.SubscribeURL)).toMatchObject({
      level: 40,
      integration: 'cloudwatch',
      topicArn: TOPIC,
    });
    const posted = await fw.slack.waitFor(() => fw.slack.messagesIn(ADMIN).find((m) => fw.slack.textOf(m).includes(token)));
    const text = fw.slack.textOf(posted);
    expect(text).toContain('Amazon SNS asks integration *cloudwatch* to confirm its subscription');
    expect(text).toContain(`<${body.SubscribeURL}|confirm the subscription>`);
  });

  it('answers an unsubscription with 200 and logs it', async () => {
    const before = await alertGroupCount();
    const reply = await sns(confirmation('UnsubscribeConfirmation', `unsub${seq++}`));
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ status: 'success', type: 'UnsubscribeConfirmation' });
    expect(await alertGroupCount()).toBe(before);
    expect(fw.logs.some((l) => String(l.msg).startsWith('Amazon SNS unsubscribed this integration') && l.topicArn === TOPIC)).toBe(true);
  });

  it('answers 400 to a notification whose Message is not JSON, and to a body that is not an SNS message, recording nothing', async () => {
    const before = await alertGroupCount();
    const text = await sns(notification('ALARM: payments-5xx is over 5 (this topic publishes raw text)', 'ALARM'));
    expect(text.status).toBe(400);
    expect(text.json.error).toBe('Message is not JSON: the fields are read from the published message, which must be a JSON document');
    const bare = await send('cloudwatch', alarm(unique('bare'), 'ALARM', 'OK'));
    expect(bare.status).toBe(400);
    expect(bare.json.error).toMatch(/^not an Amazon SNS message: x-amz-sns-message-type \(or Type\) must be one of/);
    // The integration token still guards it.
    const res = await fetch(`${fw.app.url}/webhooks/generic/cloudwatch`, {
      method: 'POST',
      headers: { 'x-amz-sns-message-type': 'SubscriptionConfirmation' },
      body: JSON.stringify(confirmation('SubscriptionConfirmation', 'no-token')),
    });
    expect(res.status).toBe(401);
    expect(await alertGroupCount()).toBe(before);
  });
});
