import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { incidentKey, lockIncident, noSuchIncident } from '../incidents/queries.js';
import { isOpen } from '../incidents/lifecycle.js';
import { command, msg, person, refuse } from '../outcome.js';
import { escalateNow, type PageOutcome } from './acknowledge.js';
import { runningPage, triggerPage } from './pages.js';
import { currentSchedules } from './current-schedules.js';
import { freezePolicy, personPolicy } from './policy.js';
import { freezeRules } from './rules.js';

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
    policy = freezePolicy(config, request.target.policy, await currentSchedules(db, config));
    if (!policy) {
      const known = config.escalationPolicies.map((p) => p.id);
      const policies = known.length ? `Policies: ${known.join(', ')}.` : 'None are configured.';
      return refuse(
        'invalid',
        msg`Unknown escalation policy "${request.target.policy}". ${policies} Or page a person: ${command('page @someone')}.`,
        'policy',
      );
    }
  } else {
    policy = personPolicy(request.target.user);
  }
  const frozen = policy;
  const started: PageOutcome | { escalate: number } = await db.transaction(async (tx) => {
    const incident = await lockIncident(tx, request.incidentId);
    if (!incident) return noSuchIncident(request.incidentId);
    if (!isOpen(incident.status)) {
      return refuse('final', msg`${incidentKey(incident.id)} is ${incident.status}; there is nobody to page for it.`);
    }
    const running = await runningPage(tx, incident.id, frozen.id);
    if (running) return { escalate: running.id };
    const rules = await freezeRules(tx, config);
    const page = await triggerPage(tx, { incident, policy: frozen, rules, actor: request.actor, message: request.message || undefined });
    const who = 'user' in request.target ? person(request.target.user) : `policy ${frozen.id}`;
    return { ok: true, page, message: msg`Paging ${who} for ${incidentKey(incident.id)}.` };
  });
  return 'escalate' in started ? escalateNow(db, { pageId: started.escalate, actor: request.actor }) : started;
}
