import type { App } from '@slack/bolt';
import { z } from 'zod';
import { helpText, parseCommand } from '../../command-grammar.js';
import { escapeMrkdwn } from '../../blocks/text.js';
import type { Services } from '../../services.js';
import { declareFromCommand } from './declare.js';

/** The fields of a slash command this listener relies on. */
const commandSchema = z.object({
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
  trigger_id: z.string().min(1),
  text: z.string().default(''),
  response_url: z.url(),
});

export function registerIncidentCommand(app: App, services: Services): void {
  app.command('/incident', async ({ command, ack, client, respond }) => {
    const checked = commandSchema.safeParse(command);
    if (!checked.success) {
      await ack({ response_type: 'ephemeral', text: '⚠️ Slack sent this command without the fields Firewatch needs; try again.' });
      return;
    }
    const parsed = parseCommand(checked.data.text, services.config.severities.map((s) => s.id));
    switch (parsed.kind) {
      case 'declare':
        await declareFromCommand(services, command, parsed, ack, client, respond);
        return;
      case 'help':
        await ack({ response_type: 'ephemeral', text: helpText() });
        return;
      case 'unknown':
        await ack({ response_type: 'ephemeral', text: `Unknown subcommand \`${escapeMrkdwn(parsed.name)}\`.\n${helpText()}` });
        return;
      case 'unavailable':
        await ack({ response_type: 'ephemeral', text: `\`/incident ${parsed.name}\` is not available yet in this version of Firewatch.` });
        return;
      case 'invalid':
        await ack({ response_type: 'ephemeral', text: `⚠️ ${parsed.message}` });
        return;
    }
  });
}
