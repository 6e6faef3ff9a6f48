import { personViewer } from '../../incidents/access.js';
import { incidentByChannel, incidentKey } from '../../incidents/queries.js';
import { alertDecisionsOf } from '../../workflow/alert-decisions.js';
import { alertsOutsideIncidents } from '../../workflow/alerts-outside.js';
import { alertDecisionsMessage, alertsOutsideMessage, OUTSIDE_SHOWN } from '../blocks/alert-decisions.js';
import { findTarget } from '../listeners/target.js';
import { invalid, usageHint } from './parsing.js';
import { ephemeral, type GeneralSubcommand } from './subcommand.js';

const USAGE = 'alerts [INC-<n>]';
const OUTSIDE_PERIOD_MS = 24 * 3_600_000;

/**
 * Named or in its channel, an incident's alerts (checked against who may see it). Elsewhere, the alerts
 * of the last 24 h that opened or joined no incident: silenced, dropped and waiting ones are stored with
 * their decision but belong to no incident, so this is where they can be seen.
 */
export const alertsCommand: GeneralSubcommand<{ kind: 'alerts'; ref: number | undefined }> = {
  name: 'alerts',
  usage: USAGE,
  summary: "the incident's alerts, each with why it went where it went; outside an incident, the last 24 h's alerts that opened none",
  needsIncident: false,
  parse: ({ ref, rest }) => (rest ? invalid(`Name at most an incident. ${usageHint(USAGE)}`) : { kind: 'alerts', ref }),
  async handle({ services, command, ack }, { ref }) {
    const { db } = services;
    if (ref === undefined && !(await incidentByChannel(db, command.channel_id))) {
      const since = new Date(Date.now() - OUTSIDE_PERIOD_MS);
      const found = await db.transaction((tx) => alertsOutsideIncidents(tx, personViewer(command.user_id), since, OUTSIDE_SHOWN));
      await ack({ response_type: 'ephemeral', ...alertsOutsideMessage(found, '24 h') });
      return;
    }
    const target = await findTarget(services, { ref, channelId: command.channel_id, userId: command.user_id });
    if (!target.ok) return ack(ephemeral(`⚠️ ${target.message}`));
    const decisions = await db.transaction((tx) => alertDecisionsOf(tx, target.incident.id));
    await ack({ response_type: 'ephemeral', ...alertDecisionsMessage(incidentKey(target.incident.id), decisions) });
  },
};
