// The audit log: one row per change to on-call arrangements or config, with what it was before and after.
import { and, asc, desc, eq, lt } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { auditLog, type AuditAction, type AuditEntry } from '../db/schema.js';

export interface AuditInput {
  actor: string;
  action: AuditAction;
  subject: string;
  before?: unknown;
  after?: unknown;
}

/** Written in the caller's transaction, so a change and its audit row commit together or not at all. */
export async function recordAudit(tx: Tx, entry: AuditInput): Promise<void> {
  await tx
    .insert(auditLog)
    .values({ actor: entry.actor, action: entry.action, subject: entry.subject, before: entry.before ?? null, after: entry.after ?? null });
}

/** The newest entries first. */
export async function recentAudit(tx: Tx, limit = 100): Promise<AuditEntry[]> {
  return tx.select().from(auditLog).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(limit);
}

/**
 * One page of the audit log, newest first, paged by id (ids only grow): the entries below `before`, and
 * whether more follow.
 */
export async function auditPage(
  tx: Tx,
  filter: { action: AuditAction | undefined; actor: string | undefined; before: number | undefined; limit: number },
): Promise<{ entries: AuditEntry[]; next: number | undefined }> {
  const found = await tx
    .select()
    .from(auditLog)
    .where(
      and(
        filter.action === undefined ? undefined : eq(auditLog.action, filter.action),
        filter.actor === undefined ? undefined : eq(auditLog.actor, filter.actor),
        filter.before === undefined ? undefined : lt(auditLog.id, filter.before),
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(filter.limit + 1);
  const entries = found.slice(0, filter.limit);
  return { entries, next: found.length > filter.limit ? entries.at(-1)?.id : undefined };
}

/** Everyone who appears in the log as an actor, for the actor filter. */
export async function auditActors(tx: Tx): Promise<string[]> {
  const rows = await tx.selectDistinct({ actor: auditLog.actor }).from(auditLog).orderBy(asc(auditLog.actor));
  return rows.map((r) => r.actor);
}
