import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { postmortems, type Postmortem } from '../db/schema.js';

export async function getPostmortem(tx: Tx, postmortemId: number): Promise<Postmortem | undefined> {
  const [postmortem] = await tx.select().from(postmortems).where(eq(postmortems.id, postmortemId));
  return postmortem;
}

/** Remembers the file of a version as soon as Slack names it: the summary links it and a retry looks for it before uploading again. */
export async function recordPostmortemFile(
  tx: Tx,
  postmortemId: number,
  file: { fileId: string; permalink: string | null },
): Promise<void> {
  await tx.update(postmortems).set(file).where(eq(postmortems.id, postmortemId));
}

/** The link Slack gives the file once it is made, for the summary. */
export async function recordPermalink(tx: Tx, fileId: string, permalink: string): Promise<void> {
  await tx.update(postmortems).set({ permalink }).where(eq(postmortems.fileId, fileId));
}

/** The canvas the incident's latest version with one went into: each next version replaces its content. */
export async function latestCanvasOf(tx: Tx, incidentId: number): Promise<string | undefined> {
  const [earlier] = await tx
    .select({ canvasId: postmortems.canvasId })
    .from(postmortems)
    .where(and(eq(postmortems.incidentId, incidentId), isNotNull(postmortems.canvasId)))
    .orderBy(desc(postmortems.version))
    .limit(1);
  return earlier?.canvasId ?? undefined;
}

export async function recordCanvas(tx: Tx, postmortemId: number, canvasId: string): Promise<void> {
  await tx.update(postmortems).set({ canvasId }).where(eq(postmortems.id, postmortemId));
}
