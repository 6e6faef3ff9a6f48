// Workflow triggers and actions that workflows.test.ts does not reach, end to end through Slack requests:
// type_set and service_added with their conditions, lead_missing_for and unacknowledged_for from the
// sweep, a webhook action received and verified on a real HTTP server, and inviting a Slack user group.
import type { IncomingHttpHeaders } from 'node:http';
import { asc, eq, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { afterAll, describe, expect, it } from 'vitest';
import { followups, incidents, pages, webhookDeliveries, workflowRuns } from '../../src/db/schema.js';
import { apiClient } from '../support/api-client.js';
import { useFirewatch } from '../support/harness.js';
import { settledOutbox } from '../support/outbox.js';
import { until } from '../support/hostile.js';
import { LocalServer, readBody } from '../support/local-server.js';
import { verifyStandardWebhook } from '../support/standard-webhooks.js';

const TOKEN = 'workflow-triggers-api-token';
const SECRET = `whsec_${Buffer.from('workflow-triggers-signing-key').toString('base64')}`;
const AFTER_MS = 3_000;
const AFTER = `${AFTER_MS / 1000}s`;
/** How long anything here may take on a slow, shared machine before it counts as never. */
const WAIT_MS = 30_000;

const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
const receiver = new LocalServer(async (req, res) => {
  received.push({ headers: req.headers, body: (await readBody(req)).toString('utf8') });
  res.writeHead(204).end();
});
// The webhook's URL is config, read before the app starts: the receiver listens first.
await receiver.start();
afterAll(() => receiver.stop());

const said = (text: string) => ({ post: { text } });

const fw = useFirewatch({
  emulator: {
    usergroups: [
      { id: 'S0RESPONDERS', handle: 'responders', users: ['U0BOB', 'U0CAROL'] },
      { id: 'S0NOBODY', handle: 'nobody', users: [] },
    ],
  },
  config: {
    api_token: TOKEN,
    escalation_tick: '* * * * * *',
    services: [
      { id: 'payments-api', name: 'Payments API', tier: 1 },
      { id: 'ledger', name: 'Ledger', tier: 2 },
      { id: 'search', name: 'Search', tier: 3 },
    ],
    webhooks: [{ id: 'receiver', url: `${receiver.url}/hook`, secret: SECRET, events: [] }],
    workflows: [
      { id: 'typed', when: 'type_set', do: [said('TYPED {{incident.key}} {{incident.type}}')] },
      { id: 'security', when: 'type_set', if: { type: ['security'] }, do: [said('SECURITY {{incident.key}}')] },
      { id: 'data-loss', when: 'type_set', if: { type: ['data'] }, do: [said('DATA {{incident.key}}')] },
      { id: 'affected', when: 'service_added', do: [said('AFFECTED {{incident.key}}: {{services}}')] },
      { id: 'payments', when: 'service_added', if: { service: ['payments-api'] }, do: [said('PAYMENTS {{incident.key}}')] },
      { id: 'critical', when: 'service_added', if: { tier: { at_most: 2 } }, do: [said('CRITICAL {{incident.key}}')] },
      { id: 'leaderless', when: 'lead_missing_for', after: AFTER, do: [{ followup: { text: 'Lead {{incident.key}}', owner: 'U0CAROL' } }] },
      { id: 'unacked', when: 'unacknowledged_for', after: AFTER, do: [said('UNACKED {{incident.key}}')] },
      { id: 'notify', when: 'declared', if: { severity: ['sev2'] }, do: [{ webhook: 'receiver' }] },
      {
        id: 'responders',
        when: 'declared',
        if: { severity: ['sev1'] },
        do: [
          { invite: { user_group: 'S0NOBODY' } },
          { invite: { user_group: 'S0GONE' } },
          { invite: { user_group: 'S0RESPONDERS' } },
          said('RESPONDERS {{incident.key}}'),
        ],
      },
    ],
  },
});
const api = apiClient(() => fw.app.url, TOKEN);

const texts = (channel: string) => fw.slack.messagesIn(channel).map((m) => m.text);

const sorted = (ids: readonly string[]) => [...ids].sort().join();

/** The incident's workflow runs once each has finished and shows as its `workflow_ran` event, oldest first. */
async function settledRuns(incidentId: number) {
  return until(
    async () => {
      const runs = await fw.db.select().from(workflowRuns).where(eq(workflowRuns.incidentId, incidentId)).orderBy(asc(workflowRuns.id));
      const ran = (await fw.events(incidentId, 'workflow_ran')).map((e) => (e.data as { workflow: string }).workflow);
      const shown = runs.every((r) => r.finishedAt) && sorted(ran) === sorted(runs.map((r) => r.workflowId));
      return shown && runs;
    },
    `the runs of INC-${incidentId} to finish`,
    WAIT_MS,
  );
}

const runsOf = async (incidentId: number, workflowId: string) => (await settledRuns(incidentId)).filter((r) => r.workflowId === workflowId);

async function countRuns(incidentId: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const r of await settledRuns(incidentId)) counts[r.workflowId] = (counts[r.workflowId] ?? 0) + 1;
  return counts;
}

