import type { AckFn, App, RespondArguments } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import {
  addNote,
  changeSeverity,
  changeStatus,
  postStatusUpdate,
  setImpact,
  setType,
  type ChangeOutcome,
} from '../../../workflow/changes.js';
import { addFollowup, followupsOf } from '../../../incidents/followups.js';
import { openIncidentsFor } from '../../../incidents/list.js';
import { assignRole } from '../../../workflow/roles.js';
import { isResolved } from '../../../incidents/lifecycle.js';
import { pageFor } from '../../../paging/page-command.js';
import { previewDigest } from '../../../digests/job.js';
import { subscribe, unsubscribe } from '../../../digests/subscriptions.js';
import { incidentByChannel, incidentKey } from '../../../incidents/queries.js';
import { renderDigest } from '../../blocks/digest.js';
import { insightsMessage } from '../../blocks/insights.js';
import { writePostmortemButton } from '../../blocks/postmortem.js';
import { insightsFor } from '../../../postmortems/insights-job.js';
import { publishPostmortem } from '../../../postmortems/store.js';
import { postToResponseUrl } from '../../respond.js';
import { UserNames } from '../../users.js';
import { scheduleDefFromConfig } from '../../../paging/schedule.js';
import { helpText, parseCommand, type ParsedCommand } from '../../command-grammar.js';
import { oncallMessage } from '../../blocks/paging.js';
import { followupListMessage, incidentListMessage } from '../../blocks/lists.js';
import { updateModal } from '../../blocks/modals.js';
import { escapeMrkdwn } from '../../blocks/text.js';
import { platformCode } from '../../errors.js';
import type { Services } from '../../services.js';
import { commandAckEvenIfLate } from '../late-answers.js';
import { findTarget } from '../target.js';
import { databaseTrouble, declareFromCommand } from './declare.js';

/** The fields of a slash command this listener relies on. */
const commandSchema = z.object({
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
  trigger_id: z.string().min(1),
  text: z.string().default(''),
  response_url: z.url(),
});
type Command = z.infer<typeof commandSchema>;
type Ack = AckFn<string | RespondArguments>;

const ephemeral = (text: string): RespondArguments => ({ response_type: 'ephemeral', text });
function answer(outcome: ChangeOutcome | { ok: boolean; message: string }, incidentId?: number): RespondArguments {
  if (outcome.ok) return ephemeral(outcome.message);
  const text = `⚠️ ${outcome.message}`;
  // A close that waits for a postmortem offers the form right there.
  if ('offer' in outcome && outcome.offer === 'postmortem' && incidentId !== undefined) {
    return {
      response_type: 'ephemeral',
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }, writePostmortemButton(incidentId)],
    };
  }
  return ephemeral(text);
}

type IncidentCommand = Exclude<
  ParsedCommand,
  { kind: 'declare' | 'help' | 'unknown' | 'invalid' | 'list' | 'oncall' | 'digest' | 'subscribe' | 'unsubscribe' | 'insights' }
>;

/** Runs a subcommand that acts on one incident; answers in the ack, after the change has committed. */
async function runOnIncident(services: Services, command: Command, parsed: IncidentCommand, ack: Ack, client: WebClient): Promise<void> {
  const { db, config } = services;
  const target = await findTarget(services, { ref: parsed.ref, channelId: command.channel_id, userId: command.user_id });
  if (!target.ok) {
    await ack(ephemeral(`⚠️ ${target.message}`));
    return;
  }
  const incidentId = target.incident.id;
  const actor = command.user_id;
  switch (parsed.kind) {
    case 'status':
      await ack(answer(await changeStatus(db, config, { incidentId, actor, to: parsed.status, message: parsed.message })));
      break;
    case 'resolve':
      await ack(answer(await changeStatus(db, config, { incidentId, actor, to: 'resolved', message: parsed.message })));
      break;
    case 'close':
      await ack(answer(await changeStatus(db, config, { incidentId, actor, to: 'closed' }), incidentId));
      break;
    case 'postmortem': {
      if (!isResolved(target.incident.status)) {
        await ack(
          ephemeral(
            `⚠️ ${incidentKey(incidentId)} is ${target.incident.status}: a postmortem is compiled once it is resolved, so its timeline is complete.`,
          ),
        );
        break;
      }
      // Compiling looks up names with Slack: ack first, then answer on the response_url.
      await ack(ephemeral(`📝 Compiling the postmortem of ${incidentKey(incidentId)}…`));
      const names = new UserNames(client);
      const outcome = await publishPostmortem(db, config, { incidentId, actor, names: (ids) => names.namesOf(ids) });
      await postToResponseUrl(command.response_url, {
        text: outcome.ok
          ? `📝 Postmortem of ${incidentKey(incidentId)} compiled: ${outcome.change}. It is being posted in the channel.`
          : `⚠️ ${outcome.message}`,
      });
      break;
    }
    case 'update':
      if (parsed.message) {
        await ack(answer(await postStatusUpdate(db, config, { incidentId, actor, message: parsed.message })));
        break;
      }
      // Ack first: the trigger_id is valid for three seconds from the user's keystroke.
      await ack();
      await client.views
        .open({ trigger_id: command.trigger_id, view: updateModal(config, target.incident) })
        .catch(async (err: unknown) => {
          services.logger.warn({ err }, 'could not open the update form');
          await fetch(command.response_url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(
              ephemeral(
                `⚠️ Could not open the update form (${platformCode(err) ?? 'Slack did not answer'}). Post directly: \`/incident update <message>\`.`,
              ),
            ),
          }).catch(() => {});
        });
      break;
    case 'severity':
      await ack(answer(await changeSeverity(db, config, { incidentId, actor, severity: parsed.severity })));
      break;
    case 'lead':
      await ack(answer(await assignRole(db, config, { incidentId, actor, role: 'lead', userId: parsed.user })));
      break;
    case 'role':
      await ack(answer(await assignRole(db, config, { incidentId, actor, role: parsed.role, userId: parsed.user })));
      break;
    case 'note':
      await ack(answer(await addNote(db, { incidentId, actor, text: parsed.text })));
      break;
    case 'followup':
      if (!parsed.text) {
        await ack({ response_type: 'ephemeral', ...followupListMessage(target.incident, await followupsOf(db, incidentId)) });
        break;
      }
      await ack(answer(await addFollowup(db, { incidentId, actor, text: parsed.text, owner: parsed.owner, due: parsed.due })));
      break;
    case 'type':
      await ack(answer(await setType(db, config, { incidentId, actor, type: parsed.type })));
      break;
    case 'impact':
      await ack(answer(await setImpact(db, { incidentId, actor, text: parsed.text })));
      break;
    case 'page':
      await ack(answer(await pageFor(db, config, { incidentId, actor, target: parsed.target, message: parsed.message })));
      break;
  }
  services.outbox.wake();
}

