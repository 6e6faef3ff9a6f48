// What every console page is given, and the one gate in front of them: no session, no page (the browser
// goes to sign in); a POST also needs the session's CSRF token.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../config/load.js';
import type { Db } from '../../db/client.js';
import type { ConsoleSession } from '../../db/schema.js';
import { personViewer, type Viewer } from '../../incidents/access.js';
import type { Logger } from '../../logger.js';
import type { TimelineFeed } from '../../timeline/feed.js';
import type { Declarer } from '../../workflow/declare.js';
import type { NamesOf } from '../html.js';
import type { RouteHandler } from '../server.js';
import type { ConsoleAuth, SignedInPost } from './auth.js';

export interface ConsoleContext {
  db: Db;
  /** The running config; a reload rewrites it in place. */
  config: Config;
  auth: ConsoleAuth;
  declarer: Declarer;
  /** Wakes the outbox after a commit that enqueued Slack effects. */
  delivered: () => void;
  /** Counts a declaration made from the console. */
  declared: () => void;
  /** Display names for the people pages mention. */
  names: NamesOf;
  /** The workspace's team id once known, for "open in Slack" links. */
  teamId: () => string | undefined;
  publicUrl: string;
  /** The Firewatch secret, for the private links a page hands its signed-in person (calendar feeds). */
  secret: string;
  logger: Logger;
  /** New timeline events as they commit, from any process, for live pages. */
  timeline: TimelineFeed;
}

export const viewerOf = (session: ConsoleSession): Viewer => personViewer(session.userId);

export type SignedInHandler = (req: IncomingMessage, res: ServerResponse, session: ConsoleSession, params: string[]) => Promise<void>;
export type SignedInPostHandler = (req: IncomingMessage, res: ServerResponse, post: SignedInPost, params: string[]) => Promise<void>;

/** A GET for signed-in people; anyone else is sent to sign in. */
export function signedIn(auth: ConsoleAuth, handler: SignedInHandler): RouteHandler {
  return async (req, res, params) => {
    const session = await auth.session(req);
    if (!session) {
      res.writeHead(302, { location: '/login', 'cache-control': 'no-store' });
      res.end();
      return;
    }
    await handler(req, res, session, params);
  };
}

/** A POST from one of the console's own forms: signed in and carrying the session's CSRF token, or 403. */
export function signedInPost(auth: ConsoleAuth, handler: SignedInPostHandler): RouteHandler {
  return async (req, res, params) => {
    const post = await auth.post(req, res);
    if (post) await handler(req, res, post, params);
  };
}

/** Slack's own redirect into a channel of this workspace, in the app or the browser. */
export function slackChannelUrl(ctx: ConsoleContext, channelId: string): string {
  const team = ctx.teamId();
  return `https://slack.com/app_redirect?channel=${encodeURIComponent(channelId)}${team ? `&team=${encodeURIComponent(team)}` : ''}`;
}
