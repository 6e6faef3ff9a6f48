import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';

export interface TestDatabase {
  database: Database;
  /** The database URL (Postgres) or data directory (PGlite), for a second process to open. */
  url: string | undefined;
  dataDir: string;
  /** Closes and deletes the database. */
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated database of its own for one test file: a clone of the template on Postgres when
 * DATABASE_URL is set, else a copy of the template PGlite directory.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL;
  if (base) {
    const name = `fw_test_${randomBytes(6).toString('hex')}`;
    const adminUrl = new URL(base);
    adminUrl.pathname = '/postgres';
    const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`);
        break;
      } catch (err) {
        // Two files cloning the template at the same instant collide; a moment later works.
        if (attempt >= 10) throw err;
        await new Promise((r) => setTimeout(r, 200 + Math.random() * 300));
      }
    }
    const url = new URL(base);
    url.pathname = `/${name}`;
    const database = await openDatabase({ url: url.toString(), dataDir: '' });
    return {
      database,
      url: url.toString(),
      dataDir: '',
      async destroy() {
        await database.close();
        await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'firewatch-test-'));
  cpSync(inject('pgliteTemplate'), dataDir, { recursive: true });
  const database = await openDatabase({ url: undefined, dataDir });
  return {
    database,
    url: undefined,
    dataDir,
    async destroy() {
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
