// files.*: the two-step external upload.
import { fail, type Handler, invalidArguments, isObj } from '../args.js';
import type { Workspace } from '../workspace.js';

export function filesMethods(ws: Workspace): Record<string, Handler> {
  return {
    'files.getUploadURLExternal': (a) => {
      const filename = a.str('filename');
      const length = a.int('length', 0);
      if (!filename) invalidArguments(['[ERROR] missing required field: filename']);
      if (length < 1) invalidArguments(['[ERROR] missing required field: length']);
      const id = ws.newId('F', (x) => ws.uploads.has(x) || ws.files.some((f) => f.id === x));
      ws.uploads.set(id, { filename, length });
      return { upload_url: `${ws.origin}/upload/${id}`, file_id: id };
    },

    'files.completeUploadExternal': (a) => {
      const raw = a.get('files');
      const list: unknown[] = Array.isArray(raw) ? raw : [];
      const entries = list.filter(isObj);
      if (entries.length === 0 || entries.length !== list.length) invalidArguments(['[ERROR] missing required field: files']);
      const done = entries.map((f) => {
        const id = typeof f.id === 'string' ? f.id : '';
        const upload = ws.uploads.get(id);
        if (!upload?.content) fail('file_not_found');
        return { id, title: typeof f.title === 'string' ? f.title : upload.filename, upload, content: upload.content };
      });
      const channelId = a.str('channel_id');
      const c = channelId ? ws.channels.get(channelId) : undefined;
      if (channelId && (!c || !ws.canSee(c))) fail('invalid_channel');
      const thread = a.str('thread_ts') || undefined;
      const comment = a.str('initial_comment');
      for (const f of done) {
        ws.uploads.delete(f.id);
        ws.files.push({
          id: f.id,
          filename: f.upload.filename,
          title: f.title,
          length: f.content.length,
          content: f.content,
          channel: c?.id,
          thread_ts: thread,
          initial_comment: comment,
        });
      }
      if (c) {
        ws.post({
          channel: c.id,
          ts: ws.nextTs(),
          text: comment ?? '',
          blocks: [],
          user: ws.botUserId,
          bot_id: ws.botId,
          thread_ts: thread,
          edited: 0,
          files: done.map((f) => ({ id: f.id, title: f.title })),
        });
      }
      return { files: done.map((f) => ({ id: f.id, title: f.title })) };
    },

    // A file exists once its upload is completed; an upload only ticketed (or never made) is file_not_found.
    'files.info': (a) => {
      const id = a.str('file');
      if (!id) invalidArguments(['[ERROR] missing required field: file']);
      const f = ws.files.find((x) => x.id === id);
      if (!f) fail('file_not_found');
      const c = f.channel ? ws.channels.get(f.channel) : undefined;
      if (c && !ws.canSee(c)) fail('file_not_found');
      const shared = c && !c.is_im ? [c.id] : [];
      return {
        file: {
          id: f.id,
          name: f.filename,
          title: f.title,
          size: f.length,
          user: ws.botUserId,
          permalink: `https://${ws.teamDomain}.slack.com/files/${ws.botUserId}/${f.id}/${f.filename}`,
          channels: c && !c.is_private ? shared : [],
          groups: c?.is_private ? shared : [],
          ims: c?.is_im ? [c.id] : [],
        },
        comments: [],
        response_metadata: { next_cursor: '' },
      };
    },
  };
}
