import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { followups, timelineEvents, workflowRuns } from '../../src/db/schema.js';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { ANNOUNCE } from '../support/app.js';
import { useFirewatch } from '../support/harness.js';
import { until as untilWhat } from '../support/hostile.js';

const until = <T>(fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 10_000) =>
  untilWhat(fn, fn.toString().slice(0, 80), timeoutMs);

const said = (text: string) => ({ post: { text } });

const fw = useFirewatch({
  config: {
    escalation_tick: '* * * * * *',
    escalation_policies: [{ id: 'exec', levels: [{ delay: '1h', targets: [{ user: 'U0CAROL' }] }] }],
    checklists: [{ id: 'sev1-basics', title: 'Sev1 basics', steps: ['Name a lead', 'Post the first update'] }],
    workflows: [
      {
        id: 'sev1-exec',
        when: 'declared',
        if: { severity: ['sev1'] },
        do: [
          { invite: ['U0BOB'] },
          { post: { channel: ANNOUNCE, text: 'EXEC {{incident.key}} {{incident.title}} ({{incident.severity}})' } },
          { checklist: 'sev1-basics' },
          // Nobody is the scribe yet: this one fails, and the rest go on.
          { post: { dm: 'scribe', text: 'SCRIBE {{incident.key}}' } },
          { bookmark: { title: 'Runbook', url: 'https://wiki.example.com/runbook' } },
          { followup: { text: 'Review {{incident.key}}', owner: 'U0CAROL' } },
          { page: 'exec' },
          { role: { comms: 'U0CAROL' } },
        ],
      },
      { id: 'on-status', when: 'status_changed', do: [said('STATUS {{incident.key}} is {{incident.status}}')] },
      { id: 'on-severity', when: 'severity_changed', do: [said('SEVERITY {{incident.key}} now {{incident.severity}}')] },
      { id: 'on-role', when: 'role_assigned', do: [said('ROLE {{incident.key}} lead {{lead}}')] },
      { id: 'on-resolved', when: 'resolved', do: [{ post: { dm: 'lead', text: 'RESOLVED {{incident.key}}' } }] },
      { id: 'on-closed', when: 'closed', do: [said('CLOSED {{incident.key}}')] },
      { id: 'quiet', when: 'no_update_for', after: '2s', if: { severity: ['sev4'] }, do: [said('QUIET {{incident.key}}')] },
      { id: 'leaderless', when: 'lead_missing_for', after: '2s', do: [said('LEADERLESS {{incident.key}}')] },
      { id: 'unacked', when: 'unacknowledged_for', after: '2s', if: { severity: ['sev1'] }, do: [said('UNACKED {{incident.key}}')] },
    ],
  },
});

const texts = (channel: string) => fw.slack.messagesIn(channel).map((m) => m.text);
const runsOf = (workflowId: string, incidentId: number) =>
  fw.db
    .select()
    .from(workflowRuns)
    .where(and(eq(workflowRuns.workflowId, workflowId), eq(workflowRuns.incidentId, incidentId)));

