// team.info.
import type { Handler } from '../args.js';
import type { Workspace } from '../workspace.js';

export function teamMethods(ws: Workspace): Record<string, Handler> {
  return {
    'team.info': () => ({
      team: {
        id: ws.teamId,
        name: ws.teamName,
        url: `https://${ws.teamDomain}.slack.com/`,
        domain: ws.teamDomain,
        email_domain: '',
        icon: { image_default: true },
        is_verified: false,
      },
    }),
  };
}
