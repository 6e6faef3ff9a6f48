import type { ServerResponse } from 'node:http';
import type { Db } from '../db/client.js';
import type { Incident } from '../db/schema.js';
import { DRILL_MARK } from '../incidents/drills.js';
import { incidentKey } from '../incidents/queries.js';
import { readAckToken, redeemAckToken, type AckLink } from '../paging/ack-tokens.js';
import type { Refusal } from '../outcome.js';
import { escapeHtml, messageHtml, peopleIn, sendPage, type NamesOf } from './html.js';
import type { Route } from './server.js';

export interface AckRouteOptions {
  db: Db;
  secret: string;
  names: NamesOf;
  /** Called after an acknowledgement commits, so its Slack updates go out now. */
  delivered: () => void;
}

const TOKEN_PATH = /^\/ack\/([^/]+)$/;

/** The incident's key, marked when it is a drill, so the page says at a glance that nothing is down. */
const keyOf = (incident: Incident): string => `${incident.drill ? `${DRILL_MARK} · ` : ''}${incidentKey(incident.id)}`;

/** A private incident's title is for its members only; the link may be forwarded or seen on a lock screen. */
const incidentName = (incident: Incident): string => (incident.isPrivate ? keyOf(incident) : `${keyOf(incident)}: ${incident.title}`);

/** Unknown or forged: 404; used or its page over: 410 (Gone), as it will never work again. */
const statusOf = (refusal: Refusal): number => (refusal.code === 'not_found' ? 404 : refusal.code === 'final' ? 410 : 409);

/** Names make the page friendlier, but a slow Slack must not hold up an answer: past this, ids it is. */
const NAMES_WITHIN_MS = 1_500;

async function namesWithin(names: NamesOf, userIds: string[]): Promise<Record<string, string>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Record<string, string>>((resolve) => (timer = setTimeout(() => resolve({}), NAMES_WITHIN_MS)));
  return Promise.race([names(userIds).catch(() => ({})), late]).finally(() => clearTimeout(timer));
}

async function answer(res: ServerResponse, link: AckLink, names: NamesOf, done: boolean): Promise<void> {
  const named = await namesWithin(names, peopleIn(link.message));
  if (!link.ok) {
    sendPage(res, statusOf(link), 'Link not usable', `<h1>This link cannot acknowledge</h1>\n<p>${messageHtml(link.message, named)}</p>`);
    return;
  }
  const { incident } = link;
  // A test page says so on every surface, so nobody mistakes it for an incident.
  const title = incident ? keyOf(incident) : 'test page';
  const name = incident ? escapeHtml(incidentName(incident)) : 'TEST PAGE — nothing is wrong';
  if (done) {
    sendPage(res, 200, `Acknowledged ${title}`, `<h1>Acknowledged</h1>\n<p>${name}</p>\n<p>${messageHtml(link.message, named)}</p>`);
    return;
  }
  const effect = incident
    ? 'Acknowledging stops the escalation and adds you to the incident channel.'
    : 'Acknowledging ends the test page and reports how long it took to reach you.';
  sendPage(
    res,
    200,
    `Acknowledge ${title}`,
    `<h1>${name}</h1>\n<p>${messageHtml(link.message, named)} ${effect}</p>\n` +
      `<form method="post">\n<button type="submit">Acknowledge</button>\n</form>`,
  );
}

/** `GET /ack/<token>` shows what the link acknowledges and never acknowledges (mail scanners follow links); `POST` acknowledges. */
export function ackRoutes({ db, secret, names, delivered }: AckRouteOptions): Route[] {
  return [
    {
      method: 'GET',
      path: TOKEN_PATH,
      handler: async (_req, res, [token = '']) => answer(res, await readAckToken(db, secret, token), names, false),
    },
    {
      method: 'POST',
      path: TOKEN_PATH,
      handler: async (_req, res, [token = '']) => {
        const link = await redeemAckToken(db, secret, token);
        if (link.ok) delivered();
        await answer(res, link, names, true);
      },
    },
  ];
}
