import { eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { ackTokens, incidents, pages, type AckToken, type Incident, type Page } from '../db/schema.js';
import { lockIncident } from '../incidents/queries.js';
import { msg, person, refuse, type Outcome, type Refusal } from '../outcome.js';
import { acknowledgePage } from './acknowledge.js';
import { newNonce, signAck, verifyAck } from './ack-signature.js';
import { attemptById, pageIsOpen } from './attempts.js';
import { incidentIdOf, isTestPage } from './page-kind.js';

/** The page an acknowledgement link names, its incident (none for a test page), and the person it acknowledges as. */
export type AckLink = Outcome<{ page: Page; incident: Incident | undefined; userId: string }>;

/** Forged, altered, signed with another secret, or never issued: `not_found`, so nothing tells which. */
const notALink = refuse('not_found', msg`This acknowledgement link is not valid. Acknowledge the page in Slack instead.`);
const used = refuse('final', msg`This acknowledgement link was already used.`);

/** A link expires when its page ends; one that ran out of levels can still be acknowledged, as in Slack. */
function over(page: Page): Refusal {
  if (isTestPage(page))
    return refuse('final', page.state === 'acknowledged' ? msg`This test page was already acknowledged.` : msg`This test page is over.`);
  switch (page.state) {
    case 'acknowledged':
      return refuse('final', msg`This page is over: ${person(page.acknowledgedBy ?? '')} already acknowledged it.`);
    default:
      return refuse('final', msg`This page is over: its incident was resolved.`);
  }
}

/** The path of an acknowledgement link under PUBLIC_URL. */
export function ackUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/ack/${token}`;
}

/** A signed link that acknowledges one page as one person, once; recorded in the caller's transaction. */
export async function issueAckToken(
  tx: Tx,
  secret: string,
  request: { pageId: number; userId: string; attemptId?: number },
): Promise<string> {
  const nonce = newNonce();
  const token = signAck(secret, { pageId: request.pageId, userId: request.userId, nonce });
  await tx.insert(ackTokens).values({ nonce, pageId: request.pageId, userId: request.userId, attemptId: request.attemptId ?? null });
  return token;
}

/**
 * The links of notification attempts: each issued on its attempt's first try and signed again from the
 * same row on every later one, so a retried SMS reads exactly as the first (which is how a retry
 * recognises it). One read, and one insert for the attempts without a link yet.
 */
export async function attemptAckTokens(
  tx: Tx,
  secret: string,
  attempts: ReadonlyArray<{ pageId: number; userId: string; attemptId: number }>,
): Promise<string[]> {
  if (attempts.length === 0) return [];
  const rows = await tx
    .select()
    .from(ackTokens)
    .where(
      inArray(
        ackTokens.attemptId,
        attempts.map((a) => a.attemptId),
      ),
    );
  const byAttempt = new Map<number | null, { pageId: number; userId: string; nonce: string }>(rows.map((row) => [row.attemptId, row]));
  const issued = attempts
    .filter((a) => !byAttempt.has(a.attemptId))
    .map((a) => ({ nonce: newNonce(), pageId: a.pageId, userId: a.userId, attemptId: a.attemptId }));
  if (issued.length > 0) await tx.insert(ackTokens).values(issued);
  for (const row of issued) byAttempt.set(row.attemptId, row);
  return attempts.map((a) => {
    const row = byAttempt.get(a.attemptId)!;
    return signAck(secret, { pageId: row.pageId, userId: row.userId, nonce: row.nonce });
  });
}

/** The issued row a token names, when its signature and its page and person match what was issued. */
async function issued(tx: Tx, secret: string, token: string, lock: boolean): Promise<AckToken | undefined> {
  const claims = verifyAck(secret, token);
  if (!claims) return undefined;
  const query = tx.select().from(ackTokens).where(eq(ackTokens.nonce, claims.nonce));
  const [row] = lock ? await query.for('update') : await query;
  return row && row.pageId === claims.pageId && row.userId === claims.userId ? row : undefined;
}

/** What a link would acknowledge, or why it cannot; changes nothing (a GET, which mail scanners follow). */
export async function readAckToken(db: Db, secret: string, token: string): Promise<AckLink> {
  const row = await issued(db, secret, token, false);
  if (!row) return notALink;
  if (row.usedAt) return used;
  const [found] = await db.select().from(pages).leftJoin(incidents, eq(incidents.id, pages.incidentId)).where(eq(pages.id, row.pageId));
  if (!found || (!found.incidents && !isTestPage(found.pages))) return notALink;
  if (!pageIsOpen(found.pages)) return over(found.pages);
  return {
    ok: true,
    message: isTestPage(found.pages) ? msg`This test page is for ${person(row.userId)}.` : msg`You are paged as ${person(row.userId)}.`,
    page: found.pages,
    incident: found.incidents ?? undefined,
    userId: row.userId,
  };
}

/**
 * Acknowledges the link's page as its person and uses the link up, in one transaction. The token row is
 * locked first, so of two requests at once one acknowledges and the other finds the link used.
 */
export async function redeemAckToken(db: Db, secret: string, token: string): Promise<AckLink> {
  return db.transaction(async (tx) => {
    const row = await issued(tx, secret, token, true);
    if (!row) return notALink;
    if (row.usedAt) return used;
    const [target] = await tx
      .select({ id: pages.id, incidentId: pages.incidentId, kind: pages.kind })
      .from(pages)
      .where(eq(pages.id, row.pageId));
    // Incident, then page, as acknowledgePage and status changes lock them; a test page has no incident.
    const incident = target && !isTestPage(target) ? await lockIncident(tx, incidentIdOf(target)) : undefined;
    const [page] = await tx.select().from(pages).where(eq(pages.id, row.pageId)).for('update');
    if (!page || (!incident && !isTestPage(page))) return notALink;
    if (!pageIsOpen(page)) return over(page);
    const carrier = row.attemptId ? await attemptById(tx, row.attemptId) : undefined;
    const via = carrier ? { via: carrier.method, attemptId: carrier.id } : {};
    const acked = await acknowledgePage(tx, { pageId: page.id, actor: row.userId, ...via });
    if (!acked.ok) return acked;
    await tx
      .update(ackTokens)
      .set({ usedAt: sql`now()` })
      .where(eq(ackTokens.nonce, row.nonce));
    return { ok: true, message: acked.message, page: acked.page, incident, userId: row.userId };
  });
}
