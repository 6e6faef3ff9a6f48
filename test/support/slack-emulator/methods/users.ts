// users.*.
import { type Args, fail, type Handler, type Json, nowSec, paginate } from '../args.js';
import type { EmuUser } from '../types.js';
import type { Workspace } from '../workspace.js';

function tzInfo(tz: string): { tz_label: string; tz_offset: number } {
  try {
    const part = (style: Intl.DateTimeFormatOptions['timeZoneName']): string =>
      new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: style })
        .formatToParts(new Date())
        .find((p) => p.type === 'timeZoneName')?.value ?? '';
    const off = /GMT([+-])(\d{1,2}):?(\d{2})?/.exec(part('longOffset'));
    const offset = off ? (off[1] === '-' ? -1 : 1) * (Number(off[2]) * 3600 + Number(off[3] ?? 0) * 60) : 0;
    return { tz_label: part('long'), tz_offset: offset };
  } catch {
    return { tz_label: 'Coordinated Universal Time', tz_offset: 0 };
  }
}

export function usersMethods(ws: Workspace): Record<string, Handler> {
  return {
    'users.info': (a) => ({ user: userJson(ws, userArg(ws, a, 'user')) }),

    'users.lookupByEmail': (a) => {
      const email = (a.str('email') ?? '').toLowerCase();
      const u = [...ws.users.values()].find((x) => x.email?.toLowerCase() === email && email !== '');
      if (!u) fail('users_not_found');
      return { user: userJson(ws, u) };
    },

    'users.list': (a) => {
      const p = paginate([...ws.users.values()], a, 200, 1000);
      return { members: p.items.map((u) => userJson(ws, u)), cache_ts: nowSec(), response_metadata: { next_cursor: p.next_cursor } };
    },
  };
}

function userJson(ws: Workspace, u: EmuUser): Json {
  const tz = u.tz ?? 'UTC';
  const realName = u.real_name ?? u.name;
  const image = `https://secure.gravatar.com/avatar/${u.id}.jpg`;
  return {
    id: u.id,
    team_id: ws.teamId,
    name: u.name,
    deleted: !!u.deleted,
    color: '9f69e7',
    real_name: realName,
    tz,
    ...tzInfo(tz),
    profile: {
      real_name: realName,
      real_name_normalized: realName,
      display_name: u.name,
      display_name_normalized: u.name,
      ...(u.email ? { email: u.email } : {}),
      ...(u.is_bot ? { bot_id: ws.botId } : {}),
      image_24: image,
      image_48: image,
      image_72: image,
      team: ws.teamId,
    },
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: !!u.is_bot,
    is_app_user: false,
    updated: nowSec(),
  };
}

function userArg(ws: Workspace, a: Args, key: string): EmuUser {
  const id = a.str(key);
  if (!id) fail('user_not_found');
  const known = ws.users.get(id);
  if (known) return known;
  if (!ws.userExists(id)) fail('user_not_found');
  return { id, name: id.toLowerCase(), real_name: `User ${id}` };
}
