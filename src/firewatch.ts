import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Env } from './config/env.js';
import { pagingWarnings, unavailableMethods } from './config/methods.js';
import type { Config } from './config/load.js';
import { openDatabase, type Database } from './db/client.js';
import { loadFirewatchSecret } from './db/secret.js';
import { createHttpServer } from './http/server.js';
import { Declarer } from './workflow/declare.js';
import { firewatchJobs, JOB_CONFIG_KEYS } from './jobs.js';
import { watchConfigFile } from './config/watch.js';
import { configFileOf, ConfigError } from './config/load.js';
import { ConfigReloader, type ReloadActor, type ReloadOutcome } from './workflow/config-reload.js';
import type { Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { Foreground } from './outbox/foreground.js';
import { OutboxWorker } from './outbox/worker.js';
import { firewatchRoutes } from './routes.js';
import { startJobs, type RunningJobs } from './scheduler.js';
import { createSlackApp, webClientOptions, type SlackApp } from './slack/app.js';
import { CountingWebClient } from './slack/client.js';
import { createDeliverer } from './slack/delivery/index.js';
import { createProviderDeliverer } from './providers/deliver.js';
import { createCodeDeliverer } from './providers/contact-codes.js';
import { createWebhookDeliverer } from './providers/webhooks.js';
import { useWebhooks } from './webhooks/active.js';
import { useWorkflows } from './automation/occurrences.js';
import { emailSender } from './providers/email.js';
import { configuredSenders } from './providers/senders.js';
import type { Senders } from './providers/provider.js';
import { twilioClient } from './providers/twilio.js';
import { isEffectKind, isProviderEffect, type ProviderEffectKind } from './outbox/effects.js';
import { oneAtATime, type Deliverer } from './outbox/delivery-outcome.js';
import { ChannelJoins } from './slack/delivery/joins.js';
import { failureNotices } from './slack/failure-notices.js';
import { platformCode } from './slack/errors.js';
import { BotIdentityCache } from './slack/identity.js';
import { InstallCheck } from './slack/install-check.js';
import type { Services } from './slack/services.js';
import { UserNames } from './slack/users.js';
import { TimelineFeed } from './timeline/feed.js';

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
  /** Reload the config when its file changes (the process does; in-process tests reload by calling reload()). */
  watchConfig?: boolean;
}

