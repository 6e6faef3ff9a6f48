import { eq } from 'drizzle-orm';
import { coverRequests, type CoverRequest } from '../../db/schema.js';
import { getCoverRequest } from '../../paging/cover.js';
import { coverRequestMessage, coverTakenDm } from '../blocks/cover.js';
import { DONE, Undeliverable, type DeliveryContext, type Handler } from './context.js';
import { postOnce } from './post-once.js';

/** A cover request posted is known by its id, so a retried row finds the message it already posted. */
const COVER_REQUEST_EVENT = 'firewatch_cover_request';

async function load(ctx: DeliveryContext, requestId: number): Promise<{ request: CoverRequest; zone: string }> {
  const request = await getCoverRequest(ctx.db, requestId);
  if (!request) throw new Undeliverable(`cover request ${requestId} does not exist`);
  const zone = ctx.config.schedules.find((s) => s.id === request.scheduleId)?.time_zone;
  if (!zone) throw new Undeliverable(`the schedule ${request.scheduleId} of cover request ${requestId} is no longer configured`);
  return { request, zone };
}

/** Posts the request, as it stands when delivered (a request taken before it was posted shows by whom). */
export const postCoverRequest: Handler<'cover.post'> = async (ctx, { requestId }, row) => {
  const { request, zone } = await load(ctx, requestId);
  if (request.messageTs) return DONE;
  const marker = { eventType: COVER_REQUEST_EVENT, key: 'cover_request_id', id: request.id };
  const posted = await postOnce(
    ctx,
    row,
    { channel: request.messageChannel, ...coverRequestMessage(request, zone), unfurl_links: false },
    marker,
  );
  await ctx.db.update(coverRequests).set({ messageChannel: posted.channel, messageTs: posted.ts }).where(eq(coverRequests.id, request.id));
  return { status: 'done', result: { ts: posted.ts } };
};

/** Re-renders the posted request; one never posted (its post failed) has nothing to edit. */
export const updateCoverRequest: Handler<'cover.update'> = async (ctx, { requestId }) => {
  const { request, zone } = await load(ctx, requestId);
  if (!request.messageTs) return { status: 'done', result: { skipped: 'not posted' } };
  await ctx.client.chat.update({ channel: request.messageChannel, ts: request.messageTs, ...coverRequestMessage(request, zone) });
  return DONE;
};

export const dmCover: Handler<'cover.dm'> = async (ctx, { requestId, userId }, row) => {
  const { request, zone } = await load(ctx, requestId);
  await postOnce(ctx, row, { channel: userId, ...coverTakenDm(request, userId, zone) });
  return DONE;
};
