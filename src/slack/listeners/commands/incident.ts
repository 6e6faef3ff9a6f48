import type { App } from '@slack/bolt';
import { helpText, routeCommand } from '../../commands/registry.js';
import { commandSchema, ephemeral } from '../../commands/subcommand.js';
import { databaseTrouble } from '../../database-trouble.js';
import type { Services } from '../../services.js';
import { commandAckEvenIfLate } from '../late-answers.js';

export function registerIncidentCommand(app: App, services: Services): void {
  app.command('/incident', async ({ command, ack: ackInTime, respond }) => {
    const ack = commandAckEvenIfLate(ackInTime, respond, services.logger);
    const checked = commandSchema.safeParse(command);
    if (!checked.success) {
      await ack(ephemeral('⚠️ Slack sent this command without the fields Firewatch needs; try again.'));
      return;
    }
    const { config } = services;
    const routed = routeCommand(checked.data.text, {
      severities: config.severities.map((s) => s.id),
      roles: config.roles,
      types: config.incidentTypes,
    });
    try {
      await routed.run({ services, command: checked.data, ack, respond, helpText: helpText() });
    } catch (err) {
      services.logger.error({ err, subcommand: routed.parsed.kind }, '/incident failed');
      await ack(ephemeral(databaseTrouble(err))).catch(() => {});
    }
  });
}
