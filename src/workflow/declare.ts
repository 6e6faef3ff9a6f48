import { sql } from 'drizzle-orm';
import { findSeverity, type Config, type Severity } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { incidentMembers, incidents, timelineEvents, type Incident } from '../db/schema.js';
import type { Effect, ReplyTarget } from '../outbox/effects.js';
import { refreshHomes } from '../outbox/home.js';
import { enqueueForIncidents } from '../outbox/enqueue.js';
import { channelNameOf } from '../incidents/channel-name.js';
import type { StartStatus } from '../incidents/lifecycle.js';
import { API_ACTOR, isPerson } from '../incidents/people.js';
import { LEAD_NUDGE_MS, later, nextUpdateDueAt } from '../incidents/cadence.js';
import { currentSchedules } from '../paging/current-schedules.js';
import { freezePolicy } from '../paging/policy.js';
import type { ScheduleDef } from '../paging/schedule.js';
import { freezeRules, type FrozenRules } from '../paging/rules.js';
import { triggerPage } from '../paging/pages.js';
import { incidentKey } from '../incidents/queries.js';
import { msg, refuse, type Done, type Refusal } from '../outcome.js';
import { timelineRow } from '../timeline/record.js';
import { triggersOfEvent, type Trigger } from '../automation/triggers.js';
import { enqueueWebhookEvents } from '../webhooks/enqueue.js';
import { announcedWhenDeclared } from './audience.js';
import { MAX_DESCRIPTION, severityError, titleError, type FieldErrors } from '../incidents/validate.js';

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
  initialStatus?: StartStatus;
  source?: string;
  /** A practice incident: only `/incident drill` sets it (incidents/drills.ts says what it is left out of). */
  drill?: boolean;
}

/** A refused declaration says what is wrong with each field, for a form to show beside each one. */
export type DeclareResult = Done<{ incident: Incident }> | (Refusal & { errors: FieldErrors });

function invalidFields(errors: FieldErrors): DeclareResult {
  const [field] = Object.keys(errors);
  return { ...refuse('invalid', [Object.values(errors).join(' ')], field), errors };
}

const declared = (incident: Incident): DeclareResult => ({ ok: true, incident, message: msg`${incidentKey(incident.id)} is declared.` });

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

type Opening = { severity: Severity; request: DeclareRequest & { page?: string } };

/** Everything one declaration writes, computed before any write once its number is known. */
function planIncident(config: Config, { severity, request }: Opening, incidentId: number) {
  const leadId = request.leadId === undefined ? request.declaredBy : request.leadId;
  // A title is one line: it names a channel and heads every list.
  const title = request.title.trim().replace(/\s*[\r\n]+\s*/g, ' ');
  const people = [...new Set([request.declaredBy, ...(leadId ? [leadId] : [])].filter(isPerson))];
  const status = request.initialStatus ?? 'investigating';
  const source = request.source ?? 'slack';
  const description = request.description.trim();
  const drill = request.drill ?? false;
  const announcementChannel = announcedWhenDeclared({ isPrivate: request.isPrivate, drill }) ? (config.announcementsChannel ?? null) : null;

  const effects: Effect[] = [{ kind: 'channel.create', payload: { incidentId } }];
  if (people.length) effects.push({ kind: 'channel.invite', payload: { incidentId, users: people } });
  effects.push(
    { kind: 'summary.post', payload: { incidentId } },
    { kind: 'summary.pin', payload: { incidentId } },
    { kind: 'channel.topic', payload: { incidentId } },
  );
  if (announcementChannel) effects.push({ kind: 'incident.announce', payload: { incidentId } });
  if (request.reply) effects.push({ kind: 'reply.declared', payload: { incidentId, target: request.reply } });
  // Declarations are recorded in bulk, past recordEvent's hook: they ask for workflows here, once the channel is set up.
  const triggers: readonly Trigger[] = triggersOfEvent('declared', request.type ? { type: request.type } : {});
  if (config.workflows.some((w) => triggers.includes(w.when))) effects.push({ kind: 'workflow.match', payload: { incidentId } });

  return {
    incident: {
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
      drill,
      announcementChannel,
      channelName: channelNameOf({ id: incidentId, title, drill }),
      nextUpdateDueAt: nextUpdateDueAt(config, severity.id),
      leadNudgeAt: leadId ? null : later(LEAD_NUDGE_MS),
    },
    members: people.map((userId) => ({ incidentId, userId })),
    // occurred_at defaults to now(), the transaction's start, as created_at does: the two are equal.
    event: timelineRow({
      incidentId,
      kind: 'declared',
      actor: request.declaredBy,
      data: {
        title,
        severity: severity.id,
        description,
        private: request.isPrivate,
        lead: leadId,
        status,
        source,
        ...(request.type ? { type: request.type } : {}),
        ...(drill ? { drill } : {}),
      },
    }),
    effects: effects.map((effect) => ({ incidentId, effect })),
  };
}

/**
 * Records new incidents, their `declared` events and every Slack side effect of declaring them, inside
 * the caller's transaction (validated already): once that commits, each will be fully set up even if the
 * process dies. The numbers come first so channel names are known up front; then every row of every
 * declaration goes to the database in one pipelined batch, one statement per table.
 */