/** Waits until the sweep has run `workflowId` for the incident `count` times. */
const swept = (incidentId: number, workflowId: string, count = 1) =>
  until(async () => (await runsOf(incidentId, workflowId)).length >= count, `${workflowId} to run on INC-${incidentId}`, WAIT_MS);

/** By the database's clock, whether a stretch that began at `began` is still short of AFTER: the sweep cannot have found it due. */
const notYetDue = (began: AnyPgColumn) => sql<boolean>`clock_timestamp() < ${began} + ${AFTER_MS} * interval '1 millisecond'`;

/**
 * Sets up an incident whose stretch is ended before AFTER elapsed. A slow machine may take longer than
 * AFTER to do that; such an attempt proves nothing, so another is made on a fresh incident.
 */
async function endedInTime(attempt: () => Promise<{ id: number; inTime: boolean }>): Promise<number> {
  for (let i = 0; i < 5; i++) {
    const { id, inTime } = await attempt();
    if (inTime) return id;
  }
  throw new Error(`five attempts each took longer than ${AFTER}: the machine is too slow for this test`);
}

describe('type_set', () => {
  it('runs once per type set, each workflow only where its type condition holds', async () => {
    const { id, channel } = await fw.declare('Odd logins from abroad');
    expect(await fw.run('type security', { incident: id })).toContain(`INC-${id} is now of type security.`);
    expect(await countRuns(id)).toEqual({ typed: 1, security: 1 });
    // Setting the type it already has sets nothing.
    expect(await fw.run('type security', { incident: id })).toContain('already of type security');
    await fw.run('type performance', { incident: id });
    expect(await countRuns(id)).toEqual({ typed: 2, security: 1 });
    expect(texts(channel)).toEqual(
      expect.arrayContaining([`TYPED INC-${id} security`, `SECURITY INC-${id}`, `TYPED INC-${id} performance`]),
    );
    expect(texts(channel).filter((t) => t.startsWith('DATA'))).toEqual([]);
    const shown = texts(channel).flatMap((t) => (t.startsWith('⚙️ Workflow') ? [t.split('\n')[0]] : []));
    expect(shown.sort()).toEqual(['security', 'typed', 'typed'].map((w) => `⚙️ Workflow *${w}* ran on *INC-${id}* (type set)`));
  });

  // Once an incident's outbox is delivered, its workflow.match has run (a run is claimed before it is delivered).
  it('runs for a type given when declaring through the API, and not for a declaration without one', async () => {
    const typed = await api('POST', '/api/v1/incidents', { body: { title: 'Typed from the API', type: 'security' } });
    expect(typed.status).toBe(201);
    const id = (typed.json as { number: number }).number;
    await settledOutbox(fw.db, id);
    expect(await countRuns(id)).toEqual({ typed: 1, security: 1 });
    const untyped = (await api('POST', '/api/v1/incidents', { body: { title: 'Untyped from the API' } })).json as { number: number };
    await settledOutbox(fw.db, untyped.number);
    expect(await countRuns(untyped.number)).toEqual({});
  });
});

