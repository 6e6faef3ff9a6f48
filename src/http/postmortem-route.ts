import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from '../db/client.js';
import { API_TOKEN_VIEWER, canSee } from '../incidents/access.js';
import { getIncident } from '../incidents/queries.js';
import { latestPostmortem } from '../postmortems/store.js';
import { sameSecret } from './secrets.js';
import type { Route } from './server.js';

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

function end(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, ...extra });
  res.end(body);
}

/** GET /incidents/INC-<n>/postmortem.md: the latest postmortem of a public incident, for holders of the configured api_token (read per request: a reload may change it). */
export function postmortemRoute(db: Db, apiTokenOf: () => string | undefined): Route {
  return {
    method: 'GET',
    path: /^\/incidents\/INC-(\d{1,9})\/postmortem\.md$/i,
    handler: async (req, res, [id]) => {
      const token = bearer(req);
      const apiToken = apiTokenOf();
      if (!apiToken || !token || !sameSecret(token, apiToken)) {
        end(res, 401, 'text/plain; charset=utf-8', 'unauthorized: present the configured api_token as a bearer token', {
          'www-authenticate': 'Bearer',
        });
        return;
      }
      // The api_token is a member of nothing: a private incident's postmortem is as missing as a missing one's.
      const incident = await getIncident(db, Number(id));
      const postmortem = incident && (await canSee(db, incident, API_TOKEN_VIEWER)) ? await latestPostmortem(db, incident.id) : undefined;
      if (!postmortem) {
        end(res, 404, 'text/plain; charset=utf-8', 'no postmortem for that incident');
        return;
      }
      end(res, 200, 'text/markdown; charset=utf-8', postmortem.markdown, {
        'content-disposition': `inline; filename="INC-${postmortem.incidentId}-postmortem-v${postmortem.version}.md"`,
      });
    },
  };
}
