// Paging drills (config `paging_drills`): at each due time, everyone on call in any schedule gets a test
// page, and once every one of them is over, one report goes to the admin channel.
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Config } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { jobRuns, notificationAttempts, pageNotifications, pages } from '../db/schema.js';
import { enqueueDrillReport, PAGING_DRILLS_JOB } from './drill-runs.js';
import type { DrillResult } from './drill-report.js';
import { freezeRules } from './rules.js';
import { currentSchedules } from './current-schedules.js';
import { onCallAt, type ScheduleDef } from './schedule.js';
import { triggerTestPage } from './test-pages.js';

/** Everyone on call now in some schedule, each once, in the order of the schedules. */
export function onCallPeople(schedules: readonly ScheduleDef[], at: Date): string[] {
  const people = schedules.map((s) => onCallAt(s, at)).filter((u): u is string => u !== null);
  return [...new Set(people)];
}

/**
 * Runs the drill due at `dueAt`, once however many replicas tick: inserting its `job_runs` row claims it.
 * Each person on call gets a test page; with nobody on call the report goes out at once.
 */
export async function runPagingDrill(db: Db, config: Config, dueAt: Date, now = new Date()): Promise<boolean> {
  return db.transaction(async (tx) => {
    const people = onCallPeople(await currentSchedules(tx, config), now);
    // The time to acknowledge is kept with the run: the report says what this drill allowed, whichever replica posts it.
    const data = { people, ackWithinMs: config.testAckWithinMs };
    const claimed = await tx.insert(jobRuns).values({ job: PAGING_DRILLS_JOB, dueAt, data }).onConflictDoNothing().returning();
    if (claimed.length === 0) return false;
    const rules = await freezeRules(tx, config);
    for (const target of people)
      await triggerTestPage(tx, { target, requestedBy: null, rules, ackWithinMs: config.testAckWithinMs, drillDueAt: dueAt });
    if (people.length === 0) await enqueueDrillReport(tx, dueAt);
    return true;
  });
}

const runData = z.object({ ackWithinMs: z.number().int().positive() });

/** What one drill's report is built from: the receipts of each of its test pages, and the time it allowed. */
export async function drillReportData(tx: Tx, dueAt: Date): Promise<{ results: DrillResult[]; ackWithinMs: number } | undefined> {
  const [run] = await tx
    .select({ data: jobRuns.data })
    .from(jobRuns)
    .where(and(eq(jobRuns.job, PAGING_DRILLS_JOB), eq(jobRuns.dueAt, dueAt)));
  const data = runData.safeParse(run?.data);
  if (!data.success) return undefined;
  return { results: await drillResults(tx, dueAt), ackWithinMs: data.data.ackWithinMs };
}

/** The receipts of every test page of one drill, as its report reads them. */
async function drillResults(tx: Tx, dueAt: Date): Promise<DrillResult[]> {
  const rows = await tx
    .select({ page: pages, notification: pageNotifications })
    .from(pages)
    .innerJoin(pageNotifications, eq(pageNotifications.pageId, pages.id))
    .where(eq(pages.drillDueAt, dueAt))
    .orderBy(asc(pages.id));
  const ids = rows.map((r) => r.notification.id);
  const attempts = ids.length
    ? await tx
        .select()
        .from(notificationAttempts)
        .where(inArray(notificationAttempts.notificationId, ids))
        .orderBy(asc(notificationAttempts.id))
    : [];
  return rows.map(({ page, notification }) => ({
    userId: notification.userId,
    startedAt: notification.createdAt,
    state: page.state,
    acknowledgedAt: page.acknowledgedAt,
    slackError: notification.dmError,
    attempts: attempts.filter((a) => a.notificationId === notification.id),
  }));
}