describe('service_added', () => {
  it('runs once per occurrence of services added, where the service and tier conditions hold', async () => {
    const { id, channel } = await fw.declare('Search results stale');
    await fw.run('service search', { incident: id });
    expect(await countRuns(id)).toEqual({ affected: 1 });
    // Already affected: no occurrence.
    await fw.run('service search', { incident: id });
    // Two services in one command are one occurrence.
    await fw.run('service payments-api, ledger', { incident: id });
    expect(await countRuns(id)).toEqual({ affected: 2, payments: 1, critical: 1 });
    const added = await fw.events(id, 'service_added');
    expect(added.map((e) => e.data)).toEqual([{ services: ['search'] }, { services: ['payments-api', 'ledger'] }]);
    expect((await runsOf(id, 'affected')).map((r) => r.occurrence)).toEqual(added.map((e) => `event:${e.id}`));
    expect(texts(channel)).toEqual(
      expect.arrayContaining([`AFFECTED INC-${id}: Search`, `AFFECTED INC-${id}: Search, Payments API, Ledger`, `PAYMENTS INC-${id}`]),
    );
  });
});

describe('lead_missing_for', () => {
  /** Declared through the JSON API, which opens an incident without a lead when none is named. */
  async function declareLeaderless(title: string): Promise<number> {
    const answer = await api('POST', '/api/v1/incidents', { body: { title } });
    expect(answer.status).toBe(201);
    return (answer.json as { number: number }).number;
  }

  it('fires once for an incident left without a lead, and not for one that got a lead in time', { timeout: 120_000 }, async () => {
    const led = await endedInTime(async () => {
      const id = await declareLeaderless('Led in time');
      expect(await fw.run(`INC-${id} lead <@U0BOB>`)).toContain('U0BOB');
      expect((await fw.incident(id)).leadId).toBe('U0BOB');
      const [row] = await fw.db
        .select({ inTime: notYetDue(incidents.createdAt) })
        .from(incidents)
        .where(eq(incidents.id, id));
      return { id, inTime: row?.inTime === true };
    });
    const leaderless = await declareLeaderless('Nobody leads');
    await swept(leaderless, 'leaderless');
    // That sweep found `led` due too, had it still had no lead.
    expect(await countRuns(led)).toEqual({});
    expect(await fw.db.select().from(followups).where(eq(followups.incidentId, leaderless))).toMatchObject([
      { ownerId: 'U0CAROL', text: `Lead INC-${leaderless}` },
    ]);
    // Sweeps go on past it; by the time a later incident is due, it still ran once.
    await swept(await declareLeaderless('Nobody leads either'), 'leaderless');
    expect(await runsOf(leaderless, 'leaderless')).toMatchObject([{ occurrence: 'lead_missing', trigger: 'lead_missing_for' }]);
  });
});

describe('unacknowledged_for', () => {
  const pagesOf = (id: number) => fw.db.select().from(pages).where(eq(pages.incidentId, id)).orderBy(asc(pages.id));
  const pageDm = (user: string, id: number) =>
    fw.slack.waitFor(
      () => fw.dmsTo(user).find((m) => fw.slack.textOf(m).includes(`INC-${id}*`) && m.buttonLabels().includes('Acknowledge')),
      WAIT_MS,
    );

  it('fires once per page left unacknowledged, and not for a page acknowledged in time', { timeout: 120_000 }, async () => {
    const acked = await endedInTime(async () => {
      const { id } = await fw.declare('Paged and answered');
      await fw.run('page <@U0BOB>', { incident: id });
      await (await pageDm('U0BOB', id)).button('Acknowledge').click({ user: 'U0BOB' });
      const page = await until(async () => (await pagesOf(id)).find((p) => p.acknowledgedAt), 'the acknowledgement', WAIT_MS);
      const [row] = await fw.db
        .select({ inTime: notYetDue(pages.createdAt) })
        .from(pages)
        .where(eq(pages.id, page.id));
      return { id, inTime: row?.inTime === true };
    });
    const { id, channel } = await fw.declare('Paged twice, answered never');
    await fw.run('page <@U0BOB>', { incident: id });
    await fw.run('page <@U0CAROL>', { incident: id });
    await swept(id, 'unacked', 2);
    const paged = await pagesOf(id);
    expect(paged).toHaveLength(2);
    expect((await runsOf(id, 'unacked')).map((r) => r.occurrence).sort()).toEqual(paged.map((p) => `page:${p.id}`).sort());
    // Those sweeps found the acknowledged page due too, had it not been acknowledged.
    expect(await countRuns(acked)).toEqual({});
    await until(() => texts(channel).filter((t) => t === `UNACKED INC-${id}`).length === 2, 'both runs posted', WAIT_MS);
    // Sweeps go on past them; by the time a later page is due, each page still ran once.
    const later = await fw.declare('Paged later');
    await fw.run('page <@U0BOB>', { incident: later.id });
    await swept(later.id, 'unacked');
    expect(await runsOf(id, 'unacked')).toHaveLength(2);
  });
});

