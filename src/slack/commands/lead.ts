import { assignRole } from '../../workflow/roles.js';
import { mentionedUser, splitFirst } from './parsing.js';
import { answer, type IncidentContext, type IncidentSubcommand } from './subcommand.js';

/** Also what `role lead @user` comes to. */
export type LeadChange = { kind: 'lead'; ref: number | undefined; user: string };

export async function makeLead({ services, command, incident, ack }: IncidentContext, user: string): Promise<void> {
  await ack(
    answer(await assignRole(services.db, services.config, { incidentId: incident.id, actor: command.user_id, role: 'lead', userId: user })),
  );
}

const USAGE = 'lead @user';

export const leadCommand: IncidentSubcommand<LeadChange> = {
  name: 'lead',
  usage: USAGE,
  summary: 'make someone the incident lead',
  needsIncident: true,
  parse({ ref, rest }) {
    const who = mentionedUser(splitFirst(rest)[0], USAGE);
    return 'error' in who ? who.error : { kind: 'lead', ref, user: who.user };
  },
  handle: (ctx, parsed) => makeLead(ctx, parsed.user),
};
