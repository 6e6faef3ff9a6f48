import { snsSubscriptionMessage } from '../blocks/sns.js';
import { Undeliverable, type Handler } from './context.js';
import { postOnce } from './post-once.js';

export const postSnsSubscription: Handler<'sns.subscription'> = async (ctx, payload, row) => {
  if (!ctx.config.adminChannel) throw new Undeliverable('no admin_channel is configured');
  const { ts } = await postOnce(ctx, row, { channel: ctx.config.adminChannel, ...snsSubscriptionMessage(payload), unfurl_links: false });
  return { status: 'done', result: { ts } };
};
