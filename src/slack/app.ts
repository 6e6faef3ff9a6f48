import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Env } from '../config/env.js';
import type { Logger } from '../logger.js';
import { boltLogger } from './bolt-logger.js';
import type { BotIdentityCache } from './identity.js';
import { registerListeners } from './registry.js';
import type { Services } from './services.js';

/**
 * Web API options for every client: Slack's answers, 429s included, reach the caller at once so the outbox
 * (not a half-hour retry hidden inside one request) decides when to try again.
 */
export function webClientOptions(env: Env, logger: Logger): WebClientOptions {
  return {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logger: boltLogger(logger),
  };
}

export interface SlackApp {
  app: App;
  /** In HTTP mode, the handler for POST /slack/events; undefined in Socket Mode. */
  httpReceiver: HTTPReceiver | undefined;
  socketMode: boolean;
}

export function createSlackApp(env: Env, services: Services, identity: BotIdentityCache): SlackApp {
  const botToken = env.SLACK_BOT_TOKEN ?? '';
  const logger = boltLogger(services.logger);
  const socketMode = env.SLACK_APP_TOKEN !== undefined;
  const httpReceiver = socketMode
    ? undefined
    : new HTTPReceiver({
        signingSecret: env.SLACK_SIGNING_SECRET ?? '',
        endpoints: '/slack/events',
        logger,
        processBeforeResponse: false,
        // Only ever reached through slackEventsHandler, which checks the signature on the body as sent
        // and then hands Bolt a cleaned copy that would no longer match it.
        signatureVerification: false,
      });
  const receiver =
    httpReceiver ??
    new SocketModeReceiver({
      appToken: env.SLACK_APP_TOKEN ?? '',
      logger,
      // The Socket Mode client calls apps.connections.open through its own Web API client.
      ...(env.SLACK_API_URL ? { installerOptions: { clientOptions: { slackApiUrl: env.SLACK_API_URL } } } : {}),
    });
  const app = new App({
    receiver,
    logger,
    clientOptions: webClientOptions(env, services.logger),
    // Nothing reads context.conversation; the store would cost a lookup on every request.
    convoStore: false,
    // Our own authorize: a failed auth.test is retried rather than cached forever, and a request is
    // handled (and acked) even while Slack's Web API does not answer.
    authorize: async () => {
      const me = identity.peek();
      return me ? { botToken, botId: me.botId, botUserId: me.userId, teamId: me.teamId } : { botToken };
    },
  });
  app.error(async (err) => {
    services.logger.error({ err }, 'unhandled error in a Slack listener');
  });
  registerListeners(app, services);
  return { app, httpReceiver, socketMode };
}
