/**
 * The queries behind the console's /insights, /followups and /audit pages over 10,000 incidents spread
 * over a year (5% private, 2% drills), 20,000 follow-ups, 5,000 alert groups and 10,000 audit entries,
 * called in this process on Postgres as a person who is a member of a few private incidents.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../src/db/client.js';
import { alertGroups, auditLog, followups, incidentMembers, incidents, type NewIncident } from '../src/db/schema.js';
import { auditPage } from '../src/audit/record.js';
import { followupsAcross } from '../src/incidents/followup-list.js';
import { personViewer } from '../src/incidents/access.js';
import { weeklyInsightsFor } from '../src/postmortems/weekly-insights.js';
import { percentile, type Row } from './server.js';

const INCIDENTS = 10_000;
const BATCH = 1_000;
const WARM_UP = 10;
const RUNS = 100;
const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4'];
const TYPES = ['availability', 'performance', 'security', 'data', 'other'];
const YEAR_MS = 365 * 86_400_000;
const VIEWER = personViewer('U0BENCH1');

async function seed(database: Database, now: number): Promise<void> {
  const db = database.db;
  for (let from = 0; from < INCIDENTS; from += BATCH) {
    const rows: NewIncident[] = Array.from({ length: BATCH }, (_, k) => {
      const i = from + k;
      const createdAt = now - YEAR_MS + Math.floor((i * YEAR_MS) / INCIDENTS);
      return {
        title: `Incident ${i}`,
        severity: SEVERITIES[i % SEVERITIES.length]!,
        status: 'resolved',
        type: TYPES[i % TYPES.length]!,
        declaredBy: 'U0BENCH',
        isPrivate: i % 20 === 0,
        drill: i % 50 === 1,
        createdAt: new Date(createdAt),
        acknowledgedAt: new Date(createdAt + ((i % 30) + 1) * 60_000),
        resolvedAt: new Date(createdAt + ((i % 90) + 10) * 60_000),
      };
    });
    const ids = (await db.insert(incidents).values(rows).returning({ id: incidents.id })).map((r) => r.id);
    await db
      .insert(incidentMembers)
      .values(
        ids.filter((_, k) => (from + k) % 20 === 0).map((incidentId, k) => ({ incidentId, userId: k % 4 === 0 ? 'U0BENCH1' : 'U0OTHER' })),
      );
    await db.insert(followups).values(
      ids.flatMap((incidentId, k) =>
        [0, 1].map((j) => ({
          incidentId,
          text: `Follow-up ${j} of ${incidentId}`,
          ownerId: `U0OWNER${(k + j) % 25}`,
          createdBy: 'U0BENCH',
          createdAt: rows[k]!.createdAt,
          dueAt: new Date((rows[k]!.createdAt as Date).getTime() + 14 * 86_400_000),
          doneAt: (k + j) % 3 === 0 ? null : new Date((rows[k]!.createdAt as Date).getTime() + 7 * 86_400_000),
        })),
      ),
    );
    await db
      .insert(alertGroups)
      .values(
        ids
          .filter((_, k) => k % 2 === 0)
          .map((incidentId, k) => ({ integrationId: 'prom', groupKey: `Alert${k % 40}`, incidentId, open: false })),
      );
    await db.insert(auditLog).values(
      ids.map((id, k) => ({
        actor: k % 10 === 0 ? 'system' : 'U0BENCH',
        action: k % 10 === 0 ? ('config.reloaded' as const) : ('override.created' as const),
        subject: `s${id}`,
        after: { id },
      })),
    );
  }
}

async function timed(run: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARM_UP; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times;
}

export async function consoleInsightsBenchmarks(database: Database, rows: Row[]): Promise<void> {
  const now = Date.now();
  await seed(database, now);
  // A database that has been in use has planner statistics (autovacuum's ANALYZE); without them Postgres
  // guesses a handful of incidents and joins alert groups to them by nested loop, 20 times slower.
  await database.db.execute(sql`analyze`);
  const db = database.db;
  const insights = (weekCount: number) => () =>
    db.transaction((tx) => weeklyInsightsFor(tx, VIEWER, { weekCount, now: new Date(now), severities: SEVERITIES }));
  const followupList = (state: 'open' | 'all', owner?: string) => () =>
    db.transaction((tx) => followupsAcross(tx, VIEWER, { state, owner, after: undefined, limit: 100, now: new Date(now) }));
  const cases: Array<[string, () => Promise<unknown>, number]> = [
    ['insights, 12 weeks', insights(12), 200],
    ['insights, 52 weeks', insights(52), 400],
    ['follow-ups, open, page of 100', followupList('open'), 100],
    ['follow-ups, all of one owner, page of 100', followupList('all', 'U0OWNER3'), 100],
    [
      'audit log, first page of 50',
      () => db.transaction((tx) => auditPage(tx, { action: undefined, actor: undefined, before: undefined, limit: 50 })),
      50,
    ],
    [
      'audit log, one action, deep page',
      () => db.transaction((tx) => auditPage(tx, { action: 'config.reloaded', actor: undefined, before: 2_000, limit: 50 })),
      50,
    ],
  ];
  for (const [what, run, target] of cases) {
    const times = await timed(run);
    const p99 = percentile(times, 99);
    rows.push({
      what: `Console over 10,000 incidents: ${what}`,
      n: times.length,
      median: percentile(times, 50),
      p99,
      target: `p99 < ${target} ms`,
      ok: p99 < target,
    });
  }
}
