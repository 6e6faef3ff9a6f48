import { COMPONENT_STATES, isComponentState, type ComponentState } from '../../statuspage/states.js';
import { publishStatus } from '../../workflow/publish-status.js';
import { invalid, splitFirst, usageHint } from './parsing.js';
import { answer, type IncidentSubcommand } from './subcommand.js';

const USAGE = 'statuspage <component>[,…] <state> [public message]';
const STATES = COMPONENT_STATES.join(', ');

type Parsed = { kind: 'statuspage'; ref: number | undefined; components: string[]; state: ComponentState; message: string };

export const statuspageCommand: IncidentSubcommand<Parsed> = {
  name: 'statuspage',
  usage: USAGE,
  summary: 'publish the incident to the public status page (never a private incident or a drill)',
  needsIncident: true,
  parse: ({ ref, rest }) => {
    const [list, afterList] = splitFirst(rest);
    const [state, message] = splitFirst(afterList);
    const components = list
      .split(',')
      .map((c) => c.trim().toLowerCase())
      .filter(Boolean);
    if (!components.length) return invalid(`Say which components are affected and how. ${usageHint(USAGE)}`);
    if (!state) return invalid(`Say the state of ${components.join(', ')}: one of ${STATES}. ${usageHint(USAGE)}`);
    const word = state.toLowerCase();
    if (!isComponentState(word)) return invalid(`Unknown state "${state}". Choose one of: ${STATES}. ${usageHint(USAGE)}`);
    return { kind: 'statuspage', ref, components, state: word, message };
  },
  async handle({ services, command, incident, ack }, parsed) {
    const outcome = await publishStatus(services.db, services.config, {
      incidentId: incident.id,
      actor: command.user_id,
      components: parsed.components,
      state: parsed.state,
      message: parsed.message,
    });
    await ack(answer(outcome));
  },
};
