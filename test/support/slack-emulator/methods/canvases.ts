// canvases.*: channel canvases, kept as markdown.
import { fail, type Handler, invalidArguments, isObj } from '../args.js';
import type { Workspace } from '../workspace.js';

export function canvasesMethods(ws: Workspace): Record<string, Handler> {
  return {
    'canvases.create': (a) => {
      if (!ws.canvasesAllowed) fail('canvas_disabled_user_team');
      const markdown = documentContent(a.get('document_content'));
      const channelId = a.str('channel_id');
      const c = channelId ? ws.channels.get(channelId) : undefined;
      if (channelId && (!c || !ws.canSee(c))) fail('channel_not_found');
      const id = ws.newId('F', (x) => ws.canvases.has(x) || ws.files.some((f) => f.id === x));
      ws.canvases.set(id, { id, title: a.str('title') ?? '', markdown: markdown ?? '', channel: c?.id, edits: 0 });
      return { canvas_id: id };
    },

    'canvases.edit': (a) => {
      if (!ws.canvasesAllowed) fail('canvas_disabled_user_team');
      const id = a.str('canvas_id');
      if (!id) invalidArguments(['[ERROR] missing required field: canvas_id']);
      const raw = a.get('changes');
      const changes = Array.isArray(raw) ? raw.filter(isObj) : [];
      if (changes.length === 0 || !Array.isArray(raw) || changes.length !== raw.length)
        invalidArguments(['[ERROR] missing required field: changes']);
      const canvas = ws.canvases.get(id);
      if (!canvas) fail('canvas_not_found');
      for (const change of changes) {
        const markdown = documentContent(change.document_content) ?? '';
        switch (change.operation) {
          // Without a section_id a replace takes the whole document.
          case 'replace':
            if (change.section_id !== undefined) fail('canvas_editing_failed');
            canvas.markdown = markdown;
            break;
          case 'insert_at_start':
            canvas.markdown = `${markdown}\n${canvas.markdown}`;
            break;
          case 'insert_at_end':
            canvas.markdown = `${canvas.markdown}\n${markdown}`;
            break;
          case 'rename': {
            const title = isObj(change.title_content) ? change.title_content.markdown : undefined;
            if (typeof title !== 'string') invalidArguments(['[ERROR] missing required field: title_content']);
            canvas.title = title;
            break;
          }
          default:
            invalidArguments([`[ERROR] unsupported operation: ${String(change.operation)}`]);
        }
      }
      canvas.edits++;
      return {};
    },
  };
}

/** A canvas's `document_content`: `{ type: 'markdown', markdown }`, at most 1 MiB of it; undefined when absent. */
function documentContent(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (!isObj(raw) || raw.type !== 'markdown' || typeof raw.markdown !== 'string')
    invalidArguments(['[ERROR] document_content must be {"type": "markdown", "markdown": "…"}']);
  if (raw.markdown.length > 1_048_576) invalidArguments(['[ERROR] document_content.markdown is over 1,048,576 characters']);
  return raw.markdown;
}
