import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { sameSecret } from '../http/secrets.js';
import type { Route } from '../http/server.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { incidentKey } from '../incidents/queries.js';
import { genericRoute } from './generic-route.js';
import { heartbeatRoute } from './heartbeat-route.js';
import { bearer, json, readJson } from './http-io.js';
import { acknowledgeFromSource, ingestAlerts, type Integration } from './ingest.js';
import { alertmanagerPayloadSchema, issuePaths, normalizeAlertmanager, normalizePagerDuty, pagerDutyEventSchema } from './payloads.js';
import { RateLimiter } from './rate-limit.js';

interface Deps {
  db: Db;
  config: Config;
  logger: Logger;
  metrics: Metrics;
  /** Called after something was committed that Slack should hear about. */
  delivered: () => void;
}

/**
 * POST /webhooks/alertmanager/<integration-id>, POST /v2/enqueue (PagerDuty Events API v2),
 * POST /webhooks/generic/<integration-id> and POST /heartbeats/<id>.
 */
export function alertRoutes(deps: Deps): Route[] {
  const limiter = new RateLimiter();
  const { metrics } = deps;
  const reject = (integration: string, reason: string) => metrics.alertsRejected.inc({ integration, reason });

  const alertmanager: Route = {
    method: 'POST',
    path: /^\/webhooks\/alertmanager\/([A-Za-z0-9_-]+)$/,
    handler: async (req, res, [id]) => {
      const integration = deps.config.integrations.find((i) => i.id === id && i.type === 'alertmanager');
      if (!integration) {
        reject(id ?? '', 'unknown_integration');
        json(res, 404, { status: 'error', error: `no alertmanager integration "${id}" is configured` });
        return;
      }
      const token = bearer(req);
      if (!token || !integration.token || !sameSecret(token, integration.token)) {
        reject(integration.id, 'unauthorized');
        json(res, 401, { status: 'error', error: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer' });
        return;
      }
      const body = await readJson(req);
      if (!body.ok) {
        reject(integration.id, body.status === 413 ? 'too_large' : 'malformed');
        json(res, body.status, { status: 'error', error: body.message });
        return;
      }
      const payload = alertmanagerPayloadSchema.safeParse(body.value);
      if (!payload.success) {
        reject(integration.id, 'invalid');
        json(res, 400, { status: 'error', error: 'not an Alertmanager webhook payload', errors: issuePaths(payload.error) });
        return;
      }
      const batch = normalizeAlertmanager(payload.data);
      if (!tookBudget(res, integration, Math.max(1, batch.alerts.length))) return;
      const result = await ingest(integration, batch);
      json(res, 202, {
        status: 'success',
        incident: result.incidentId ? incidentKey(result.incidentId) : null,
        opened: result.opened,
        changed: result.changed,
        duplicates: result.duplicates,
      });
    },
  };

  const pagerduty: Route = {
    method: 'POST',
    path: '/v2/enqueue',
    handler: async (req, res) => {
      const invalid = (status: number, message: string, errors: string[]) =>
        json(res, status, { status: 'invalid event', message, errors });
      const body = await readJson(req);
      if (!body.ok) {
        reject('pagerduty', body.status === 413 ? 'too_large' : 'malformed');
        invalid(body.status, body.status === 413 ? 'Event too large' : 'Event object is invalid', [body.message]);
        return;
      }
      const event = pagerDutyEventSchema.safeParse(body.value);
      if (!event.success) {
        reject('pagerduty', 'invalid');
        invalid(400, 'Event object is invalid', issuePaths(event.error));
        return;
      }
      const key = event.data.routing_key;
      const integration = deps.config.integrations.find((i) => i.type === 'pagerduty' && !!i.routing_key && sameSecret(key, i.routing_key));
      if (!integration) {
        reject('pagerduty', 'unknown_integration');
        invalid(404, 'Unknown routing key', ['routing_key: no pagerduty integration has this routing key']);
        return;
      }
      if (!tookBudget(res, integration, 1, true)) return;
      const normalized = normalizePagerDuty(event.data, () => randomUUID().replace(/-/g, ''));
      if (normalized.action === 'acknowledge') {
        metrics.alertsReceived.inc({ integration: integration.id });
        if ((await acknowledgeFromSource(deps.db, integration, normalized.dedupKey)) !== null) deps.delivered();
      } else {
        const alert =
          normalized.action === 'trigger'
            ? normalized.alert
            : {
                fingerprint: normalized.dedupKey,
                status: 'resolved' as const,
                title: 'Resolved',
                labels: {},
                annotations: {},
                startsAt: null,
                endsAt: new Date().toISOString(),
                link: null,
                sourceSeverity: null,
              };
        await ingest(integration, {
          groupKey: normalized.dedupKey,
          title: normalized.action === 'trigger' ? normalized.title : 'Resolved',
          sourceSeverity: normalized.action === 'trigger' ? normalized.sourceSeverity : null,
          alerts: [alert],
        });
      }
      json(res, 202, { status: 'success', message: 'Event processed', dedup_key: normalized.dedupKey });
    },
  };

  function tookBudget(res: ServerResponse, integration: Integration, n: number, pagerDutyShape = false): boolean {
    const taken = limiter.take(integration.id, n, integration.rate_limit);
    if (taken.ok) return true;
    reject(integration.id, 'rate_limited');
    const headers = { 'retry-after': String(taken.retryAfterSeconds) };
    if (pagerDutyShape)
      json(
        res,
        429,
        { status: 'throttle event', message: 'Requests for this service are arriving too quickly. Please retry later.', errors: [] },
        headers,
      );
    else
      json(res, 429, { status: 'error', error: `over the rate limit of ${integration.rate_limit} alerts a minute; retry later` }, headers);
    return false;
  }

  async function ingest(integration: Integration, batch: Parameters<typeof ingestAlerts>[3]) {
    metrics.alertsReceived.inc({ integration: integration.id }, batch.alerts.length);
    const result = await ingestAlerts(deps.db, deps.config, integration, batch);
    metrics.alertsDeduplicated.inc({ integration: integration.id }, result.duplicates);
    if (result.opened) metrics.declares.inc({ source: integration.id });
    if (result.opened || result.changed) deps.delivered();
    deps.logger.info(
      {
        integration: integration.id,
        incidentId: result.incidentId,
        opened: result.opened,
        changed: result.changed,
        duplicates: result.duplicates,
      },
      'alerts ingested',
    );
    return result;
  }

  return [
    alertmanager,
    pagerduty,
    genericRoute({ db: deps.db, config: deps.config, logger: deps.logger, delivered: deps.delivered, reject, tookBudget, ingest }),
    heartbeatRoute({ db: deps.db, config: deps.config, logger: deps.logger, delivered: deps.delivered }),
  ];
}
