// Config reload (SIGHUP, or the file changed): the file is read and validated as at start-up; a good one
// becomes the running config, a bad one is refused and the last good one keeps running.
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { recordAudit } from '../audit/record.js';
import { configFileOf, ConfigError, parseConfig, parseConfigYaml, readConfigText, replaceConfig, type Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { configRefusals } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { enqueue } from '../outbox/enqueue.js';
import { changedScheduleIds, coverageDiff } from '../paging/coverage.js';
import { currentSchedules } from '../paging/current-schedules.js';
import { scheduleDefFromConfig } from '../paging/schedule.js';
import { announceCoverageDiff } from '../paging/coverage-announce.js';

/** `signal` for SIGHUP, `system` for a change to the file noticed by Firewatch itself. */
export type ReloadActor = 'signal' | 'system';

export type ReloadOutcome =
  { status: 'unchanged' } | { status: 'reloaded'; hash: string; changed: string[] } | { status: 'refused'; hash: string; message: string };

/** What a reload cannot change: they are read once, at start-up. */
export const RESTART_ONLY =
  'environment variables (PORT, DATABASE_URL, SLACK_*, and the values of ${VAR} in the file) take effect only on restart';

export interface ReloaderDeps {
  db: Db;
  /** The running config: a good reload writes the new settings into this very object. */
  config: Config;
  logger: Logger;
  /** FIREWATCH_CONFIG as Firewatch started with it. */
  path: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Delivers what a reload enqueued now. */
  wake(): void;
  /** Runs after a good file took effect, with its changed top-level keys (timers are rescheduled here). */
  applied(changed: string[]): Promise<void>;
}

interface Good {
  hash: string;
  document: Record<string, unknown>;
}

/** A short content hash of the file: names a version in logs and the audit log, and is the claim replicas share. */
const hashOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

const asDocument = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** Top-level keys whose (unexpanded) value differs: a summary that never carries a value, so never a secret. */
export function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !isDeepStrictEqual(before[k], after[k])).sort();
}

export class ConfigReloader {
  private good: Good;
  /** The last content refused after a file change, so saving nothing new does not refuse it again. */
  private refusedHash: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /** Reads the file the running config came from, as the baseline later versions are compared with. */
  constructor(private readonly deps: ReloaderDeps) {
    const file = configFileOf(deps.path);
    const text = file ? readConfigText(file) : '';
    this.good = { hash: hashOf(text), document: file ? asDocument(parseConfigYaml(text, file)) : {} };
  }

  get hash(): string {
    return this.good.hash;
  }

  /** One reload at a time: a SIGHUP during a file-change reload waits for it. */
  reload(actor: ReloadActor): Promise<ReloadOutcome> {
    const run = this.queue.then(() => this.run(actor));
    this.queue = run.catch(() => {});
    return run;
  }

  private async run(actor: ReloadActor): Promise<ReloadOutcome> {
    const { logger, env = process.env } = this.deps;
    const file = configFileOf(this.deps.path);
    let text: string;
    try {
      text = file ? readConfigText(file) : '';
    } catch (err) {
      // An editor's save can leave the name missing for a moment; the next change event reads it again.
      if (actor === 'system' && err instanceof ConfigError) {
        logger.warn({ file }, `config file cannot be read; keeping the last good config: ${err.message}`);
        return { status: 'unchanged' };
      }
      throw err;
    }
    const hash = hashOf(text);
    if (hash === this.good.hash) {
      if (actor === 'signal') logger.info({ file, hash }, 'config reload: the file is unchanged');
      return { status: 'unchanged' };
    }
    if (actor === 'system' && hash === this.refusedHash) return { status: 'unchanged' };
    let next: Config;
    let document: Record<string, unknown>;
    try {
      document = file ? asDocument(parseConfigYaml(text, file)) : {};
      next = parseConfig(document, file, env);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      await this.refuse(actor, file, hash, err.message);
      return { status: 'refused', hash, message: err.message };
    }
    return this.apply(actor, file, { hash, document }, next);
  }

  private async refuse(actor: ReloadActor, file: string | undefined, hash: string, message: string): Promise<void> {
    const { db, config, logger } = this.deps;
    this.refusedHash = hash;
    logger.error({ actor, file, hash, running: this.good.hash }, `config reload refused, keeping the last good config: ${message}`);
    const key = `${this.good.hash}..${hash}`;
    const told = await db.transaction(async (tx) => {
      await recordAudit(tx, {
        actor,
        action: 'config.refused',
        subject: file ?? 'config',
        before: { hash: this.good.hash },
        after: { hash, error: message },
      });
      if (!config.adminChannel) return false;
      const claimed = await tx
        .insert(configRefusals)
        .values({ key, source: file ?? 'config', message })
        .onConflictDoNothing()
        .returning({ key: configRefusals.key });
      if (claimed.length === 0) return false;
      await enqueue(tx, [{ kind: 'config.refused', payload: { key } }], { orderingKey: 'config' });
      return true;
    });
    if (told) this.deps.wake();
  }

  private async apply(actor: ReloadActor, file: string | undefined, good: Good, next: Config): Promise<ReloadOutcome> {
    const { db, config, logger } = this.deps;
    const previous: Config = { ...config };
    const before = this.good;
    const changed = changedKeys(before.document, good.document);
    replaceConfig(config, next);
    this.good = good;
    this.refusedHash = undefined;
    await this.deps.applied(changed);
    logger.info({ actor, file, hash: good.hash, was: before.hash, changed }, `config reloaded; ${RESTART_ONLY}`);

    const scheduleChange = changedScheduleIds(previous.schedules.map(scheduleDefFromConfig), next.schedules.map(scheduleDefFromConfig));
    const announced = await db.transaction(async (tx) => {
      await recordAudit(tx, {
        actor,
        action: 'config.reloaded',
        subject: file ?? 'config',
        before: { hash: before.hash },
        after: { hash: good.hash, changed },
      });
      if (scheduleChange.length === 0) return false;
      // Both sides carry the Slack overrides, so only what the file changed shows.
      const diff = coverageDiff(await currentSchedules(tx, previous), await currentSchedules(tx, next), new Date());
      return announceCoverageDiff(tx, next, diff, actor, `${before.hash}..${good.hash}`);
    });
    if (announced) this.deps.wake();
    return { status: 'reloaded', hash: good.hash, changed };
  }
}
