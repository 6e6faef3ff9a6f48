import { desc, eq, max } from 'drizzle-orm';
import { findSeverity, type Config } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { followups, incidents, postmortemAnswers, postmortems, type Incident, type Postmortem } from '../db/schema.js';
import { isResolved } from '../incidents/lifecycle.js';
import { incidentKey, noSuchIncident } from '../incidents/queries.js';
import { rolesOf } from '../incidents/roles.js';
import { affectedServices } from '../incidents/services.js';
import { enqueue } from '../outbox/enqueue.js';
import { msg, refuse, type Outcome, type Refusal } from '../outcome.js';
import { timelineOf } from '../timeline/read.js';
import { recordEvent } from '../timeline/record.js';
import { announce } from '../workflow/audience.js';
import { postmortemServices } from './services-section.js';
import { compilePostmortem, postmortemAnswersSchema, type PostmortemAnswers, type PostmortemInput } from './compile.js';

export async function latestPostmortem(tx: Tx, incidentId: number): Promise<Postmortem | undefined> {
  const [row] = await tx
    .select()
    .from(postmortems)
    .where(eq(postmortems.incidentId, incidentId))
    .orderBy(desc(postmortems.version))
    .limit(1);
  return row;
}

export async function answersOf(tx: Tx, incidentId: number): Promise<PostmortemAnswers> {
  const [row] = await tx.select().from(postmortemAnswers).where(eq(postmortemAnswers.incidentId, incidentId));
  const parsed = postmortemAnswersSchema.safeParse(row?.answers ?? {});
  return parsed.success ? parsed.data : {};
}

/** Stores the answers from the postmortem form; empty answers are dropped so the section says "not written". */
export async function saveAnswers(db: Db, request: { incidentId: number; actor: string; answers: PostmortemAnswers }): Promise<void> {
  const answers = Object.fromEntries(
    Object.entries(request.answers)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== '')
      .map(([k, v]) => [k, v.trim()]),
  );
  await db.transaction(async (tx) => {
    await tx
      .insert(postmortemAnswers)
      .values({ incidentId: request.incidentId, answers, updatedBy: request.actor })
      .onConflictDoUpdate({ target: postmortemAnswers.incidentId, set: { answers, updatedBy: request.actor, updatedAt: new Date() } });
    await recordEvent(tx, {
      incidentId: request.incidentId,
      kind: 'postmortem_answers_saved',
      actor: request.actor,
      data: { fields: Object.keys(answers).sort() },
    });
  });
}

/** Whether any version of the incident's postmortem exists: closing may wait for one. */
export async function postmortemWritten(tx: Tx, incidentId: number): Promise<boolean> {
  const [row] = await tx.select({ id: postmortems.id }).from(postmortems).where(eq(postmortems.incidentId, incidentId)).limit(1);
  return row !== undefined;
}

/** Every user id a postmortem will mention, so their names can be looked up before compiling. */
export function mentionedUsers(input: Omit<PostmortemInput, 'names' | 'version'>): string[] {
  const ids = new Set<string>([input.incident.declaredBy, ...(input.incident.leadId ? [input.incident.leadId] : [])]);
  for (const role of input.roles) ids.add(role.userId);
  for (const item of input.followups) if (item.ownerId) ids.add(item.ownerId);
  for (const event of input.events) {
    if (event.actor) ids.add(event.actor);
    for (const value of Object.values(event.data)) {
      if (typeof value !== 'string') continue;
      if (/^[UW][A-Z0-9]{2,}$/.test(value)) ids.add(value);
      for (const m of value.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)) if (m[1]) ids.add(m[1]);
    }
  }
  return [...ids].sort();
}

