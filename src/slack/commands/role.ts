import { assignRole } from '../../workflow/roles.js';
import { makeLead, type LeadChange } from './lead.js';
import { invalid, mentionedUser, splitFirst, usageHint } from './parsing.js';
import { answer, type IncidentSubcommand } from './subcommand.js';

const USAGE = 'role <role> @user';

export const roleCommand: IncidentSubcommand<{ kind: 'role'; ref: number | undefined; role: string; user: string } | LeadChange> = {
  name: 'role',
  usage: USAGE,
  summary: 'assign a role',
  needsIncident: true,
  parse({ ref, rest }, grammar) {
    const [role, afterRole] = splitFirst(rest);
    const roles = ['lead', ...grammar.roles];
    if (!role || !roles.includes(role.toLowerCase())) {
      return invalid(`${role ? `Unknown role "${role}". ` : ''}Roles: ${roles.join(', ')}. ${usageHint(USAGE)}`);
    }
    const who = mentionedUser(splitFirst(afterRole)[0], USAGE);
    if ('error' in who) return who.error;
    const lower = role.toLowerCase();
    return lower === 'lead' ? { kind: 'lead', ref, user: who.user } : { kind: 'role', ref, role: lower, user: who.user };
  },
  async handle(ctx, parsed) {
    if (parsed.kind === 'lead') return makeLead(ctx, parsed.user);
    const { services, command, incident, ack } = ctx;
    const change = { incidentId: incident.id, actor: command.user_id, role: parsed.role, userId: parsed.user };
    await ack(answer(await assignRole(services.db, services.config, change)));
  },
};
