import { alertRoutes } from './alerts/routes.js';
import { silenceApiRoutes } from './alerts/silence-api.js';
import type { Env } from './config/env.js';
import type { Database } from './db/client.js';
import { ackRoutes } from './http/ack.js';
import { apiRoutes } from './http/api/routes.js';
import { calendarRoutes } from './http/calendars.js';
import { ConsoleAuth } from './http/console/auth.js';
import { consoleRoutes } from './http/console/index.js';
import { postmortemRoute } from './http/postmortem-route.js';
import { statusPageRoutes } from './http/status-page.js';
import type { Route } from './http/server.js';
import { twilioRoutes } from './http/twilio.js';
import { slackEventsHandler } from './slack/events-endpoint.js';
import type { Metrics } from './metrics.js';
import type { Foreground } from './outbox/foreground.js';
import type { SlackApp } from './slack/app.js';
import type { BotIdentityCache } from './slack/identity.js';
import type { InstallCheck } from './slack/install-check.js';
import type { Services } from './slack/services.js';
import type { TimelineFeed } from './timeline/feed.js';
import { slackSignIn } from './slack/sign-in.js';
import { UserNames } from './slack/users.js';

export interface RouteContext {
  env: Env;
  database: Database;
  services: Services;
  slack: SlackApp;
  foreground: Foreground;
  /** What Slack granted against what manifest.yml asks for, shown below /healthz's status line. */
  install: InstallCheck;
  /** Who the bot is: sign-in lets in only its workspace's members. */
  identity: BotIdentityCache;
  /** True once stop() has begun, so /healthz turns away traffic before the server closes. */
  stopping: () => boolean;
  /** The process's one listener for new timeline events, which the console's live pages watch. */
  timeline: TimelineFeed;
}

/** Every HTTP route Firewatch answers. */
export function firewatchRoutes({
  env,
  database,
  services,
  slack,
  foreground,
  install,
  identity,
  stopping,
  timeline,
}: RouteContext): Route[] {
  const { db, config, logger, metrics, outbox, client, secret } = services;
  const users = new UserNames(client);
  // One console sign-in for its pages, the JSON API and a non-public status page; none without a Slack client.
  const auth =
    env.SLACK_CLIENT_ID && env.SLACK_CLIENT_SECRET ? new ConsoleAuth(db, secret, env.PUBLIC_URL.startsWith('https:')) : undefined;
  const slackEvents: Route[] = slack.httpReceiver
    ? [
        {
          method: 'POST',
          path: '/slack/events',
          handler: slackEventsHandler(slack.httpReceiver, env.SLACK_SIGNING_SECRET ?? '', logger, metrics, foreground),
        },
      ]
    : [];
  return [
    healthz(database, install, stopping),
    ...twilioRoutes({ env, db, config, logger, delivered: () => outbox.wake() }),
    postmortemRoute(db, () => config.apiToken),
    ...alertRoutes({ db, config, logger, metrics, delivered: () => outbox.wake() }),
    ...silenceApiRoutes({ db, config, logger, delivered: () => outbox.wake() }),
    metricsRoute(metrics),
    ...ackRoutes({ db, secret, names: (ids) => users.namesOf(ids), delivered: () => outbox.wake() }),
    ...calendarRoutes({ db, config, secret }),
    ...consoleRoutes(
      auth && env.SLACK_CLIENT_ID && env.SLACK_CLIENT_SECRET
        ? {
            db,
            config,
            auth,
            secret,
            publicUrl: env.PUBLIC_URL,
            declarer: services.declarer,
            delivered: () => outbox.wake(),
            declared: () => metrics.declares.inc({ source: 'console' }),
            names: (ids) => users.namesOf(ids),
            teamId: () => identity.peek()?.teamId,
            logger,
            timeline,
            signIn: {
              authorizeUrl: env.SLACK_AUTHORIZE_URL,
              clientId: env.SLACK_CLIENT_ID,
              verify: slackSignIn(env, logger, identity, env.SLACK_CLIENT_ID, env.SLACK_CLIENT_SECRET),
            },
          }
        : undefined,
    ),
    ...statusPageRoutes({ db, config, publicUrl: env.PUBLIC_URL, auth, logger }),
    ...apiRoutes({
      db,
      auth,
      config,
      declarer: services.declarer,
      logger,
      delivered: () => outbox.wake(),
      declared: () => metrics.declares.inc({ source: 'api' }),
    }),
    ...slackEvents,
  ];
}

/** A database that stops answering without closing its connections (a partition) must not hang /healthz. */
const HEALTH_PING_MS = 2_000;

function answersWithin(ping: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([
    ping.then(
      () => true,
      () => false,
    ),
    late,
  ]).finally(() => clearTimeout(timer));
}

/** The status line, then the install self-check's findings; missing scopes do not make Firewatch unhealthy. */
function healthz(database: Database, install: InstallCheck, stopping: () => boolean): Route {
  return {
    method: 'GET',
    path: '/healthz',
    handler: async (_req, res) => {
      const healthy = !stopping() && (await answersWithin(database.ping(), HEALTH_PING_MS));
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end([healthy ? 'ok' : 'database unavailable', ...install.healthLines()].join('\n'));
    },
  };
}

function metricsRoute(metrics: Metrics): Route {
  return {
    method: 'GET',
    path: '/metrics',
    handler: async (_req, res) => {
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(await metrics.registry.metrics());
    },
  };
}
