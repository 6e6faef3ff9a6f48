import { incidentKey } from '../../incidents/queries.js';
import { alertDecisionsOf } from '../../workflow/alert-decisions.js';
import { alertDecisionsMessage } from '../blocks/alert-decisions.js';
import { invalid, usageHint } from './parsing.js';
import type { IncidentSubcommand } from './subcommand.js';

const USAGE = 'alerts [INC-<n>]';

export const alertsCommand: IncidentSubcommand<{ kind: 'alerts'; ref: number | undefined }> = {
  name: 'alerts',
  usage: USAGE,
  summary: "the incident's alerts, each with why it went where it went",
  needsIncident: true,
  parse: ({ ref, rest }) => (rest ? invalid(`Name at most an incident. ${usageHint(USAGE)}`) : { kind: 'alerts', ref }),
  async handle({ services, incident, ack }) {
    const decisions = await services.db.transaction((tx) => alertDecisionsOf(tx, incident.id));
    await ack({ response_type: 'ephemeral', ...alertDecisionsMessage(incidentKey(incident.id), decisions) });
  },
};
