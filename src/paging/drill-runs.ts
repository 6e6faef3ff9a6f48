// The runs of paging drills as their test pages end: the last page of a run to end sends its report.
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { jobRuns, pages, type Page } from '../db/schema.js';
import { enqueue } from '../outbox/enqueue.js';

export const PAGING_DRILLS_JOB = 'paging-drills';

const REPORT_ORDERING_KEY = 'paging-drills';

export const enqueueDrillReport = (tx: Tx, dueAt: Date) =>
  enqueue(tx, [{ kind: 'drill.report', payload: { dueAt: dueAt.toISOString() } }], { orderingKey: REPORT_ORDERING_KEY });

/**
 * Called in the transaction that ends test pages: a drill whose last page this was is reported. Its run is
 * locked first, so of two pages ending at once the later sees the other over and reports, exactly once.
 */
export async function finishDrillsOf(tx: Tx, ended: ReadonlyArray<Pick<Page, 'drillDueAt'>>): Promise<void> {
  const drills = [...new Set(ended.flatMap((p) => (p.drillDueAt ? [p.drillDueAt.getTime()] : [])))].sort((a, b) => a - b);
  for (const ms of drills) {
    const dueAt = new Date(ms);
    const [run] = await tx
      .select({ dueAt: jobRuns.dueAt })
      .from(jobRuns)
      .where(and(eq(jobRuns.job, PAGING_DRILLS_JOB), eq(jobRuns.dueAt, dueAt)))
      .for('update');
    if (!run) continue;
    const [open] = await tx
      .select({ id: pages.id })
      .from(pages)
      .where(and(eq(pages.drillDueAt, dueAt), eq(pages.state, 'triggered')))
      .limit(1);
    if (!open) await enqueueDrillReport(tx, dueAt);
  }
}
