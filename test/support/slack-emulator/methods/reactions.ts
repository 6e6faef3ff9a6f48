// reactions.*, as the bot user.
import { type Args, fail, type Handler } from '../args.js';
import type { EmuChannel } from '../types.js';
import type { Workspace } from '../workspace.js';

const EMOJI_NAME = /^[a-z0-9_+'-]+(::skin-tone-[2-6])?$/;

export function reactionsMethods(ws: Workspace): Record<string, Handler> {
  return {
    'reactions.add': (a) => {
      const { c, ts, name } = reactionArgs(ws, a);
      ws.requireActive(c);
      if (ws.reactions.some((r) => r.channel === c.id && r.ts === ts && r.name === name && r.user === ws.botUserId))
        fail('already_reacted');
      ws.reactions.push({ channel: c.id, ts, name, user: ws.botUserId });
      return {};
    },

    'reactions.remove': (a) => {
      const { c, ts, name } = reactionArgs(ws, a);
      const i = ws.reactions.findIndex((r) => r.channel === c.id && r.ts === ts && r.name === name && r.user === ws.botUserId);
      if (i === -1) fail('no_reaction');
      ws.reactions.splice(i, 1);
      return {};
    },
  };
}

function reactionArgs(ws: Workspace, a: Args): { c: EmuChannel; ts: string; name: string } {
  const c = ws.channelArg(a);
  const ts = a.str('timestamp');
  if (!ts) fail('no_item_specified');
  const name = a.str('name') ?? '';
  if (!EMOJI_NAME.test(name)) fail('invalid_name');
  ws.messageArg(c, ts);
  return { c, ts, name };
}
