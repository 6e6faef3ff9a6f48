// Marking the services of the catalogue an incident affects (`/incident service`, alert routes that set
// `service:`): owners invited, the owning policy paged for the tiers in page_tiers, runbooks bookmarked.
import type { Config } from '../config/load.js';
import type { Tx } from '../db/client.js';
import { incidentServices } from '../db/schema.js';
import { isFinal, isOpen } from '../incidents/lifecycle.js';
import { isPerson } from '../incidents/people.js';
import { getIncident, incidentKey, noSuchIncident } from '../incidents/queries.js';
import { policiesToPage, servicesByIds, unknownServiceIds, type Service } from '../incidents/services.js';
import { msg, refuse, type Outcome } from '../outcome.js';
import type { Effect } from '../outbox/effects.js';
import { enqueue } from '../outbox/enqueue.js';
import { currentSchedules } from '../paging/current-schedules.js';
import { runningPage, triggerPage } from '../paging/pages.js';
import { freezePolicy } from '../paging/policy.js';
import { freezeRules } from '../paging/rules.js';
import { onCallAt } from '../paging/schedule.js';
import { recordEvent } from '../timeline/record.js';
import { tell } from './tell.js';

export type ServicesOutcome = Outcome<{ added: string[]; paged: string[] }>;

const knownList = (config: Config) => (config.services.length ? config.services.map((s) => s.id).join(', ') : 'none are configured');

/**
 * Marks services affected inside the caller's transaction. Services already affected are left as they
 * are (and the answer says so); only the new ones invite, page, bookmark and reach the timeline.
 */
export async function addServices(
  tx: Tx,
  config: Config,
  incidentId: number,
  serviceIds: string[],
  actor: string,
): Promise<ServicesOutcome> {
  if (serviceIds.length === 0) return refuse('invalid', msg`Name a service. Services: ${knownList(config)}.`, 'services');
  const unknown = unknownServiceIds(config, serviceIds);
  if (unknown.length) {
    const what = unknown.length === 1 ? `Unknown service "${unknown[0]}"` : `Unknown services ${unknown.map((u) => `"${u}"`).join(', ')}`;
    return refuse('invalid', msg`${what}. Services: ${knownList(config)}.`, 'services');
  }
  const incident = await getIncident(tx, incidentId);
  if (!incident) return noSuchIncident(incidentId);
  const key = incidentKey(incident.id);
  if (isFinal(incident.status)) return refuse('final', msg`${key} is ${incident.status}; its services can no longer change.`);

  const wanted = servicesByIds(config, serviceIds);
  const inserted = await tx
    .insert(incidentServices)
    .values(wanted.map((s) => ({ incidentId, serviceId: s.id, addedBy: actor })))
    .onConflictDoNothing()
    .returning({ serviceId: incidentServices.serviceId });
  const fresh = new Set(inserted.map((r) => r.serviceId));
  const added = wanted.filter((s) => fresh.has(s.id));
  const already = wanted.filter((s) => !fresh.has(s.id)).map((s) => s.id);
  const alreadyText = already.length ? `${already.join(', ')} ${already.length === 1 ? 'was' : 'were'} already affected.` : '';
  if (added.length === 0) return refuse('unchanged', msg`${key}: ${alreadyText}`);

  const paged = isOpen(incident.status) ? await tellOwners(tx, config, incident, added, actor) : [];
  const event = await recordEvent(tx, {
    incidentId,
    kind: 'service_added',
    actor: isPerson(actor) ? actor : null,
    data: { services: added.map((s) => s.id) },
  });
  if (!event) throw new Error('timeline event service_added was not recorded');
  await tell(tx, event);
  const pagedText = paged.length ? ` Paging ${paged.join(', ')}.` : '';
  const names = added.map((s) => s.name).join(', ');
  return {
    ok: true,
    added: added.map((s) => s.id),
    paged,
    message: msg`${names} marked affected on ${key}.${pagedText}${alreadyText ? ` ${alreadyText}` : ''}`,
  };
}

/** Invites the owners, bookmarks the runbooks and pages the owning policies not already paging; answers which were paged. */
async function tellOwners(
  tx: Tx,
  config: Config,
  incident: NonNullable<Awaited<ReturnType<typeof getIncident>>>,
  added: Service[],
  actor: string,
): Promise<string[]> {
  const owningSchedules = new Set(added.flatMap((s) => s.owners.schedule ?? []));
  const policies = policiesToPage(config, added);
  const schedules = owningSchedules.size || policies.length ? await currentSchedules(tx, config) : [];
  const now = new Date();
  const onCall = schedules.filter((s) => owningSchedules.has(s.id)).flatMap((s) => onCallAt(s, now) ?? []);
  const users = [...new Set([...added.flatMap((s) => s.owners.users), ...onCall])];
  const effects: Effect[] = [];
  if (users.length) effects.push({ kind: 'channel.invite', payload: { incidentId: incident.id, users } });
  for (const s of added)
    if (s.runbook)
      effects.push({ kind: 'channel.bookmark', payload: { incidentId: incident.id, title: `Runbook: ${s.name}`, link: s.runbook } });
  await enqueue(tx, effects, { incidentId: incident.id });

  const paged: string[] = [];
  for (const policyId of policies) {
    if (await runningPage(tx, incident.id, policyId)) continue;
    const policy = freezePolicy(config, policyId, schedules);
    if (!policy) continue;
    const service = added.find((s) => s.owners.policy === policyId)!;
    await triggerPage(tx, {
      incident,
      policy,
      rules: await freezeRules(tx, config),
      actor: isPerson(actor) ? actor : null,
      message: `${service.name} (tier ${service.tier}) is affected`,
    });
    paged.push(policyId);
  }
  return paged;
}

/**
 * The alert pipeline's hook: the services set by the routes of alerts that opened or joined the incident
 * are marked affected, as `/incident service` would (already affected ones change nothing).
 */
export async function attachRoutedServices(
  tx: Tx,
  config: Config,
  incidentId: number,
  actor: string,
  routed: ReadonlyArray<{ service: string | undefined; outcome: string }>,
): Promise<void> {
  const ids = [...new Set(routed.flatMap((r) => (r.service && (r.outcome === 'opened' || r.outcome === 'joined') ? [r.service] : [])))];
  // A route may name a service a reloaded config has since dropped: the alert still counts, the service not.
  const known = ids.filter((id) => config.services.some((s) => s.id === id));
  if (known.length) await addServices(tx, config, incidentId, known, actor);
}
