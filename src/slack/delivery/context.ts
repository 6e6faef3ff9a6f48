import type { WebClient } from '@slack/web-api';
import type { Config } from '../../config/load.js';
import type { Db } from '../../db/client.js';
import type { Incident, OutboxRow, TimelineEvent } from '../../db/schema.js';
import { eventWithIncident, getIncident } from '../../incidents/queries.js';
import type { Logger } from '../../logger.js';
import type { EffectKind, EffectPayload } from '../../outbox/effects.js';
import type { DeliveryOutcome } from '../../outbox/delivery-outcome.js';
import type { BotIdentityCache } from '../identity.js';
import type { UserNames } from '../users.js';
import type { ChannelJoins } from './joins.js';

export interface DeliveryContext {
  db: Db;
  config: Config;
  client: WebClient;
  identity: BotIdentityCache;
  users: UserNames;
  logger: Logger;
  joins: ChannelJoins;
}

/** Delivers one effect kind: reads what it shows from the database, makes the Slack calls, says how it went. */
export type Handler<K extends EffectKind> = (ctx: DeliveryContext, payload: EffectPayload<K>, row: OutboxRow) => Promise<DeliveryOutcome>;

export const DONE: DeliveryOutcome = { status: 'done' };

/** What a row refers to is gone or was never made: trying again cannot help. */
export class Undeliverable extends Error {}

export async function loadIncident(ctx: DeliveryContext, id: number): Promise<Incident> {
  const incident = await getIncident(ctx.db, id);
  if (!incident) throw new Undeliverable(`incident ${id} does not exist`);
  return incident;
}

export async function loadEvent(
  ctx: DeliveryContext,
  incidentId: number,
  eventId: number,
): Promise<{ incident: Incident; event: TimelineEvent }> {
  const { incident, event } = await eventWithIncident(ctx.db, incidentId, eventId);
  if (!incident) throw new Undeliverable(`incident ${incidentId} does not exist`);
  if (!event) throw new Undeliverable(`timeline event ${eventId} does not exist`);
  return { incident, event };
}

/** Effects inside the channel wait for channel.create, which is earlier in the same ordering key. */
export function channelOf(incident: Incident): string {
  if (!incident.channelId) throw new Undeliverable('the incident has no channel (its creation failed)');
  return incident.channelId;
}
