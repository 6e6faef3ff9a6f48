// Paging drills (config `paging_drills`): at each due time, everyone on call in any schedule gets a test
// page, and once every one of them is over, one report goes to the admin channel.
import { asc, eq, inArray } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { jobRuns, notificationAttempts, pageNotifications, pages } from '../db/schema.js';
import { enqueueDrillReport, PAGING_DRILLS_JOB } from './drill-runs.js';
import type { DrillResult } from './drill-report.js';
import { freezeRules } from './rules.js';
import { onCallAt, scheduleDefFromConfig } from './schedule.js';
import { triggerTestPage } from './test-pages.js';

/** Everyone on call now in some schedule, each once, in the order of the schedules. */
export function onCallPeople(config: Pick<Config, 'schedules'>, at: Date): string[] {
  const people = config.schedules.map((s) => onCallAt(scheduleDefFromConfig(s), at)).filter((u): u is string => u !== null);
  return [...new Set(people)];
}

/**
 * Runs the drill due at `dueAt`, once however many replicas tick: inserting its `job_runs` row claims it.
 * Each person on call gets a test page; with nobody on call the report goes out at once.
 */
export async function runPagingDrill(db: Db, config: Config, dueAt: Date, now = new Date()): Promise<boolean> {
  return db.transaction(async (tx) => {
    const people = onCallPeople(config, now);
    const claimed = await tx.insert(jobRuns).values({ job: PAGING_DRILLS_JOB, dueAt, data: { people } }).onConflictDoNothing().returning();
    if (claimed.length === 0) return false;
    const rules = freezeRules(config);
    for (const target of people)
      await triggerTestPage(tx, { target, requestedBy: null, rules, ackWithinMs: config.testAckWithinMs, drillDueAt: dueAt });
    if (people.length === 0) await enqueueDrillReport(tx, dueAt);
    return true;
  });
}

/** The receipts of every test page of one drill, as its report reads them. */
export async function drillResults(tx: Tx, dueAt: Date): Promise<DrillResult[]> {
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
