// Outbound webhooks end to end: a local receiver gets each event signed as Standard Webhooks (verified
// here from the spec, not with Firewatch's code), private incidents go only where allowed, 5xx and
// timeouts are retried until delivered, a 400 is final, and the console incident page lists each delivery.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { outbox, webhookDeliveries } from '../../src/db/schema.js';
import { sendWorkflowWebhook } from '../../src/workflow/webhooks.js';
import { SEVERITIES_PAGING_PRIMARY } from '../support/app.js';
import { visitAs } from '../support/console.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';
import { verifyStandardWebhook } from '../support/standard-webhooks.js';

const SECRET = `whsec_${Buffer.from('firewatch-test-signing-key-0123456789').toString('base64')}`;
const PLAIN_SECRET = 'a plain shared secret';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const received: Received[] = [];
/** How many times each path has been asked: the flaky one fails its first two. */
const asked = new Map<string, number>();
let server: Server;
let receiverUrl = '';

function answer(req: IncomingMessage, res: ServerResponse, body: string): void {
  const path = req.url ?? '/';
  const n = (asked.get(path) ?? 0) + 1;
  asked.set(path, n);
  received.push({ path, headers: req.headers, body });
  if (path === '/hang') return; // never answers: the attempt times out
  if (path === '/bad') return void res.writeHead(400).end('no');
  if (path === '/flaky' && n <= 2) return void res.writeHead(500, { 'retry-after': '0' }).end('later');
  res.writeHead(204).end();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => answer(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const fw = useFirewatch({
  console: true,
  config: {
    severities: SEVERITIES_PAGING_PRIMARY,
    escalation_policies: [{ id: 'primary', repeat: 0, levels: [{ delay: '1m', targets: [{ user: 'U0BOB' }] }] }],
  },
});

beforeAll(() => {
  // As a reload would: the running config object takes the new webhooks (their URLs need the receiver's port).
  const declared = ['incident.declared'];
  fw.app.services.config.webhooks = parseConfig(
    {
      webhooks: [
        {
          id: 'public-only',
          url: `${receiverUrl}/public`,
          secret: SECRET,
          events: [...declared, 'incident.updated', 'page.triggered', 'followup.created'],
        },
        { id: 'everything', url: `${receiverUrl}/private`, secret: PLAIN_SECRET, events: declared, include_private: true },
        { id: 'flaky', url: `${receiverUrl}/flaky`, secret: SECRET, events: [] },
        { id: 'bad', url: `${receiverUrl}/bad`, secret: SECRET, events: [] },
        { id: 'hang', url: `${receiverUrl}/hang`, secret: SECRET, events: [], timeout_ms: 200 },
      ],
    },
    'test',
  ).webhooks;
});

const verified = (secret: string, r: Received): boolean => verifyStandardWebhook(secret, r.headers, r.body);

const bodyOf = (r: Received) =>
  JSON.parse(r.body) as {
    type: string;
    timestamp: string;
    data: { incident: { id: string; private: boolean; url: string }; workflow?: string };
  };
const forIncident = (path: string, id: number) => received.filter((r) => r.path === path && bodyOf(r).data.incident.id === `INC-${id}`);

async function deliveries(incidentId: number, webhookId?: string) {
  const where = eq(webhookDeliveries.incidentId, incidentId);
  return fw.db
    .select()
    .from(webhookDeliveries)
    .where(webhookId ? and(where, eq(webhookDeliveries.webhookId, webhookId)) : where)
    .orderBy(webhookDeliveries.id);
}

/** A workflow's webhook action, as the engine will call it, for the webhooks that answer badly. */
async function triggerWorkflow(webhookId: string, incidentId: number): Promise<void> {
  await fw.db.transaction((tx) => sendWorkflowWebhook(tx, fw.app.services.config, webhookId, incidentId, 'wf-test'));
  fw.app.services.outbox.wake();
}

describe('outbound webhooks', () => {
  it('sends incident.declared on a declare in Slack, signed as Standard Webhooks', async () => {
    const { id } = await fw.declare('Webhook checkout errors');
    const [got] = forIncident('/public', id);
    expect(got).toBeDefined();
    expect(got!.headers['content-type']).toBe('application/json');
    expect(String(got!.headers['webhook-id'])).toMatch(/^msg_/);
    expect(Math.abs(Number(got!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
    expect(verified(SECRET, got!)).toBe(true);
    expect(verified(PLAIN_SECRET, got!)).toBe(false);
    const body = bodyOf(got!);
    expect(body.type).toBe('incident.declared');
    expect(body.data.incident).toMatchObject({ id: `INC-${id}`, private: false, url: `${fw.app.url}/incidents/INC-${id}` });
    // The webhook with a plain secret signs with its bytes.
    expect(verified(PLAIN_SECRET, forIncident('/private', id)[0]!)).toBe(true);
    const rows = await deliveries(id);
    expect(rows.map((d) => [d.webhookId, d.eventType, d.status, d.attempts, d.lastStatusCode])).toEqual([
      ['public-only', 'incident.declared', 'delivered', 1, 204],
      ['everything', 'incident.declared', 'delivered', 1, 204],
    ]);
  });

  it('sends incident.updated on a status update', async () => {
    const { id } = await fw.declare('Webhook update');
    await fw.run('update Rolled back the deploy', { incident: id });
    const got = await until(() => forIncident('/public', id).find((r) => bodyOf(r).type === 'incident.updated'), 'incident.updated');
    expect(verified(SECRET, got)).toBe(true);
  });

  it('sends page.triggered when a declare pages, and followup.created', async () => {
    const { id } = await fw.declare('Webhook paging', { severity: 'sev1' });
    const paged = await until(() => forIncident('/public', id).find((r) => bodyOf(r).type === 'page.triggered'), 'page.triggered');
    expect(JSON.parse(paged.body).data.event).toMatchObject({ policy: 'primary' });
    await fw.run('followup Add a canary <@U0CAROL>', { incident: id });
    const followup = await until(() => forIncident('/public', id).find((r) => bodyOf(r).type === 'followup.created'), 'followup.created');
    expect(JSON.parse(followup.body).data.event).toMatchObject({ text: 'Add a canary', owner: 'U0CAROL' });
    expect(verified(SECRET, followup)).toBe(true);
  });

  it('sends a private incident only to the webhook that takes private incidents', async () => {
    const id = await fw.declareDirect('Webhook private matter', { isPrivate: true });
    const got = await until(() => forIncident('/private', id)[0], 'the private delivery');
    expect(bodyOf(got).data.incident.private).toBe(true);
    expect(verified(PLAIN_SECRET, got)).toBe(true);
    expect(forIncident('/public', id)).toEqual([]);
    expect((await deliveries(id)).map((d) => d.webhookId)).toEqual(['everything']);
  });

  it('retries a 500 (honouring Retry-After) until the receiver takes it, with one webhook-id throughout', async () => {
    const { id } = await fw.declare('Webhook flaky receiver');
    await triggerWorkflow('flaky', id);
    const [row] = await until(async () => {
      const rows = await deliveries(id, 'flaky');
      return rows[0]?.status === 'delivered' && rows;
    }, 'the flaky delivery');
    expect(row).toMatchObject({ attempts: 3, lastStatusCode: 204, eventType: 'workflow.triggered' });
    const attempts = forIncident('/flaky', id);
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(attempts.every((r) => verified(SECRET, r))).toBe(true);
    expect(bodyOf(attempts[0]!).data.workflow).toBe('wf-test');
  });

  it('gives up at once on a 400', async () => {
    const { id } = await fw.declare('Webhook bad receiver');
    await triggerWorkflow('bad', id);
    const [row] = await until(async () => {
      const rows = await deliveries(id, 'bad');
      return rows[0]?.status === 'failed' && rows;
    }, 'the bad delivery');
    expect(row).toMatchObject({ attempts: 1, lastStatusCode: 400, lastError: 'HTTP 400' });
    // The outbox gives the row up too: no retry is scheduled.
    const effect = await until(async () => {
      const effects = await fw.db
        .select()
        .from(outbox)
        .where(and(eq(outbox.incidentId, id), eq(outbox.kind, 'webhook.deliver')));
      return effects.find((e) => e.payload.deliveryId === row!.id && e.status !== 'pending');
    }, 'the outbox row of the bad delivery');
    expect(effect).toMatchObject({ status: 'failed', attempts: 1 });
    expect(forIncident('/bad', id)).toHaveLength(1);
  });

  it('retries an attempt that gets no answer in time', async () => {
    const { id } = await fw.declare('Webhook silent receiver');
    await triggerWorkflow('hang', id);
    const [row] = await until(async () => {
      const rows = await deliveries(id, 'hang');
      return (rows[0]?.attempts ?? 0) >= 2 && rows;
    }, 'a second attempt at the silent receiver');
    expect(row).toMatchObject({ status: 'pending', lastStatusCode: null, lastError: 'no answer within 200 ms' });
    expect(row!.firstAttemptAt!.getTime()).toBeLessThan(row!.lastAttemptAt!.getTime());
    expect(forIncident('/hang', id).length).toBeGreaterThanOrEqual(2);
  });

  it('sends nothing for a change that rolled back', async () => {
    const { id } = await fw.declare('Webhook rolled back');
    const rollback = new Error('rolled back on purpose');
    await expect(
      fw.db.transaction(async (tx) => {
        await sendWorkflowWebhook(tx, fw.app.services.config, 'flaky', id, 'wf-test');
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect((await deliveries(id, 'flaky')).length).toBe(0);
  });

  it('shows the deliveries on the console incident page', async () => {
    const { id } = await fw.declare('Webhook console card');
    await triggerWorkflow('bad', id);
    await until(async () => (await deliveries(id, 'bad'))[0]?.status === 'failed', 'the bad delivery');
    const visitor = await visitAs(fw.slack, fw.app.url, 'U0ALICE');
    const res = await visitor.get(`/incidents/INC-${id}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('Webhook deliveries (3)');
    expect(html).toMatch(/<td>public-only<\/td><td><code>incident\.declared<\/code><\/td><td>Delivered \(HTTP 204\)<\/td><td>1<\/td>/);
    expect(html).toMatch(/<td>bad<\/td><td><code>workflow\.triggered<\/code><\/td><td>Failed \(HTTP 400\)<\/td><td>1<\/td>/);
  });
});
