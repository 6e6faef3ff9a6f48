import { describeConditions } from '../../automation/conditions.js';
import { formatDuration } from '../../config/duration.js';
import { incidentKey } from '../../incidents/queries.js';
import { recentRuns } from '../../workflow/workflow-runs.js';
import type { GeneralSubcommand } from './subcommand.js';

/** Slack's section text limit, with room for the last line. */
const MAX_TEXT = 2900;

export const workflowsCommand: GeneralSubcommand<{ kind: 'workflows' }> = {
  name: 'workflows',
  usage: 'workflows',
  summary: 'the configured workflows, what starts them and how their last runs went',
  needsIncident: false,
  parse: () => ({ kind: 'workflows' }),
  async handle({ services, ack }) {
    const { workflows } = services.config;
    if (workflows.length === 0) {
      await ack({ response_type: 'ephemeral', text: 'No workflows are configured (`workflows:` in the config file).' });
      return;
    }
    const sections: string[] = [];
    for (const w of workflows) {
      const when = w.after !== undefined ? `${w.when.replace(/_/g, ' ')} ${formatDuration(w.after)}` : w.when.replace(/_/g, ' ');
      const runs = await recentRuns(services.db, w.id);
      const lines = runs.map((r) => {
        const failed = r.results.filter((a) => !a.ok).length;
        const result = r.finishedAt
          ? failed
            ? `${failed} of ${r.results.length} actions failed`
            : `${r.results.length} actions ok`
          : 'running';
        return `• ${r.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · ${incidentKey(r.incidentId)} · ${result}`;
      });
      sections.push(
        `*${w.id}* — when ${when}, if ${describeConditions(w.if)} → ${w.do.map((a) => a.kind).join(', ')}\n${lines.join('\n') || '• never ran'}`,
      );
    }
    let text = '';
    for (const [i, section] of sections.entries()) {
      if (text.length + section.length > MAX_TEXT) {
        text += `\n…and ${sections.length - i} more`;
        break;
      }
      text += (text ? '\n\n' : '') + section;
    }
    await ack({ response_type: 'ephemeral', blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }], text });
  },
};
