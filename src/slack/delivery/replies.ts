import { failedDeliveryError } from '../../outbox/failures.js';
import { declaredReply } from '../blocks/incident.js';
import { platformCode } from '../errors.js';
import { postToResponseUrl } from '../respond.js';
import { DONE, loadIncident, type Handler } from './context.js';
import { postOnce } from './post-once.js';

/** Where an ephemeral cannot reach someone, a DM can. */
const EPHEMERAL_UNREACHABLE = new Set(['channel_not_found', 'not_in_channel', 'user_not_in_channel', 'is_archived']);

/** Confirms a declaration to its declarer: at the command's response_url, else as an ephemeral, else by DM. */
export const replyDeclared: Handler<'reply.declared'> = async (ctx, { incidentId, target }, row) => {
  const incident = await loadIncident(ctx, incidentId);
  const channelError = incident.channelId ? undefined : await failedDeliveryError(ctx.db, incident.id, 'channel.create');
  const message = declaredReply(ctx.config, incident, target.userId, channelError);
  if (target.responseUrl) {
    const sent = await postToResponseUrl(target.responseUrl, message);
    if (sent === 'sent') return DONE;
    if (sent === 'transient') return { status: 'retry', error: 'response_url did not answer' };
  }
  if (target.channelId) {
    try {
      await ctx.client.chat.postEphemeral({ channel: target.channelId, user: target.userId, ...message });
      return DONE;
    } catch (err) {
      const code = platformCode(err);
      if (!code || !EPHEMERAL_UNREACHABLE.has(code)) throw err;
    }
  }
  await postOnce(ctx, row, { channel: target.userId, ...message });
  return DONE;
};

/** Tells someone privately what could not be said where it happened. */
export const dmNotice: Handler<'notice.dm'> = async (ctx, { userId, text }, row) => {
  await postOnce(ctx, row, { channel: userId, text });
  return DONE;
};
