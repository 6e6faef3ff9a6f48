import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Env } from './config/env.js';
import type { Config } from './config/load.js';
import { openDatabase, type Database } from './db/client.js';
import { createHttpServer, type Route } from './http/server.js';
import { slackEventsHandler } from './slack/events-endpoint.js';
import type { Logger } from './logger.js';
import { Foreground } from './outbox/foreground.js';
import { Declarer } from './workflow/declare.js';
import { OutboxWorker } from './outbox/worker.js';
import { createMetrics } from './metrics.js';
import { firewatchJobs } from './jobs.js';
import { startJobs } from './scheduler.js';
import { CountingWebClient } from './slack/client.js';
import { alertRoutes } from './alerts/routes.js';
import { postmortemRoute } from './http/postmortem-route.js';
import { createSlackApp, webClientOptions } from './slack/app.js';
import { createDeliverer } from './slack/delivery/index.js';
import { failureNotices } from './slack/failure-notices.js';
import { platformCode } from './slack/errors.js';
import { BotIdentityCache } from './slack/identity.js';
import type { Services } from './slack/services.js';
import { UserNames } from './slack/users.js';

export class StartupError extends Error {}

export interface FirewatchOptions {
  env: Env;
  config: Config;
  logger: Logger;
  /** An already open database (tests share one per file); otherwise opened from the env and closed on stop. */
  database?: Database;
  /** node-cron expression for the outbox sweep that retries due deliveries. */
  outboxSweep?: string;
  outboxLeaseMs?: number;
}

export interface Firewatch {
  port: number;
  url: string;
  services: Services;
  database: Database;
  stop(): Promise<void>;
}

/** Answers from auth.test that mean the token itself is wrong: no point starting. */
const BAD_TOKEN = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired']);

async function checkToken(identity: BotIdentityCache, logger: Logger): Promise<void> {
  try {
    const me = await identity.get();
    logger.info({ botUserId: me.userId, teamId: me.teamId }, 'connected to Slack');
  } catch (err) {
    const code = platformCode(err);
    if (code && BAD_TOKEN.has(code)) {
      throw new StartupError(
        `SLACK_BOT_TOKEN was refused by Slack (${code}): copy the Bot User OAuth Token again from your app's "OAuth & Permissions" page`,
      );
    }
    logger.warn({ err }, 'Slack did not answer auth.test; starting anyway and trying again on first use');
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
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

/** Starts every part of Firewatch: database, outbox, Slack listeners, HTTP routes and timers. */
export async function startFirewatch(options: FirewatchOptions): Promise<Firewatch> {
  const { env, config, logger } = options;
  const database = options.database ?? (await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR }));
  const ownsDatabase = !options.database;
  let server: Server | undefined;
  try {
    await database.migrate();
    let migrated = true;

    const metrics = createMetrics(database.db);
    const client = new CountingWebClient(env.SLACK_BOT_TOKEN, webClientOptions(env, logger), metrics);
    const identity = new BotIdentityCache(client);
    await checkToken(identity, logger);

    const foreground = new Foreground();
    const outbox = new OutboxWorker({
      db: database.db,
      foreground,
      logger: logger.child({ component: 'outbox' }),
      deliver: createDeliverer({ db: database.db, config, client, identity, users: new UserNames(client), logger }),
      ...(options.outboxLeaseMs ? { leaseMs: options.outboxLeaseMs } : {}),
      onFailed: failureNotices(database.db, () => outbox.wake()),
    });
    const services: Services = { db: database.db, config, logger, outbox, client, metrics, declarer: new Declarer(database.db, config) };
    const slack = createSlackApp(env, services, identity);

    const routes: Route[] = [
      {
        method: 'GET',
        path: '/healthz',
        handler: async (_req, res) => {
          let healthy = migrated;
          if (healthy) healthy = await answersWithin(database.ping(), HEALTH_PING_MS);
          res.writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(healthy ? 'ok' : 'database unavailable');
        },
      },
    ];
    routes.push(postmortemRoute(database.db, config.apiToken));
    routes.push(...alertRoutes({ db: database.db, config, logger, metrics, delivered: () => outbox.wake() }));
    routes.push({
      method: 'GET',
      path: '/metrics',
      handler: async (_req, res) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(await metrics.registry.metrics());
      },
    });
    if (slack.httpReceiver) {
      routes.push({
        method: 'POST',
        path: '/slack/events',
        handler: slackEventsHandler(slack.httpReceiver, env.SLACK_SIGNING_SECRET ?? '', logger, metrics, foreground),
      });
    }
    server = createHttpServer(routes, logger);
    const port = await listen(server, env.PORT);
    if (slack.socketMode) await slack.app.start();

    const jobs = await startJobs(firewatchJobs(services, options.outboxSweep), { logger, wake: () => outbox.wake() });
    // Deliveries left by a previous run (a crash after commit) go out now, not at the first tick.
    outbox.wake();
    logger.info({ port, mode: slack.socketMode ? 'socket' : 'http', database: database.kind }, 'Firewatch is running');

    const running = server;
    return {
      port,
      url: `http://127.0.0.1:${port}`,
      services,
      database,
      async stop() {
        migrated = false;
        await new Promise<void>((resolve) => {
          running.close(() => resolve());
          running.closeIdleConnections();
        });
        await jobs.stop();
        if (slack.socketMode) await slack.app.stop();
        await outbox.stop();
        if (ownsDatabase) await database.close();
      },
    };
  } catch (err) {
    server?.close();
    if (ownsDatabase) await database.close().catch(() => {});
    throw err;
  }
}
