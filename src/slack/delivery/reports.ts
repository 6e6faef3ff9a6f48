import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import type { DigestData } from '../../digests/build.js';
import { builtRunData } from '../../digests/job.js';
import { getFollowup } from '../../incidents/followups.js';
import { renderDigest } from '../blocks/digest.js';
import { overdueFollowupMessage } from '../blocks/lists.js';
import { DONE, loadIncident, Undeliverable, type Handler } from './context.js';
import { postOnce } from './post-once.js';

/** A stored rendered report (insights) as Slack expects it. */
const storedMessage = z.object({ message: z.object({ text: z.string(), blocks: z.array(z.record(z.string(), z.unknown())) }) });

export const postDigest: Handler<'digest.post'> = async (ctx, { job, dueAt, userId }, row) => {
  const data = await builtRunData(ctx.db, job, new Date(dueAt));
  if (!data) throw new Undeliverable(`no ${job} built for ${dueAt}`);
  const channel = userId ?? ctx.config.digest.channel;
  if (!channel) throw new Undeliverable('no digest channel is configured');
  const stored = storedMessage.safeParse(data);
  const message = stored.success
    ? { text: stored.data.message.text, blocks: stored.data.message.blocks as unknown as KnownBlock[] }
    : renderDigest(data as unknown as DigestData);
  const { ts } = await postOnce(ctx, row, { channel, ...message, unfurl_links: false });
  return { status: 'done', result: { ts } };
};

export const dmOverdueFollowup: Handler<'followup.dm'> = async (ctx, { incidentId, followupId }, row) => {
  const incident = await loadIncident(ctx, incidentId);
  const item = await getFollowup(ctx.db, followupId);
  if (!item?.ownerId) throw new Undeliverable(`follow-up ${followupId} has no owner`);
  if (item.doneAt) return { status: 'done', result: { skipped: 'done meanwhile' } };
  await postOnce(ctx, row, { channel: item.ownerId, ...overdueFollowupMessage(incident, item) });
  return DONE;
};
