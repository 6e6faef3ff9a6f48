import { eq } from 'drizzle-orm';
import { coverageChanges, configRefusals } from '../../db/schema.js';
import { coverageDiffSchema, type CoverageDiff } from '../../paging/coverage.js';
import { configRefusedMessage, coverageAdminMessage, coverageDm } from '../blocks/coverage.js';
import { Undeliverable, type DeliveryContext, type Handler } from './context.js';
import { postOnce } from './post-once.js';

async function loadChange(ctx: DeliveryContext, id: number): Promise<{ diff: CoverageDiff; actor: string }> {
  const [row] = await ctx.db.select().from(coverageChanges).where(eq(coverageChanges.id, id));
  if (!row) throw new Undeliverable(`coverage change ${id} does not exist`);
  const diff = coverageDiffSchema.safeParse(row.diff);
  if (!diff.success) throw new Undeliverable(`coverage change ${id} is not a coverage diff`);
  return { diff: diff.data, actor: row.actor };
}

function adminChannel(ctx: DeliveryContext): string {
  if (!ctx.config.adminChannel) throw new Undeliverable('no admin_channel is configured');
  return ctx.config.adminChannel;
}

export const dmCoverage: Handler<'coverage.dm'> = async (ctx, { changeId, userId }, row) => {
  const { diff, actor } = await loadChange(ctx, changeId);
  const { ts } = await postOnce(ctx, row, { channel: userId, ...coverageDm(diff, userId, actor), unfurl_links: false });
  return { status: 'done', result: { ts } };
};

export const postCoverage: Handler<'coverage.admin'> = async (ctx, { changeId }, row) => {
  const { diff, actor } = await loadChange(ctx, changeId);
  const { ts } = await postOnce(ctx, row, { channel: adminChannel(ctx), ...coverageAdminMessage(diff, actor), unfurl_links: false });
  return { status: 'done', result: { ts } };
};

export const postConfigRefused: Handler<'config.refused'> = async (ctx, { key }, row) => {
  const [refusal] = await ctx.db.select().from(configRefusals).where(eq(configRefusals.key, key));
  if (!refusal) throw new Undeliverable(`no refused config ${key}`);
  const { ts } = await postOnce(ctx, row, { channel: adminChannel(ctx), ...configRefusedMessage(refusal.message), unfurl_links: false });
  return { status: 'done', result: { ts } };
};
