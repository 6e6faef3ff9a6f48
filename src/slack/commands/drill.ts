import { DRILL_TITLE } from '../../incidents/drills.js';
import { incidentKey } from '../../incidents/queries.js';
import { declareFromCommand } from './declare.js';
import { severityAndTitle } from './parsing.js';
import { ephemeral, type GeneralSubcommand } from './subcommand.js';

type Drill = { kind: 'drill'; severity: string | undefined; title: string };

/**
 * A practice incident, declared as `declare` would (the same severities, the same paging) but marked
 * DRILL everywhere and left out of what reports on incidents (incidents/drills.ts). It opens no form: a
 * drill is started in one line, and without a title it is a paging drill.
 */
export const drillCommand: GeneralSubcommand<Drill> = {
  name: 'drill',
  usage: 'drill [sevN] [title]',
  summary: 'declare a practice incident: it pages for real, is marked DRILL and is left out of announcements, digests and insights',
  needsIncident: false,
  parse({ rest }, { severities }) {
    const read = severityAndTitle(rest, severities);
    return 'kind' in read ? read : { kind: 'drill', ...read };
  },
  async handle(ctx, parsed) {
    const incident = await declareFromCommand(ctx, { title: parsed.title || DRILL_TITLE, severity: parsed.severity, drill: true });
    if (!incident) return;
    // Not counted in firewatch_declares_total: the metrics show real incidents only.
    await ctx.ack(ephemeral(`🧪 Declaring the drill *${incidentKey(incident.id)}*: setting up its channel…`));
    ctx.services.outbox.wake();
  },
};