/**
 * `subscribe` in an incident's channel (or naming one) is about that incident; anywhere else it is about
 * the digest.
 */
async function changeSubscription(
  services: Services,
  command: Command,
  kind: 'subscribe' | 'unsubscribe',
  ref: number | undefined,
): Promise<string> {
  const inIncident = ref !== undefined || (await incidentByChannel(services.db, command.channel_id)) !== undefined;
  if (!inIncident) {
    if (kind === 'subscribe') {
      const added = await subscribe(services.db, command.user_id, null);
      return added ? '🔔 You will get the stakeholder digest by DM.' : 'You already get the digest by DM.';
    }
    return (await unsubscribe(services.db, command.user_id, null))
      ? 'You will no longer get the digest by DM.'
      : 'You were not subscribed to the digest.';
  }
  const target = await findTarget(services, { ref, channelId: command.channel_id, userId: command.user_id });
  if (!target.ok) return `⚠️ ${target.message}`;
  const key = incidentKey(target.incident.id);
  if (kind === 'subscribe') {
    const added = await subscribe(services.db, command.user_id, target.incident.id);
    return added
      ? `🔔 You will get a DM for every update, status change and resolution of ${key}.`
      : `You are already subscribed to ${key}.`;
  }
  return (await unsubscribe(services.db, command.user_id, target.incident.id))
    ? `You will no longer get DMs about ${key}.`
    : `You were not subscribed to ${key}.`;
}

export function registerIncidentCommand(app: App, services: Services): void {
  app.command('/incident', async ({ command, ack: ackInTime, respond }) => {
    const { client } = services;
    const ack = commandAckEvenIfLate(ackInTime, respond, services.logger);
    const checked = commandSchema.safeParse(command);
    if (!checked.success) {
      await ack(ephemeral('⚠️ Slack sent this command without the fields Firewatch needs; try again.'));
      return;
    }
    const { config } = services;
    const parsed = parseCommand(checked.data.text, {
      severities: config.severities.map((s) => s.id),
      roles: config.roles,
      types: config.incidentTypes,
    });
    try {
      switch (parsed.kind) {
        case 'declare':
          await declareFromCommand(services, command, parsed, ack, client, respond);
          return;
        case 'help':
          await ack(ephemeral(helpText()));
          return;
        case 'unknown':
          await ack(ephemeral(`Unknown subcommand \`${escapeMrkdwn(parsed.name)}\`.\n${helpText()}`));
          return;
        case 'invalid':
          await ack(ephemeral(`⚠️ ${parsed.message}`));
          return;
        case 'oncall': {
          const schedules = config.schedules.map(scheduleDefFromConfig).filter((s) => !parsed.schedule || s.id === parsed.schedule);
          if (parsed.schedule && schedules.length === 0) {
            await ack(
              ephemeral(
                `⚠️ Unknown schedule "${escapeMrkdwn(parsed.schedule)}". Schedules: ${config.schedules.map((s) => s.id).join(', ') || 'none are configured'}.`,
              ),
            );
            return;
          }
          await ack({ response_type: 'ephemeral', ...oncallMessage(schedules, new Date()) });
          return;
        }
        case 'insights':
          await ack({ response_type: 'ephemeral', ...insightsMessage(await insightsFor(services.db, config, parsed.days)) });
          return;
        case 'digest':
          await ack({ response_type: 'ephemeral', ...renderDigest(await previewDigest(services.db, config)) });
          return;
        case 'subscribe':
        case 'unsubscribe':
          await ack(ephemeral(await changeSubscription(services, checked.data, parsed.kind, parsed.ref)));
          return;
        case 'list':
          await ack({
            response_type: 'ephemeral',
            ...incidentListMessage(await openIncidentsFor(services.db, config, checked.data.user_id), new Date()),
          });
          return;
        default:
          await runOnIncident(services, checked.data, parsed, ack, client);
      }
    } catch (err) {
      services.logger.error({ err, subcommand: parsed.kind }, '/incident failed');
      await ack(ephemeral(databaseTrouble(err))).catch(() => {});
    }
  });
}
