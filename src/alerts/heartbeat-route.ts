import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { sameSecret } from '../http/secrets.js';
import type { Route } from '../http/server.js';
import type { Logger } from '../logger.js';
import { recordBeat } from './heartbeat-store.js';
import { bearer, json } from './http-io.js';

interface HeartbeatDeps {
  db: Db;
  config: Config;
  logger: Logger;
  delivered: () => void;
}

/** POST /heartbeats/<id> with Authorization: Bearer <token>: the heartbeat beat; any body is ignored. */
export function heartbeatRoute({ db, config, logger, delivered }: HeartbeatDeps): Route {
  return {
    method: 'POST',
    path: /^\/heartbeats\/([A-Za-z0-9_-]+)$/,
    handler: async (req, res, [id]) => {
      // A cron job's `curl -X POST` may send a body or none; it says nothing, so it is not read.
      req.resume();
      const heartbeat = config.heartbeats.find((hb) => hb.id === id);
      if (!heartbeat) {
        json(res, 404, { status: 'error', error: `no heartbeat "${id}" is configured` });
        return;
      }
      const token = bearer(req);
      if (!token || !sameSecret(token, heartbeat.token)) {
        json(res, 401, { status: 'error', error: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer' });
        return;
      }
      const at = new Date();
      const resolved = await recordBeat(db, config, heartbeat, at);
      if (resolved?.changed) {
        delivered();
        logger.info({ heartbeat: heartbeat.id, incidentId: resolved.incidentId }, 'heartbeat beat again: its missed alert resolved');
      }
      json(res, 202, { status: 'success', heartbeat: heartbeat.id, last_beat_at: at.toISOString(), resolved: !!resolved?.changed });
    },
  };
}