export async function openIncidents(tx: Tx, config: Config, openings: readonly Opening[]): Promise<Incident[]> {
  if (openings.length === 0) return [];
  const numbered = await tx
    .select({ id: sql`nextval(pg_get_serial_sequence('incidents', 'id'))`.mapWith(Number) })
    .from(sql`generate_series(1, ${openings.length}::int)`);
  // Numbers follow the order the declarations arrived in.
  const ids = numbered.map((n) => n.id).sort((a, b) => a - b);
  const plans = openings.map((opening, i) => planIncident(config, opening, ids[i]!));
  const members = plans.flatMap((p) => p.members);
  const [inserted, , recorded] = await Promise.all([
    tx
      .insert(incidents)
      .overridingSystemValue()
      .values(plans.map((p) => p.incident))
      .returning(),
    members.length ? tx.insert(incidentMembers).values(members).onConflictDoNothing() : undefined,
    tx
      .insert(timelineEvents)
      .values(plans.map((p) => p.event))
      .returning(),
    // Whoever is in an incident from its start has it on their Home.
    refreshHomes(
      tx,
      members.map((m) => m.userId),
    ),
    enqueueForIncidents(
      tx,
      plans.flatMap((p) => p.effects),
    ),
  ]);
  await enqueueWebhookEvents(tx, recorded);
  const byId = new Map(inserted.map((row) => [row.id, row]));
  const opened = plans.map((p) => {
    const row = byId.get(p.incident.id);
    if (!row) throw new Error(`incident ${p.incident.id} was not inserted`);
    return row;
  });
  // Paging comes after the channel set-up in the outbox, so the DMs can link the channel.
  // One read of everyone's rules for the whole batch, however many incidents it opens.
  let rules: FrozenRules | undefined;
  let schedules: ScheduleDef[] | undefined;
  for (const [i, { severity, request }] of openings.entries()) {
    const policyId = request.page ?? severity.page;
    const policy = policyId ? freezePolicy(config, policyId, (schedules ??= await currentSchedules(tx, config))) : undefined;
    const person = isPerson(request.declaredBy);
    if (policy)
      await triggerPage(tx, {
        incident: opened[i]!,
        policy,
        rules: (rules ??= await freezeRules(tx, config)),
        actor: person ? request.declaredBy : null,
        message: `${request.drill ? 'Drill declared' : person ? 'Declared' : request.declaredBy === API_ACTOR ? 'Declared through the API' : 'Opened by an alert'} as ${severity.id.toUpperCase()}`,
      });
  }
  return opened;
}

/** Records one new incident inside the caller's transaction; see openIncidents. */
export async function openIncident(
  tx: Tx,
  config: Config,
  severity: Severity,
  request: DeclareRequest & { page?: string },
): Promise<Incident> {
  const [incident] = await openIncidents(tx, config, [{ severity, request }]);
  if (!incident) throw new Error('the incident was not opened');
  return incident;
}

/** Validates and declares in one transaction. */
export async function declareIncident(db: Db, config: Config, request: DeclareRequest): Promise<DeclareResult> {
  const errors = validateDeclare(config, request);
  if (Object.keys(errors).length) return invalidFields(errors);
  const severity = findSeverity(config, request.severity);
  if (!severity) return invalidFields({ severity: severityError(config, request.severity) });
  const incident = await db.transaction((tx) => openIncident(tx, config, severity, request));
  return declared(incident);
}

/**
 * Declarations that arrive together are written together: one transaction, and one commit to wait for,
 * for the declarations that arrived in the same turn of the event loop, or while the transactions already
 * running (at most `concurrency`) were busy. A burst of declares (a big outage, when everyone reaches for
 * /incident at once) then costs a few commits instead of one each, and each person is answered as soon
 * as their batch commits.
 */
export class Declarer {
  private readonly waiting: Array<Opening & { resolve: (incident: Incident) => void; reject: (err: unknown) => void }> = [];
  private scheduled = false;
  private running = 0;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly options: { maxBatch: number; concurrency: number } = { maxBatch: 25, concurrency: 4 },
  ) {}

  async declare(request: DeclareRequest): Promise<DeclareResult> {
    const errors = validateDeclare(this.config, request);
    if (Object.keys(errors).length) return invalidFields(errors);
    const severity = findSeverity(this.config, request.severity);
    if (!severity) return invalidFields({ severity: severityError(this.config, request.severity) });
    const incident = await new Promise<Incident>((resolve, reject) => {
      this.waiting.push({ severity, request, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Requests read in the same turn of the event loop join the same batch.
        setImmediate(() => {
          this.scheduled = false;
          this.start();
        });
      }
    });
    return declared(incident);
  }

  private start(): void {
    while (this.waiting.length && this.running < this.options.concurrency) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.running++;
      void this.write(batch).finally(() => {
        this.running--;
        this.start();
      });
    }
  }

  private async write(batch: Array<Opening & { resolve: (incident: Incident) => void; reject: (err: unknown) => void }>): Promise<void> {
    try {
      const opened = await this.db.transaction((tx) => openIncidents(tx, this.config, batch));
      batch.forEach((waiter, i) => waiter.resolve(opened[i]!));
    } catch (err) {
      for (const waiter of batch) waiter.reject(err);
    }
  }
}
