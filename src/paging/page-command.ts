import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { incidentKey, lockIncident } from '../incidents/queries.js';
import { isOpen } from '../incidents/lifecycle.js';
import { escalateNow, type PageOutcome } from './acknowledge.js';
import { runningPage, triggerPage } from './pages.js';
import { freezePolicy, personPolicy } from './policy.js';

export type PageTarget = { user: string } | { policy: string };

/**
 * `/incident page @bob` or `/incident page primary`: starts a page, or, when that person or policy is
 * already being paged for the incident, escalates it to the next level now.
 */
export async function pageFor(
  db: Db,
  config: Config,
  request: { incidentId: number; actor: string; target: PageTarget; message: string },
): Promise<PageOutcome> {
  let policy;
  if ('policy' in request.target) {
    policy = freezePolicy(config, request.target.policy);
    if (!policy) {
      const known = config.escalationPolicies.map((p) => p.id);
      return {
        ok: false,
        message: `Unknown escalation policy "${request.target.policy}". ${known.length ? `Policies: ${known.join(', ')}.` : 'None are configured.'} Or page a person: \`/incident page @someone\`.`,
      };
    }
  } else {
    policy = personPolicy(request.target.user);
  }
  const frozen = policy;
  const started: PageOutcome | { escalate: number } = await db.transaction(async (tx) => {
    const incident = await lockIncident(tx, request.incidentId);
    if (!incident) return { ok: false, message: `${incidentKey(request.incidentId)} does not exist.` };
    if (!isOpen(incident.status)) {
      return { ok: false, message: `${incidentKey(incident.id)} is ${incident.status}; there is nobody to page for it.` };
    }
    const running = await runningPage(tx, incident.id, frozen.id);
    if (running) return { escalate: running.id };
    const page = await triggerPage(tx, { incident, policy: frozen, actor: request.actor, message: request.message || undefined });
    const who = 'user' in request.target ? `<@${request.target.user}>` : `policy ${frozen.id}`;
    return { ok: true, page, message: `Paging ${who} for ${incidentKey(incident.id)}.` };
  });
  return 'escalate' in started ? escalateNow(db, { pageId: started.escalate, actor: request.actor }) : started;
}
