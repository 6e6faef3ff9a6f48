import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { OutboxWorker } from '../outbox/worker.js';

/** What listeners need: the database, the config, a logger, and the outbox to wake after a commit. */
export interface Services {
  db: Db;
  config: Config;
  logger: Logger;
  outbox: OutboxWorker;
}
