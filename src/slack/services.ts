import type { WebClient } from '@slack/web-api';
import type { Config } from '../config/load.js';
import type { ContactMethod } from '../config/people.js';
import type { Metrics } from '../metrics.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { OutboxWorker } from '../outbox/worker.js';
import type { Declarer } from '../workflow/declare.js';

/** What listeners need: the database, the config, a logger, the outbox to wake after a commit, the one Web API client, metrics, the declarer that batches declarations, and the key for signed links. */
export interface Services {
  db: Db;
  config: Config;
  logger: Logger;
  outbox: OutboxWorker;
  client: WebClient;
  metrics: Metrics;
  declarer: Declarer;
  /** The key for signed links (FIREWATCH_SECRET, or the one generated into the database). */
  secret: string;
  /** Why each contact method this install cannot use is unavailable (its provider is not configured). */
  unavailable: Partial<Record<ContactMethod, string>>;
  /** Where people reach Firewatch (PUBLIC_URL), for the links it hands out in Slack. */
  publicUrl: string;
}