describe('webhook action', () => {
  const forIncident = (id: number) =>
    received.filter((r) => (JSON.parse(r.body) as { data: { incident: { id: string } } }).data.incident.id === `INC-${id}`);

  it('sends one workflow.triggered event, signed as Standard Webhooks, whatever the webhook subscribes to', async () => {
    const { id } = await fw.declare('Card payments failing', { severity: 'sev2' });
    const [run] = await runsOf(id, 'notify');
    expect(run?.results).toEqual([{ action: 'webhook', ok: true, detail: 'workflow.triggered queued for webhook receiver' }]);
    await until(
      async () => (await fw.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.incidentId, id)))[0]?.status === 'delivered',
      'the delivery',
      WAIT_MS,
    );
    const [got, ...more] = forIncident(id);
    expect(more).toEqual([]);
    expect(verifyStandardWebhook(SECRET, got!.headers, got!.body)).toBe(true);
    expect(verifyStandardWebhook('another secret', got!.headers, got!.body)).toBe(false);
    expect(JSON.parse(got!.body)).toMatchObject({
      type: 'workflow.triggered',
      data: { workflow: 'notify', incident: { id: `INC-${id}` } },
    });
  });
  it('sends nothing for a private incident to a webhook without include_private, and says so on the run', async () => {
    const id = await fw.declareDirect('Private card matter', { severity: 'sev2', isPrivate: true });
    await until(async () => (await runsOf(id, 'notify')).length === 1, 'the private run', WAIT_MS);
    const [run] = await runsOf(id, 'notify');
    expect(run?.results).toEqual([
      { action: 'webhook', ok: true, detail: 'not sent to webhook receiver: the incident is private and receiver has no include_private' },
    ]);
    expect(await fw.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.incidentId, id))).toEqual([]);
    expect(forIncident(id)).toEqual([]);
  });
});

describe('invite a user group', () => {
  it("invites the group's members; an empty or unknown group is recorded failed and the rest go on", async () => {
    const { id, channel } = await fw.declare('Vendor outage', { severity: 'sev1' });
    const [run] = await runsOf(id, 'responders');
    expect(run?.results.map((r) => [r.action, r.ok])).toEqual([
      ['invite', false],
      ['invite', false],
      ['invite', true],
      ['post', true],
    ]);
    expect(run?.results[0]?.detail).toBe('the user group has nobody in it');
    expect(run?.results[1]?.detail).toContain('no_such_subteam');
    const asked = fw.slack.callsOf('usergroups.users.list').filter((c) => c.args.usergroup === 'S0GONE');
    expect(asked.map((c) => c.error)).toEqual(['no_such_subteam']);
    await until(() => ['U0BOB', 'U0CAROL'].every((u) => fw.slack.channels.get(channel)?.members.has(u)), 'the members invited', WAIT_MS);
    await until(() => texts(channel).includes(`RESPONDERS INC-${id}`), 'the post after the failed invites', WAIT_MS);
  });
});
