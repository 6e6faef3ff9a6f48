import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { sameSecret } from '../http/secrets.js';
import type { Route } from '../http/server.js';
import { incidentKey } from '../incidents/queries.js';
import type { Logger } from '../logger.js';
import { enqueue } from '../outbox/enqueue.js';
import { mapGeneric } from './generic.js';
import { bearer, json, queryToken, readJson } from './http-io.js';
import type { IngestResult, Integration } from './ingest.js';
import type { NormalizedBatch } from './payloads.js';
import { openSnsEnvelope } from './sns.js';

interface GenericDeps {
  db: Db;
  config: Config;
  logger: Logger;
  /** Called after something was committed that Slack should hear about. */
  delivered: () => void;
  reject: (integration: string, reason: string) => void;
  /** The integration's rate limit, shared with the other alert routes; false once it has answered 429. */
  tookBudget: (res: ServerResponse, integration: Integration, n: number) => boolean;
  ingest: (integration: Integration, batch: NormalizedBatch) => Promise<IngestResult>;
}

/** POST /webhooks/generic/<integration-id>: any JSON source, mapped by the integration's JSON pointers. */
export function genericRoute(deps: GenericDeps): Route {
  const { config, reject, tookBudget, ingest } = deps;
  return {
    method: 'POST',
    path: /^\/webhooks\/generic\/([A-Za-z0-9_-]+)$/,
    handler: async (req, res, [id]) => {
      const integration = config.integrations.find((i) => i.id === id && i.type === 'generic');
      if (!integration?.fields) {
        reject(id ?? '', 'unknown_integration');
        json(res, 404, { status: 'error', error: `no generic integration "${id}" is configured` });
        return;
      }
      const token = bearer(req) ?? queryToken(req);
      if (!token || !integration.token || !sameSecret(token, integration.token)) {
        reject(integration.id, 'unauthorized');
        json(
          res,
          401,
          { status: 'error', error: 'missing or wrong token (Authorization: Bearer <token>, or ?token=<token>)' },
          { 'www-authenticate': 'Bearer' },
        );
        return;
      }
      const body = await readJson(req);
      if (!body.ok) {
        reject(integration.id, body.status === 413 ? 'too_large' : 'malformed');
        json(res, body.status, { status: 'error', error: body.message });
        return;
      }
      let payload = body.value;
      if (integration.envelope === 'sns') {
        const message = await openSns(deps, integration, req, res, body.value);
        if (message === undefined) return;
        payload = message;
      }
      const mapped = mapGeneric(
        payload,
        { fields: integration.fields, resolvedWhen: integration.resolved_when ?? ['resolved'] },
        new Date(),
      );
      if (!mapped.ok) {
        reject(integration.id, 'invalid');
        json(res, 400, { status: 'error', error: mapped.errors.join('; '), errors: mapped.errors });
        return;
      }
      const alerts = mapped.batches.reduce((n, batch) => n + batch.alerts.length, 0);
      if (!tookBudget(res, integration, Math.max(1, alerts))) return;
      const incidents: string[] = [];
      const total = { opened: 0, changed: 0, duplicates: 0 };
      for (const batch of mapped.batches) {
        const result = await ingest(integration, batch);
        if (result.incidentId !== null) incidents.push(incidentKey(result.incidentId));
        total.opened += result.opened ? 1 : 0;
        total.changed += result.changed;
        total.duplicates += result.duplicates;
      }
      json(res, 202, { status: 'success', incidents, ...total });
    },
  };
}

/**
 * An SNS delivery: a notification's parsed Message, to be mapped; anything else is answered here (and
 * undefined returned). A subscription confirmation is logged and posted in admin_channel, its SubscribeURL
 * left for an admin to visit: the body is authenticated by the integration token only, not by SNS's
 * signature, so fetching a URL it names would let any holder of the token make Firewatch request whatever
 * address it can reach from inside the network (SSRF).
 */
async function openSns(
  { db, config, logger, delivered, reject, tookBudget }: GenericDeps,
  integration: Integration,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
): Promise<unknown> {
  const header = req.headers['x-amz-sns-message-type'];
  const sns = openSnsEnvelope(typeof header === 'string' ? header : undefined, body);
  switch (sns.type) {
    case 'refused':
      reject(integration.id, 'invalid');
      json(res, 400, { status: 'error', error: sns.error, errors: [sns.error] });
      return undefined;
    case 'Notification':
      return sns.message;
    case 'UnsubscribeConfirmation':
      // Said at warn: from now on the topic's alarms no longer reach Firewatch.
      logger.warn(
        { integration: integration.id, topicArn: sns.topicArn },
        'Amazon SNS unsubscribed this integration from its topic: its alarms no longer arrive',
      );
      json(res, 200, { status: 'success', type: sns.type });
      return undefined;
    case 'SubscriptionConfirmation': {
      // Each one may post in admin_channel: the rate limit keeps a replaying sender from flooding it.
      if (!tookBudget(res, integration, 1)) return undefined;
      const told = { integration: integration.id, topicArn: sns.topicArn, subscribeUrl: sns.subscribeUrl };
      logger.warn(told, 'Amazon SNS asks to confirm a subscription: an admin must visit its SubscribeURL, which Firewatch does not fetch');
      if (config.adminChannel) {
        await db.transaction((tx) => enqueue(tx, [{ kind: 'sns.subscription', payload: told }], { orderingKey: `sns:${integration.id}` }));
        delivered();
      }
      json(res, 200, {
        status: 'success',
        type: sns.type,
        message: `an admin must visit the SubscribeURL to confirm it (logged${config.adminChannel ? ' and posted in admin_channel' : ''}); Firewatch does not fetch it`,
      });
      return undefined;
    }
  }
}