/** Everything a postmortem is compiled from, read from the database. */
export async function postmortemSource(tx: Tx, config: Config, incident: Incident): Promise<Omit<PostmortemInput, 'names' | 'version'>> {
  const events = await timelineOf(tx, incident.id);
  const items = await tx.select().from(followups).where(eq(followups.incidentId, incident.id)).orderBy(followups.id);
  return {
    incident: {
      id: incident.id,
      title: incident.title,
      severity: incident.severity,
      severityLabel: findSeverity(config, incident.severity)?.label ?? incident.severity,
      status: incident.status,
      type: incident.type,
      impact: incident.impact,
      description: incident.description,
      leadId: incident.leadId,
      declaredBy: incident.declaredBy,
      source: incident.source,
      createdAt: incident.createdAt,
      drill: incident.drill,
    },
    roles: await rolesOf(tx, incident.id),
    events: events.map((e) => ({ id: e.id, kind: e.kind, actor: e.actor, occurredAt: e.occurredAt, data: e.data })),
    followups: items.map((f) => ({ text: f.text, ownerId: f.ownerId, dueAt: f.dueAt, doneAt: f.doneAt })),
    answers: await answersOf(tx, incident.id),
    services: postmortemServices(config, (await affectedServices(tx, [incident.id])).get(incident.id) ?? []),
  };
}

/** What changed since the previous version, in a line people can read. */
export function describeChange(previous: string | undefined, next: string, version: number): string {
  if (previous === undefined) return `version ${version}, the first`;
  const before = new Set(previous.split('\n'));
  const after = new Set(next.split('\n'));
  const added = [...after].filter((l) => !before.has(l) && !/^- \*\*Version:\*\*/.test(l)).length;
  const removed = [...before].filter((l) => !after.has(l) && !/^- \*\*Version:\*\*/.test(l)).length;
  if (!added && !removed) return `version ${version}: nothing changed since version ${version - 1}`;
  return `version ${version}: ${added} line${added === 1 ? '' : 's'} added and ${removed} removed since version ${version - 1}`;
}

export type PublishOutcome = Outcome<{ postmortem: Postmortem }>;

/** Refused until the incident is resolved, so the timeline it compiles is complete. */
export function notResolvedYet(incident: Incident): Refusal | undefined {
  if (isResolved(incident.status)) return undefined;
  return refuse(
    'forbidden',
    msg`${incidentKey(incident.id)} is ${incident.status}: a postmortem is compiled once it is resolved, so its timeline is complete.`,
  );
}

/**
 * Compiles the postmortem from the current timeline as a new version and queues its upload to the
 * incident channel. `names` resolves user ids (it may call Slack; the caller has already acked).
 */
export async function publishPostmortem(
  db: Db,
  config: Config,
  request: { incidentId: number; actor: string; names: (ids: string[]) => Promise<Record<string, string>> },
): Promise<PublishOutcome> {
  const [incident] = await db.select().from(incidents).where(eq(incidents.id, request.incidentId));
  if (!incident) return noSuchIncident(request.incidentId);
  const early = notResolvedYet(incident);
  if (early) return early;
  const source = await postmortemSource(db, config, incident);
  const names = await request.names(mentionedUsers(source));
  return db.transaction(async (tx) => {
    const [latest] = await tx
      .select({ version: max(postmortems.version) })
      .from(postmortems)
      .where(eq(postmortems.incidentId, incident.id));
    const version = (latest?.version ?? 0) + 1;
    const previous = await latestPostmortem(tx, incident.id);
    const markdown = compilePostmortem({ ...source, names, version });
    const [row] = await tx.insert(postmortems).values({ incidentId: incident.id, version, markdown, createdBy: request.actor }).returning();
    if (!row) throw new Error('postmortem was not stored');
    const published = await recordEvent(tx, {
      incidentId: incident.id,
      kind: 'postmortem_published',
      actor: request.actor,
      data: { version },
    });
    const change = describeChange(previous?.markdown, markdown, version);
    await enqueue(
      tx,
      [
        {
          kind: 'postmortem.upload',
          payload: { incidentId: incident.id, postmortemId: row.id, summary: `📝 Postmortem of ${incidentKey(incident.id)}, ${change}.` },
        },
        ...(config.postmortemCanvas
          ? [{ kind: 'postmortem.canvas' as const, payload: { incidentId: incident.id, postmortemId: row.id } }]
          : []),
        ...(published ? announce(published) : []),
      ],
      { incidentId: incident.id },
    );
    const message = msg`Postmortem of ${incidentKey(incident.id)} compiled: ${change}. It is being posted in the channel.`;
    return { ok: true, postmortem: row, message };
  });
}
