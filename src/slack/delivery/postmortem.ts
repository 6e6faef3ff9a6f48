import type { DeliveryOutcome } from '../../outbox/delivery-outcome.js';
import { getPostmortem, latestCanvasOf, recordCanvas, recordPermalink, recordPostmortemFile } from '../../postmortems/slack-records.js';
import { canvasMarkdown } from '../canvas-markdown.js';
import { platformCode } from '../errors.js';
import { channelOf, DONE, loadIncident, Undeliverable, type DeliveryContext, type Handler } from './context.js';

export const uploadPostmortem: Handler<'postmortem.upload'> = async (ctx, { incidentId, postmortemId, summary }) => {
  const incident = await loadIncident(ctx, incidentId);
  const channel = channelOf(incident);
  const postmortem = await getPostmortem(ctx.db, postmortemId);
  if (!postmortem) throw new Undeliverable(`postmortem ${postmortemId} does not exist`);
  if (postmortem.fileId && (await uploaded(ctx, postmortem.fileId))) return { status: 'done', result: { fileId: postmortem.fileId } };
  const bytes = Buffer.from(postmortem.markdown, 'utf8');
  const filename = `INC-${incident.id}-postmortem-v${postmortem.version}.md`;
  const target = await ctx.client.files.getUploadURLExternal({ filename, length: bytes.length });
  if (!target.upload_url || !target.file_id) throw new Error('files.getUploadURLExternal answered without an upload_url');
  // Recorded before completing: if the completion's answer is lost, the retry finds the file instead of making a second.
  await recordPostmortemFile(ctx.db, postmortemId, { fileId: target.file_id, permalink: null });
  const posted = await fetch(target.upload_url, { method: 'POST', body: bytes, signal: AbortSignal.timeout(30_000) });
  await posted.arrayBuffer();
  if (!posted.ok) return { status: posted.status >= 500 ? 'retry' : 'failed', error: `upload answered HTTP ${posted.status}` };
  const done = await ctx.client.files.completeUploadExternal({
    files: [
      {
        id: target.file_id,
        title: `Postmortem of ${incident.drill ? 'the drill ' : ''}INC-${incident.id} (version ${postmortem.version})`,
      },
    ],
    channel_id: channel,
    initial_comment: summary,
  });
  const file = (done.files as Array<{ id?: string; permalink?: string }> | undefined)?.[0];
  // Slack's answer names the file without its permalink; files.info has it, for the summary's link.
  if (file?.permalink) await recordPermalink(ctx.db, target.file_id, file.permalink);
  else await uploaded(ctx, target.file_id);
  return { status: 'done', result: { fileId: target.file_id } };
};

/**
 * Whether the file an earlier attempt recorded was made: Slack knows a file once its upload was completed.
 * One it does not know (never completed, or deleted since) is uploaded again; so is one an install without
 * `files:read` cannot look up, as before that scope was asked for.
 */
async function uploaded(ctx: DeliveryContext, fileId: string): Promise<boolean> {
  try {
    const info = await ctx.client.files.info({ file: fileId });
    const permalink = info.file?.permalink;
    if (permalink) await recordPermalink(ctx.db, fileId, permalink);
    return true;
  } catch (err) {
    if (NOT_UPLOADED.has(platformCode(err) ?? '')) return false;
    throw err;
  }
}
const NOT_UPLOADED = new Set(['file_not_found', 'file_deleted', 'missing_scope']);

/**
 * Slack's answers when this workspace does not let the app have a canvas: its plan, its admins, or an
 * install from before the app asked for `canvases:write`. The Markdown file is the postmortem then.
 */
const NO_CANVASES = new Set([
  'canvas_disabled_user_team',
  'team_tier_cannot_create_channel_canvases',
  'free_team_canvas_tab_already_exists',
  'free_teams_cannot_edit_standalone_canvases',
  'missing_scope',
  'not_allowed_token_type',
  'restricted_action',
  'access_denied',
]);

/**
 * Slack's answers when it could not make or change the canvas from this document. Trying the same
 * document again cannot help, and the file already holds the postmortem.
 */
const CANVAS_REFUSED = new Set(['canvas_creation_failed', 'canvas_editing_failed']);

/** The `detail` Slack gives with such an error: what in the document it could not take. */
function platformDetail(err: unknown): string | undefined {
  const data = platformCode(err) ? (err as { data: { detail?: unknown } }).data : undefined;
  return typeof data?.detail === 'string' ? data.detail : undefined;
}

/** Puts a postmortem version into the incident's canvas, a tab of its channel: created once, then replaced. */
export const canvasPostmortem: Handler<'postmortem.canvas'> = async (ctx, { incidentId, postmortemId }) => {
  const incident = await loadIncident(ctx, incidentId);
  const channel = channelOf(incident);
  const postmortem = await getPostmortem(ctx.db, postmortemId);
  if (!postmortem) throw new Undeliverable(`postmortem ${postmortemId} does not exist`);
  if (postmortem.canvasId) return DONE;
  const earlier = await latestCanvasOf(ctx.db, incidentId);
  const document_content = { type: 'markdown' as const, markdown: canvasMarkdown(postmortem.markdown) };
  const skipIfNotAllowed = (err: unknown): DeliveryOutcome => {
    const code = platformCode(err);
    if (code && NO_CANVASES.has(code)) return { status: 'done', result: { skipped: `this workspace allows the app no canvas: ${code}` } };
    if (code && CANVAS_REFUSED.has(code)) {
      const detail = platformDetail(err);
      ctx.logger.warn(
        { incidentId, postmortemId, error: code, detail },
        'Slack refused the postmortem canvas; the Markdown file is the postmortem',
      );
      return { status: 'done', result: { skipped: `Slack refused the canvas: ${code}${detail ? ` (${detail})` : ''}` } };
    }
    throw err;
  };
  let canvasId = earlier;
  if (canvasId) {
    try {
      await ctx.client.canvases.edit({ canvas_id: canvasId, changes: [{ operation: 'replace', document_content }] });
    } catch (err) {
      // Deleted by hand: the new version gets a new canvas.
      if (platformCode(err) !== 'canvas_not_found') return skipIfNotAllowed(err);
      canvasId = undefined;
    }
  }
  if (!canvasId) {
    try {
      const created = await ctx.client.canvases.create({
        title: `Postmortem: ${incident.drill ? 'DRILL · ' : ''}INC-${incident.id} — ${incident.title}`,
        channel_id: channel,
        document_content,
      });
      canvasId = created.canvas_id;
    } catch (err) {
      return skipIfNotAllowed(err);
    }
    if (!canvasId) throw new Error('canvases.create answered without a canvas_id');
  }
  await recordCanvas(ctx.db, postmortemId, canvasId);
  return { status: 'done', result: { canvasId } };
};