export interface Firewatch {
  port: number;
  url: string;
  services: Services;
  database: Database;
  /** Re-reads the config file and, if it validates, runs on it from now on; a bad file is refused. */
  reload(actor: ReloadActor): Promise<ReloadOutcome>;
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

interface Wired {
  services: Services;
  slack: SlackApp;
  /** Tells the outbox when a Slack request is being answered, so deliveries give way to it. */
  foreground: Foreground;
  install: InstallCheck;
  /** The providers pages go out through; closed when Firewatch stops. */
  senders: Senders;
  identity: BotIdentityCache;
}

/** Page attempts by e-mail, SMS, voice and push, and confirmation codes, go to their providers; everything else to Slack. */
const routeDeliveries =
  (slack: Deliverer, providers: Record<ProviderEffectKind, Deliverer>): Deliverer =>
  (row) =>
    isEffectKind(row.kind) && isProviderEffect(row.kind) ? providers[row.kind](row) : slack(row);

/** The Slack client, the outbox that delivers through it, the services listeners use, and the Bolt app. */
async function wire({ env, config, logger, outboxLeaseMs }: FirewatchOptions, { db }: Database): Promise<Wired> {
  const metrics = createMetrics(db);
  const install = new InstallCheck(logger);
  // Every answer lists the granted scopes; auth.test below is the first, so the check runs at start.
  const client = new CountingWebClient(env.SLACK_BOT_TOKEN, webClientOptions(env, logger), metrics, (granted) => install.observe(granted));
  const identity = new BotIdentityCache(client);
  await checkToken(identity, logger);

  const secret = await loadFirewatchSecret(db, env.FIREWATCH_SECRET);
  useWebhooks({ config, publicUrl: env.PUBLIC_URL });
  useWorkflows(config);
  const unavailable = unavailableMethods(env);
  const foreground = new Foreground();
  // One e-mail sender (and its pooled connections) for pages and for confirmation codes.
  const email = emailSender(env);
  const senders = configuredSenders(env, email);
  const providerAttempts = createProviderDeliverer({ db, config, logger, senders, unavailable, secret, publicUrl: env.PUBLIC_URL });
  const outbox = new OutboxWorker({
    db,
    // Page attempts due together (an outage pages many people at once) are prepared and recorded together.
    deliverMany: { kinds: ['notify.send'], deliver: providerAttempts },
    foreground,
    logger: logger.child({ component: 'outbox' }),
    deliver: routeDeliveries(
      createDeliverer({
        db,
        config,
        client,
        identity,
        users: new UserNames(client),
        logger,
        joins: new ChannelJoins(client, config, logger),
      }),
      {
        'notify.send': oneAtATime(providerAttempts),
        'contact.code': createCodeDeliverer({ db, logger, secret, email, twilio: twilioClient(env) }),
        'webhook.deliver': createWebhookDeliverer({ db, config }),
      },
    ),
    ...(outboxLeaseMs ? { leaseMs: outboxLeaseMs } : {}),
    onFailed: failureNotices(db, () => outbox.wake()),
  });
  const services: Services = {
    db,
    config,
    logger,
    outbox,
    client,
    metrics,
    declarer: new Declarer(db, config),
    secret,
    unavailable,
    publicUrl: env.PUBLIC_URL,
  };
  return { services, slack: createSlackApp(env, services, identity), foreground, install, senders, identity };
}

/** The reloader of the running config; the file it started from must still read as it did. */
function configReloader(
  { env, logger }: FirewatchOptions,
  services: Services,
  applied: (changed: string[]) => Promise<void>,
): ConfigReloader {
  try {
    return new ConfigReloader({
      db: services.db,
      config: services.config,
      logger,
      path: env.FIREWATCH_CONFIG,
      wake: () => services.outbox.wake(),
      applied,
    });
  } catch (err) {
    if (err instanceof ConfigError) throw new StartupError(err.message);
    throw err;
  }
}

/** Starts every part of Firewatch: database, outbox, Slack listeners, HTTP routes and timers. */
export async function startFirewatch(options: FirewatchOptions): Promise<Firewatch> {
  const { env, logger } = options;
  const database = options.database ?? (await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR }));
  const ownsDatabase = !options.database;
  let server: Server | undefined;
  let timeline: TimelineFeed | undefined;
  try {
    await database.migrate();
    const { services, slack, foreground, install, senders, identity } = await wire(options, database);
    const { outbox } = services;
    const jobContext = { logger, wake: () => outbox.wake() };
    let jobs: RunningJobs | undefined;
    const reloader = configReloader(options, services, async (changed) => {
      for (const warning of pagingWarnings(env, services.config)) logger.warn(`paging: ${warning}`);
      if (!jobs || !changed.some((key) => JOB_CONFIG_KEYS.includes(key))) return;
      await jobs.stop();
      jobs = await startJobs(firewatchJobs(services, options.outboxSweep), jobContext, { catchUp: false });
      logger.info({ changed }, 'timers rescheduled for the new config');
    });

    let stopping = false;
    timeline = new TimelineFeed(database, logger);
    await timeline.start();
    server = createHttpServer(
      firewatchRoutes({ env, database, services, slack, foreground, install, identity, stopping: () => stopping, timeline }),
      logger,
    );
    const port = await listen(server, env.PORT);
    if (slack.socketMode) await slack.app.start();

    jobs = await startJobs(firewatchJobs(services, options.outboxSweep), jobContext);
    // Deliveries left by a previous run (a crash after commit) go out now, not at the first tick.
    outbox.wake();
    logger.info({ port, mode: slack.socketMode ? 'socket' : 'http', database: database.kind }, 'Firewatch is running');
    for (const warning of pagingWarnings(env, services.config)) logger.warn(`paging: ${warning}`);
    const file = configFileOf(env.FIREWATCH_CONFIG);
    const watcher =
      options.watchConfig && file
        ? watchConfigFile(file, () => {
            reloader.reload('system').catch((err: unknown) => logger.error({ err }, 'config reload failed'));
          })
        : undefined;

    const running = server;
    const feed = timeline;
    return {
      port,
      url: `http://127.0.0.1:${port}`,
      services,
      database,
      reload: (actor) => reloader.reload(actor),
      async stop() {
        stopping = true;
        watcher?.close();
        // Live timelines are open responses: they end first, or the server would wait for them.
        await feed.stop();
        await new Promise<void>((resolve) => {
          running.close(() => resolve());
          running.closeIdleConnections();
        });
        await jobs?.stop();
        if (slack.socketMode) await slack.app.stop();
        await outbox.stop();
        for (const sender of Object.values(senders)) sender.close?.();
        if (ownsDatabase) await database.close();
      },
    };
  } catch (err) {
    await timeline?.stop();
    server?.close();
    if (ownsDatabase) await database.close().catch(() => {});
    throw err;
  }
}
