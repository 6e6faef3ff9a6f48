import { sql } from 'drizzle-orm';
import { findSeverity, type Config, type Severity } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { incidents, type Incident } from '../db/schema.js';
import type { Effect, ReplyTarget } from '../outbox/effects.js';
import { enqueue } from '../outbox/enqueue.js';
import { recordEvent } from '../timeline/record.js';
import { incidentChannelName } from './channel-name.js';
import { addMembers } from './members.js';
import { isPerson } from './people.js';
import { LEAD_NUDGE_MS, later, nextUpdateDueAt } from '../digests/reminders.js';
import { freezePolicy } from '../paging/policy.js';
import { triggerPage } from '../paging/pages.js';
import { MAX_DESCRIPTION, severityError, titleError, type FieldErrors } from './validate.js';

export interface DeclareRequest {
  title: string;
  severity: string;
  description: string;
  isPrivate: boolean;
  declaredBy: string;
  /** Defaults to the declarer; null opens the incident without a lead (it is nudged to get one). */
  leadId?: string | null;
  type?: string;
  /** Where to confirm to a person; incidents opened by an alert have nobody to answer. */
  reply?: ReplyTarget;
  /** A person's declaration starts in investigating; an incident opened by an alert starts in triage. */
  initialStatus?: 'investigating' | 'triage';
  source?: string;
}

export type DeclareResult = { ok: true; incident: Incident } | { ok: false; errors: FieldErrors };

export function validateDeclare(config: Config, request: DeclareRequest): FieldErrors {
  const errors: FieldErrors = {};
  const title = titleError(request.title);
  if (title) errors.title = title;
  const severity = severityError(config, request.severity);
  if (severity) errors.severity = severity;
  if (request.type !== undefined && !config.incidentTypes.includes(request.type)) {
    errors.type = `Unknown type "${request.type}". Types: ${config.incidentTypes.join(', ')}.`;
  }
  if (request.description.length > MAX_DESCRIPTION) {
    errors.description = `The description is ${request.description.length} characters; keep it to ${MAX_DESCRIPTION} or fewer.`;
  }
  return errors;
}

/**
 * Records a new incident, its `declared` event and every Slack side effect of declaring it, inside the
 * caller's transaction (validated already): once that commits, the incident will be fully set up even if
 * the process dies.
 */
export async function openIncident(tx: Tx, config: Config, severity: Severity, request: DeclareRequest & { page?: string }): Promise<Incident> {
  const leadId = request.leadId === undefined ? request.declaredBy : request.leadId;
  // A title is one line: it names a channel and heads every list.
  const title = request.title.trim().replace(/\s*[\r\n]+\s*/g, ' ');
  const people = [request.declaredBy, ...(leadId ? [leadId] : [])].filter(isPerson);
  const status = request.initialStatus ?? 'investigating';
  const source = request.source ?? 'slack';
  const description = request.description.trim();
  // The number comes first so the channel name is known up front: every row of the declaration then
  // goes to the database in one pipelined batch instead of a round trip each.
  const [numbered] = await tx.select({ id: sql`nextval(pg_get_serial_sequence('incidents', 'id'))`.mapWith(Number) }).from(sql`(select 1) as one`);
  if (!numbered) throw new Error('the incident sequence returned nothing');
  const incidentId = numbered.id;

  const effects: Effect[] = [{ kind: 'channel.create', payload: { incidentId } }];
  if (people.length) effects.push({ kind: 'channel.invite', payload: { incidentId, users: [...new Set(people)] } });
  effects.push({ kind: 'summary.post', payload: { incidentId } }, { kind: 'summary.pin', payload: { incidentId } }, { kind: 'channel.topic', payload: { incidentId } });
  const announcementChannel = request.isPrivate ? null : (config.announcementsChannel ?? null);
  if (announcementChannel) effects.push({ kind: 'incident.announce', payload: { incidentId } });
  if (request.reply) effects.push({ kind: 'reply.declared', payload: { incidentId, target: request.reply } });

  const [[named]] = await Promise.all([
    tx
      .insert(incidents)
      .overridingSystemValue()
      .values({
        id: incidentId,
        title,
        description,
        severity: severity.id,
        status,
        type: request.type ?? null,
        source,
        leadId,
        declaredBy: request.declaredBy,
        isPrivate: request.isPrivate,
        announcementChannel,
        channelName: incidentChannelName(incidentId, title),
        nextUpdateDueAt: nextUpdateDueAt(config, severity.id),
        leadNudgeAt: leadId ? null : later(LEAD_NUDGE_MS),
      })
      .returning(),
    addMembers(tx, incidentId, people),
    // occurred_at defaults to now(), the transaction's start, as created_at does: the two are equal.
    recordEvent(tx, {
      incidentId,
      kind: 'declared',
      actor: request.declaredBy,
      data: { title, severity: severity.id, description, private: request.isPrivate, lead: leadId, status, source, ...(request.type ? { type: request.type } : {}) },
    }),
    enqueue(tx, effects, { incidentId }),
  ]);
  if (!named) throw new Error('insert returned no incident');
  // Paging comes after the channel set-up in the outbox, so the DMs can link the channel.
  const policyId = request.page ?? severity.page;
  const policy = policyId ? freezePolicy(config, policyId) : undefined;
  if (policy) await triggerPage(tx, { incident: named, policy, actor: isPerson(request.declaredBy) ? request.declaredBy : null, message: `${isPerson(request.declaredBy) ? 'Declared' : 'Opened by an alert'} as ${severity.id.toUpperCase()}` });
  return named;
}

/** Validates and declares in one transaction. */
export async function declareIncident(db: Db, config: Config, request: DeclareRequest): Promise<DeclareResult> {
  const errors = validateDeclare(config, request);
  if (Object.keys(errors).length) return { ok: false, errors };
  const severity = findSeverity(config, request.severity);
  if (!severity) return { ok: false, errors: { severity: severityError(config, request.severity) } };
  const incident = await db.transaction((tx) => openIncident(tx, config, severity, request));
  return { ok: true, incident };
}
