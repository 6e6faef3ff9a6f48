// auth.test: who the bot token belongs to.
import type { Handler } from '../args.js';
import type { Workspace } from '../workspace.js';

export function authMethods(ws: Workspace): Record<string, Handler> {
  return {
    'auth.test': () => ({
      url: `https://${ws.teamDomain}.slack.com/`,
      team: ws.teamName,
      user: ws.botName,
      team_id: ws.teamId,
      user_id: ws.botUserId,
      bot_id: ws.botId,
      is_enterprise_install: false,
    }),
  };
}
