// A workflow run whose process died mid-way: each action is recorded in the transaction that does it, so
// whichever replica finds the run stalled carries it on from its next action, doing none twice.
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { followups, timelineEvents, workflowRuns, type ActionResult } from '../../src/db/schema.js';
import { useFirewatch } from '../support/harness.js';
import { until as untilWhat } from '../support/hostile.js';

const until = <T>(fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 20_000) =>
  untilWhat(fn, fn.toString().slice(0, 80), timeoutMs);

const fw = useFirewatch({
  config: {
    escalation_tick: '* * * * * *',
    // Nothing here closes an incident: the runs below are left as a killed process leaves them.
    workflows: [
      {
        id: 'three-steps',
        when: 'closed',
        do: [
          { post: { text: 'ONE {{incident.key}}' } },
          { post: { text: 'TWO {{incident.key}}' } },
          { followup: { text: 'THREE {{incident.key}}', owner: 'U0CAROL' } },
        ],
      },
    ],
  },
});

const texts = (channel: string) => fw.slack.messagesIn(channel).map((m) => m.text);

/** The row a process killed after the first action leaves: claimed a minute ago, one result recorded. */
async function stalledRun(incidentId: number, done: ActionResult[]) {
  const [run] = await fw.db
    .insert(workflowRuns)
    .values({
      workflowId: 'three-steps',
      incidentId,
      occurrence: 'event:killed',
      trigger: 'closed',
      results: done,
      startedAt: sql`now() - interval '1 minute'`,
      progressedAt: sql`now() - interval '1 minute'`,
    })
    .returning();
  return run!;
}

const firstDone: ActionResult[] = [{ action: 'post', ok: true, detail: 'posted in the incident channel' }];

async function finished(runId: number) {
  return until(async () => (await fw.db.select().from(workflowRuns).where(eq(workflowRuns.id, runId)))[0]?.finishedAt && true);
}

async function expectCarriedOnOnce(id: number, channel: string) {
  await until(() => texts(channel).includes(`TWO INC-${id}`));
  const [run] = await fw.db.select().from(workflowRuns).where(eq(workflowRuns.incidentId, id));
  expect(run?.results.map((r) => [r.action, r.ok])).toEqual([
    ['post', true],
    ['post', true],
    ['followup', true],
  ]);
  expect(texts(channel).filter((t) => t === `TWO INC-${id}`)).toHaveLength(1);
  // The first action was done before the process died; carrying on does not do it again.
  expect(texts(channel).filter((t) => t === `ONE INC-${id}`)).toHaveLength(0);
  expect(await fw.db.select().from(followups).where(eq(followups.incidentId, id))).toMatchObject([{ text: `THREE INC-${id}` }]);
  const ran = await fw.db
    .select()
    .from(timelineEvents)
    .where(and(eq(timelineEvents.incidentId, id), eq(timelineEvents.kind, 'workflow_ran')));
  expect(ran).toHaveLength(1);
  expect((ran[0]?.data as { actions: ActionResult[] }).actions).toHaveLength(3);
}

describe('a workflow run whose process died mid-way', () => {
  it('is carried on from its next action once it has stalled, and ends with one timeline event', async () => {
    const { id, channel } = await fw.declare('Half done');
    const run = await stalledRun(id, firstDone);
    await finished(run.id);
    await expectCarriedOnOnce(id, channel);
  });

  it('is left alone while it is still making progress', async () => {
    const { id } = await fw.declare('Still going');
    const [run] = await fw.db
      .insert(workflowRuns)
      .values({ workflowId: 'three-steps', incidentId: id, occurrence: 'event:alive', trigger: 'closed', results: firstDone })
      .returning();
    // A few sweeps pass; a run that recorded an action a moment ago belongs to the replica doing it.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const [now] = await fw.db.select().from(workflowRuns).where(eq(workflowRuns.id, run!.id));
    expect(now?.results).toHaveLength(1);
    expect(now?.finishedAt).toBeNull();
  });
});

// Several replicas share one database only on Postgres; PGlite is one process by design.
describe.runIf(process.env.DATABASE_URL)('stalled runs on two replicas of one Postgres', () => {
  it('does each remaining action once though both replicas carry the same runs on at once', { timeout: 60_000 }, async () => {
    const second = await fw.startApp();
    try {
      const declared = [];
      for (let i = 0; i < 4; i++) declared.push(await fw.declare(`Stalled ${i}`));
      const runs = await Promise.all(declared.map(({ id }) => stalledRun(id, firstDone)));
      for (const run of runs) await finished(run.id);
      for (const { id, channel } of declared) await expectCarriedOnOnce(id, channel);
    } finally {
      await second.stop();
    }
  });
});