describe('workflows', () => {
  it('runs a declared workflow: each action, a failed one recorded while the rest go on, shown in the timeline', async () => {
    const { id, channel } = await fw.declare('Payments <!channel> down', { severity: 'sev1' });
    await until(async () => (await runsOf('sev1-exec', id))[0]?.finishedAt);
    const [run] = await runsOf('sev1-exec', id);
    expect(run?.results.map((r) => [r.action, r.ok])).toEqual([
      ['invite', true],
      ['post', true],
      ['checklist', true],
      ['post', false],
      ['bookmark', true],
      ['followup', true],
      ['page', true],
      ['role', true],
    ]);
    expect(run?.results[3]?.detail).toBe('nobody is scribe to DM');
    // The checklist it gave is posted in the channel with its steps as checkboxes.
    await until(() => fw.slack.messagesIn(channel).find((m) => JSON.stringify(m.blocks ?? []).includes('Post the first update')));
    await until(() => texts(ANNOUNCE).find((t) => t.startsWith('EXEC')));
    // The title's <!channel> reaches Slack escaped, never as a broadcast.
    expect(texts(ANNOUNCE).find((t) => t.startsWith('EXEC'))).toBe(`EXEC INC-${id} Payments &lt;!channel&gt; down (sev1)`);
    await until(() => fw.slack.bookmarks.find((b) => b.channel_id === channel && b.title === 'Runbook'));
    await until(() => fw.slack.channels.get(channel)?.members.has('U0BOB'));
    expect(await fw.db.select().from(followups).where(eq(followups.incidentId, id))).toMatchObject([
      { ownerId: 'U0CAROL', text: `Review INC-${id}` },
    ]);
    await until(() => texts(channel).find((t) => t.includes('Workflow *sev1-exec* ran')));
    // The role it gave started on-role, which ran once.
    await until(async () => (await runsOf('on-role', id)).length === 1);
    // Delivering the declaration's match again (a redelivery) runs nothing twice.
    expect(await runsOf('sev1-exec', id)).toHaveLength(1);
  });

  it('runs status_changed, severity_changed, role_assigned, resolved and closed once each, as they happen', async () => {
    const { id, channel } = await fw.declare('Checkout slow', { severity: 'sev4' });
    await fw.run('severity sev3', { incident: id });
    await fw.run('status identified', { incident: id });
    await fw.run('role scribe <@U0BOB>', { incident: id });
    await fw.run('resolve fixed', { incident: id });
    expect(await fw.run('close', { incident: id })).toContain('closed');
    await until(() => texts(channel).some((t) => t.startsWith('CLOSED'))).catch((err) => {
      throw new Error(`${String(err)}\n${texts(channel).join('\n')}`);
    });
    await until(() => texts(channel).some((t) => t === `ROLE INC-${id} lead <@U0ALICE>`));
    expect(texts(channel)).toEqual(expect.arrayContaining([`SEVERITY INC-${id} now sev3`, `STATUS INC-${id} is identified`]));
    await until(() => fw.slack.messagesIn(fw.slack.openIm('U0ALICE').id).some((m) => m.text === `RESOLVED INC-${id}`));
    for (const w of ['on-severity', 'on-role', 'on-resolved', 'on-closed']) expect(await runsOf(w, id), w).toHaveLength(1);
    // identified, resolved and closed are three status changes.
    expect(await runsOf('on-status', id)).toHaveLength(3);
  });

  it('fires duration triggers from the sweep once per stretch', async () => {
    const { id, channel } = await fw.declare('Nobody home', { severity: 'sev4' });
    await until(() => texts(channel).some((t) => t === `QUIET INC-${id}`), 15_000);
    const first = await runsOf('quiet', id);
    expect(first).toHaveLength(1);
    // A new update starts a new stretch, which fires again.
    await fw.run('update still looking', { incident: id });
    await until(async () => (await runsOf('quiet', id)).length === 2, 15_000);
    expect(new Set((await runsOf('quiet', id)).map((r) => r.occurrence)).size).toBe(2);
    // A run is claimed before it acts; its timeline event comes when it has finished.
    const recorded = () =>
      fw.db
        .select()
        .from(timelineEvents)
        .where(and(eq(timelineEvents.incidentId, id), eq(timelineEvents.kind, 'workflow_ran')));
    await until(async () => (await recorded()).length >= 2);
  });

  it('refuses a loop at load', () => {
    expect(() => parseConfig({ workflows: [{ id: 'self', when: 'role_assigned', do: [{ role: { comms: 'U0A' } }] }] }, 'x.yaml')).toThrow(
      ConfigError,
    );
  });
});

describe('/incident workflows', () => {
  it('lists each workflow with its trigger, conditions and last runs', async () => {
    const { id } = await fw.declare('Listed', { severity: 'sev1' });
    await until(async () => (await runsOf('sev1-exec', id))[0]?.finishedAt);
    const text = await fw.run('workflows');
    expect(text).toContain('*sev1-exec* — when declared, if severity sev1 → invite, post, checklist, post, bookmark, followup, page, role');
    expect(text).toContain(`INC-${id} · 1 of 8 actions failed`);
    expect(text).toContain('*quiet* — when no update for 2s, if severity sev4');
  });
});

// Several replicas share one database only on Postgres; PGlite is one process by design.
describe.runIf(process.env.DATABASE_URL)('workflows on two replicas of one Postgres', () => {
  it('runs each occurrence once, event and sweep alike, however many replicas see it', { timeout: 60_000 }, async () => {
    const second = await fw.startApp();
    try {
      const declared = [];
      for (let i = 0; i < 4; i++) declared.push(await fw.declare(`Twice ${i}`, { severity: 'sev4' }));
      for (const { id, channel } of declared) {
        await until(() => texts(channel).includes(`QUIET INC-${id}`), 20_000);
        // Both replicas keep sweeping: a further sweep finds the stretch run already.
        await until(async () => (await runsOf('quiet', id))[0]?.finishedAt);
      }
      for (const { id, channel } of declared) {
        expect(texts(channel).filter((t) => t === `QUIET INC-${id}`)).toHaveLength(1);
        const ran = await fw.db
          .select()
          .from(timelineEvents)
          .where(and(eq(timelineEvents.incidentId, id), eq(timelineEvents.kind, 'workflow_ran')));
        expect(ran.filter((e) => (e.data as { workflow?: string }).workflow === 'quiet')).toHaveLength(1);
      }
    } finally {
      await second.stop();
    }
  });
});
