// The audit log: one row per change to on-call arrangements or config, with what it was before and after.
import { desc } from 'drizzle-orm';
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
