import { claimedHandoff } from '../../paging/handoff-run.js';
import { handoffDm, handoffPost } from '../blocks/handoffs.js';
import { Undeliverable, type DeliveryContext, type Handler } from './context.js';
import { postOnce } from './post-once.js';

async function factsOf(ctx: DeliveryContext, scheduleId: string, at: string) {
  const facts = await claimedHandoff(ctx.db, scheduleId, new Date(at));
  if (!facts) throw new Undeliverable(`no hand-off of ${scheduleId} was claimed at ${at}`);
  return facts;
}

export const postHandoff: Handler<'handoff.post'> = async (ctx, { scheduleId, at }, row) => {
  // The channel as the config says now: a schedule that lost its channel since gets no post.
  const channel = ctx.config.schedules.find((s) => s.id === scheduleId)?.channel;
  if (!channel) throw new Undeliverable(`schedule ${scheduleId} has no channel for its hand-off posts`);
  const { ts } = await postOnce(ctx, row, { channel, ...handoffPost(await factsOf(ctx, scheduleId, at)), unfurl_links: false });
  return { status: 'done', result: { ts } };
};

export const dmHandoff: Handler<'handoff.dm'> = async (ctx, { scheduleId, at }, row) => {
  const facts = await factsOf(ctx, scheduleId, at);
  if (!facts.incoming) throw new Undeliverable(`nobody came on call in ${scheduleId} at ${at}`);
  const { ts } = await postOnce(ctx, row, { channel: facts.incoming, ...handoffDm(facts), unfurl_links: false });
  return { status: 'done', result: { ts } };
};
