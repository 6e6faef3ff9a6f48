/**
 * Workflows: what 20 workflows starting on every declaration add to the declare's ack (bench/workflow-declares.ts,
 * on the fresh database first), then one sweep of the *_for triggers over 10,000 open incidents (each with a
 * declaration and a status update), with three duration workflows: when no stretch is due yet, and when every
 * incident's stretch is due but the conditions hold for none (the sweep reads them all and runs nothing).
 */
import type { Database } from '../src/db/client.js';
import { incidents, timelineEvents, type NewIncident } from '../src/db/schema.js';
import { sweepWorkflows } from '../src/workflow/workflow-sweep.js';
import { testConfig } from '../test/support/app.js';
import { declareAcks, declareRows } from './workflow-declares.js';

export const WORKFLOWS_HEADING = '## Workflows';
const INCIDENTS = 10_000;
const BATCH = 1_000;

async function seed(database: Database): Promise<void> {
  const hourAgo = new Date(Date.now() - 3_600_000);
  for (let from = 0; from < INCIDENTS; from += BATCH) {
    const rows: NewIncident[] = Array.from({ length: BATCH }, (_, k) => ({
      title: `bench ${from + k}`,
      severity: 'sev3',
      status: 'investigating',
      declaredBy: 'U0BENCH',
      leadId: (from + k) % 2 ? 'U0BENCH' : null,
      createdAt: hourAgo,
    }));
    const ids = await database.db.insert(incidents).values(rows).returning({ id: incidents.id });
    await database.db.insert(timelineEvents).values(
      ids.flatMap(({ id }) => [
        { incidentId: id, kind: 'declared', actor: 'U0BENCH', occurredAt: hourAgo, data: {} },
        { incidentId: id, kind: 'status_update', actor: 'U0BENCH', occurredAt: hourAgo, data: { message: 'x' } },
      ]),
    );
  }
}

async function timedSweep(database: Database, after: string): Promise<number> {
  const config = testConfig({
    workflows: ['no_update_for', 'lead_missing_for', 'unacknowledged_for'].map((when) => ({
      id: `w-${when}`,
      when,
      after,
      if: { severity: ['sev1'] },
      do: [{ post: { text: 'x' } }],
    })),
  });
  const deps = { db: database.db, config, userGroupMembers: async () => [] };
  await sweepWorkflows(deps);
  const started = performance.now();
  const ran = await sweepWorkflows(deps);
  if (ran !== 0) throw new Error(`expected no runs, got ${ran}`);
  return performance.now() - started;
}

export async function workflowsSection(database: Database, url: string): Promise<string> {
  const declares = await declareAcks(database, url);
  await seed(database);
  const notDue = await timedSweep(database, '2h');
  const dueNoneHold = await timedSweep(database, '30m');
  const when = new Date().toISOString();
  return [
    WORKFLOWS_HEADING,
    '',
    `${when}, \`npm run bench -- workflows\`, Postgres.`,
    '',
    ...declareRows(declares),
    '',
    `One sweep of three *_for workflows over ${INCIDENTS.toLocaleString('en')} open incidents (target < 1 s).`,
    '',
    '| case | sweep |',
    '| --- | ---: |',
    `| no stretch due yet | ${notDue.toFixed(0)} ms |`,
    `| every stretch due, conditions hold for none | ${dueNoneHold.toFixed(0)} ms |`,
    '',
  ].join('\n');
}
