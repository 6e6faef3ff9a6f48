import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** The query interface shared by both drivers; domain code sees only this. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction, or the database itself where no transaction is needed. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

export const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

/** Any constant works as long as every replica uses the same one. */
const MIGRATION_LOCK = 7_170_001;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Applies the committed drizzle migrations; safe when several replicas start at once. */
  migrate(): Promise<void>;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Calls `onPayload` with each NOTIFY on `channel`, from any process, and `onListening` each time the
   * listener is (re)connected (notifications sent while it was away are lost: catch up then). Answers the
   * function that stops listening.
   */
  listen(channel: string, onPayload: (payload: string) => void, onListening: () => void): Promise<() => Promise<void>>;
}

export interface DatabaseOptions {
  url: string | undefined;
  dataDir: string;
  /** postgres.js pool size. */
  maxConnections?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options.maxConnections ?? 20) : openPglite(options.dataDir);
}

/**
 * The connection to the database dropped while a transaction was committing: it may or may not have
 * committed, and nobody can tell until the database answers again.
 */
export class CommitUnconfirmed extends Error {
  constructor(options: { cause: unknown }) {
    super('the database connection dropped while the transaction was committing', options);
  }
}

const errorField = (err: Error, name: 'code' | 'severity'): unknown => (err as unknown as Record<string, unknown>)[name];

/** Whether a query failed because its connection is gone: closed, reset, or ended by the server. */
function connectionLost(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (errorField(err, 'code') === 'CONNECTION_CLOSED' || neverRan(err) || 'syscall' in err) return true;
  // drizzle wraps the driver's error in a DrizzleQueryError.
  return connectionLost(err.cause);
}

/**
 * postgres.js rejects a query with a FATAL error only when the server never ran it: the connection was
 * refused at start-up, or it is the replay described at resilient().
 */
function neverRan(err: unknown): boolean {
  return err instanceof Error && ['FATAL', 'PANIC'].includes(String(errorField(err, 'severity')));
}

const onceMore = <T>(run: () => PromiseLike<T>): Promise<T> =>
  Promise.resolve(run()).catch((err: unknown) => (neverRan(err) ? run() : Promise.reject(err)));

/**
 * postgres.js (3.4.9) mishandles connections the server terminates (a restart, a failover,
 * pg_terminate_backend) in two ways:
 * - It answers a transaction body that failed because its connection dropped by writing ROLLBACK to the
 *   dropped connection, which throws from a setImmediate callback and kills the process
 *   (porsager/postgres#1154, #1208). The server has rolled the transaction back already and postgres.js
 *   rejects the transaction itself when the connection closes, so such a body is left unsettled: the
 *   ROLLBACK is never written.
 * - The server's "terminating connection" error stays on the connection object, and the first query the
 *   connection runs once it reconnected fails with it (as in porsager/postgres#1223). That query never
 *   ran, so it is sent once more.
 * A transaction whose connection dropped after its body finished fails with CommitUnconfirmed: unlike any
 * other failure, it may have committed.
 */
function resilient(client: postgres.Sql): postgres.Sql {
  const begin = (...args: unknown[]): Promise<unknown> => {
    const body = args.pop() as (tx: postgres.TransactionSql) => unknown;
    let committing = false;
    const guarded = async (tx: postgres.TransactionSql) => {
      try {
        const result = await body(tx);
        committing = true;
        return result;
      } catch (err) {
        if (connectionLost(err)) return new Promise(() => {});
        throw err;
      }
    };
    return onceMore(() => Reflect.apply(client.begin, client, [...args, guarded]) as Promise<unknown>).catch((err: unknown) => {
      throw committing && connectionLost(err) ? new CommitUnconfirmed({ cause: err }) : err;
    });
  };
  // drizzle awaits what unsafe() returns, or its values().
  const unsafe = (...args: Parameters<postgres.Sql['unsafe']>) => ({
    then: (...handlers: Parameters<Promise<unknown>['then']>) => onceMore(() => client.unsafe(...args)).then(...handlers),
    values: () => onceMore(() => client.unsafe(...args).values()),
  });
  const replaced: Partial<Record<string | symbol, unknown>> = { begin, unsafe };
  return new Proxy(client, { get: (target, key, receiver) => replaced[key] ?? Reflect.get(target, key, receiver) });
}

function openPostgres(url: string, max: number): Database {
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connect_timeout: 10,
    // The default grows with every failed connect, to 10-20 s after a few seconds of outage: queries would
    // then wait that long for a connection while the database is down (past Slack's 3 s for an answer), and
    // just as long after it is back.
    backoff: (retries: number) => Math.min(0.05 * retries, 1),
  });
  const db = drizzlePostgres(resilient(client), { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    async migrate() {
      // A one-connection client, so the advisory lock is held by the session that migrates.
      const single = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK})`;
        await migratePostgres(drizzlePostgres(single, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    async ping() {
      await client`select 1`;
    },
    async close() {
      await client.end({ timeout: 5 });
    },
    async listen(channel, onPayload, onListening) {
      const { unlisten } = await client.listen(channel, onPayload, onListening);
      return unlisten;
    },
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const pglite = drizzlePglite(client, { schema });
  return {
    db: pglite as unknown as Db,
    kind: 'pglite',
    async migrate() {
      await migratePglite(pglite, { migrationsFolder: MIGRATIONS_FOLDER });
    },
    async ping() {
      await pglite.execute(sql`select 1`);
    },
    async close() {
      if (!client.closed) await client.close();
    },
    async listen(channel, onPayload, onListening) {
      const unlisten = await client.listen(channel, onPayload);
      onListening();
      return async () => {
        if (!client.closed) await unlisten();
      };
    },
  };
}
