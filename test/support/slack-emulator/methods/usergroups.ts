// usergroups.*: the workspace's user groups (SlackEmulator.usergroups), with Slack's answers for a plan
// without them, a group that does not exist, and people who cannot be in one.
import { type Args, fail, type Handler, type Json, nowSec } from '../args.js';
import type { EmuUsergroup } from '../types.js';
import type { Workspace } from '../workspace.js';

function requirePlan(ws: Workspace): void {
  if (!ws.userGroupsOnPlan) fail('paid_teams_only');
}

function groupArg(ws: Workspace, a: Args): EmuUsergroup {
  const id = a.str('usergroup');
  if (!id) fail('missing_argument');
  const group = ws.usergroups.get(id);
  if (!group) fail('no_such_subteam');
  return group;
}

function groupJson(ws: Workspace, g: EmuUsergroup, withUsers: boolean): Json {
  return {
    id: g.id,
    team_id: ws.teamId,
    is_usergroup: true,
    is_subteam: true,
    name: g.name,
    description: '',
    handle: g.handle,
    is_external: false,
    date_create: nowSec(),
    date_update: nowSec(),
    date_delete: 0,
    auto_type: null,
    created_by: 'U0ADMIN',
    updated_by: 'U0ADMIN',
    deleted_by: null,
    prefs: { channels: [], groups: [] },
    ...(withUsers ? { users: [...g.users] } : {}),
    user_count: g.users.length,
  };
}

export function usergroupsMethods(ws: Workspace): Record<string, Handler> {
  return {
    'usergroups.list': (a) => {
      requirePlan(ws);
      return { usergroups: [...ws.usergroups.values()].map((g) => groupJson(ws, g, a.bool('include_users'))) };
    },

    'usergroups.users.list': (a) => {
      requirePlan(ws);
      return { users: [...groupArg(ws, a).users] };
    },

    // Replaces every member. Slack refuses an empty list (a group is emptied by usergroups.disable) and
    // anyone who cannot be in a group: unknown, deactivated, or a bot.
    'usergroups.users.update': (a) => {
      requirePlan(ws);
      const group = groupArg(ws, a);
      if (!ws.userGroupsEditableByApps) fail('permission_denied');
      const users = a.list('users');
      if (users.length === 0) fail('no_users_provided');
      const invalid = users.filter((u) => !ws.userExists(u) || ws.users.get(u)?.deleted === true || ws.users.get(u)?.is_bot === true);
      if (invalid.length) fail('invalid_users');
      group.users = [...new Set(users)];
      return { usergroup: groupJson(ws, group, true) };
    },
  };
}
