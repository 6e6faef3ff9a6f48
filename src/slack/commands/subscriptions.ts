import { subscribe, unsubscribe } from '../../digests/subscriptions.js';
import { countsAsReal } from '../../incidents/drills.js';
import { incidentByChannel, incidentKey } from '../../incidents/queries.js';
import { findTarget } from '../listeners/target.js';
import { ephemeral, type CommandContext, type GeneralSubcommand } from './subcommand.js';

type Subscription = { kind: 'subscribe' | 'unsubscribe'; ref: number | undefined };

/**
 * In an incident's channel (or naming one) it is about that incident; anywhere else it is about the digest.
 * So the incident is looked up here, not by the registry, which would refuse outside an incident channel.
 */
async function changeSubscription({ services, command }: CommandContext, { kind, ref }: Subscription): Promise<string> {
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
  // Subscribers hear of real incidents only (workflow/audience.ts): promising a drill's DMs would be a lie.
  if (kind === 'subscribe' && !countsAsReal(target.incident))
    return `${key} is a drill: it sends nobody DMs about its updates. Follow it in its channel.`;
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

export const subscribeCommand: GeneralSubcommand<Subscription> = {
  name: 'subscribe',
  usage: 'subscribe',
  summary: "in an incident channel: that incident's updates by DM; elsewhere: the digest by DM",
  needsIncident: false,
  parse: ({ ref }) => ({ kind: 'subscribe', ref }),
  handle: async (ctx, parsed) => ctx.ack(ephemeral(await changeSubscription(ctx, parsed))),
};

export const unsubscribeCommand: GeneralSubcommand<Subscription> = {
  name: 'unsubscribe',
  usage: 'unsubscribe',
  summary: 'stop those DMs',
  needsIncident: false,
  parse: ({ ref }) => ({ kind: 'unsubscribe', ref }),
  handle: async (ctx, parsed) => ctx.ack(ephemeral(await changeSubscription(ctx, parsed))),
};
