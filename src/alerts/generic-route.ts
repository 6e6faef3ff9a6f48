import type { ServerResponse } from 'node:http';
import type { Config } from '../config/load.js';
import { sameSecret } from '../http/secrets.js';
import type { Route } from '../http/server.js';
import { incidentKey } from '../incidents/queries.js';
import { mapGeneric } from './generic.js';
import { bearer, json, queryToken, readJson } from './http-io.js';
import type { IngestResult, Integration } from './ingest.js';
import type { NormalizedBatch } from './payloads.js';

interface GenericDeps {
  config: Config;
  reject: (integration: string, reason: string) => void;
  /** The integration's rate limit, shared with the other alert routes; false once it has answered 429. */
  tookBudget: (res: ServerResponse, integration: Integration, n: number) => boolean;
  ingest: (integration: Integration, batch: NormalizedBatch) => Promise<IngestResult>;
}

/** POST /webhooks/generic/<integration-id>: any JSON source, mapped by the integration's JSON pointers. */
export function genericRoute({ config, reject, tookBudget, ingest }: GenericDeps): Route {
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
      const mapped = mapGeneric(
        body.value,
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
