// pins.*.
import { fail, type Handler, nowSec } from '../args.js';
import type { Workspace } from '../workspace.js';

export function pinsMethods(ws: Workspace): Record<string, Handler> {
  return {
    'pins.add': (a) => {
      const c = ws.channelArg(a);
      const ts = a.str('timestamp');
      if (!ts) fail('no_item_specified');
      ws.requireMember(c);
      ws.requireActive(c);
      ws.messageArg(c, ts);
      if (ws.pins.some((p) => p.channel === c.id && p.ts === ts)) fail('already_pinned');
      if (ws.pins.filter((p) => p.channel === c.id).length >= ws.maxPinsPerChannel) fail('too_many_pins');
      ws.pins.push({ channel: c.id, ts, created: nowSec(), created_by: ws.botUserId });
      return {};
    },

    'pins.remove': (a) => {
      const c = ws.channelArg(a);
      const ts = a.str('timestamp');
      if (!ts) fail('no_item_specified');
      const i = ws.pins.findIndex((p) => p.channel === c.id && p.ts === ts);
      if (i === -1) fail('no_pin');
      ws.pins.splice(i, 1);
      return {};
    },

    'pins.list': (a) => {
      const c = ws.channelArg(a);
      const items = ws.pins
        .filter((p) => p.channel === c.id)
        .flatMap((p) => {
          const m = ws.findMessage(c.id, p.ts);
          return m
            ? [{ type: 'message', created: p.created, created_by: p.created_by, channel: c.id, message: ws.messageJson(m, false) }]
            : [];
        });
      return { items };
    },
  };
}
