// usergroups.users.list, answered from SlackEmulator.usergroups.
import type { Handler } from '../args.js';
import type { Workspace } from '../workspace.js';

export function usergroupsMethods(ws: Workspace): Record<string, Handler> {
  return {
    'usergroups.users.list': (a) => ({ users: ws.usergroups.get(a.str('usergroup') ?? '') ?? [] }),
  };
}
