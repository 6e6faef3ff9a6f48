import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, type OutboxRow } from '../../src/db/schema.js';
import { createLogger } from '../../src/logger.js';
import { Foreground } from '../../src/outbox/foreground.js';
import type { Deliverer } from '../../src/outbox/delivery-outcome.js';
import { OutboxWorker } from '../../src/outbox/worker.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let db: TestDatabase;
const logger = createLogger('silent');

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.destroy();
});

async function insertRows(orderingKeys: string[], perKey: number, tag: string): Promise<void> {
  const values = [];
  for (let i = 0; i < perKey; i++) {
    for (const key of orderingKeys) values.push({ orderingKey: `${tag}:${key}`, kind: 'test', payload: { key, i } });
  }
  await db.database.db.insert(outbox).values(values);
}

async function rowsTagged(tag: string): Promise<OutboxRow[]> {
  const all = await db.database.db.select().from(outbox).orderBy(outbox.id);
  return all.filter((r) => r.orderingKey.startsWith(`${tag}:`));
}

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the outbox worker', () => {
  it('delivers each row once and in order per ordering key, with two workers competing', async () => {
    await insertRows(['a', 'b', 'c', 'd', 'e'], 12, 'race');
    const delivered: Array<{ key: string; i: number; worker: number }> = [];
    const deliverer =
      (worker: number): Deliverer =>
      async (row) => {
        const payload = row.payload as { key: string; i: number };
        await new Promise((r) => setTimeout(r, Math.random() * 5));
        delivered.push({ ...payload, worker });
        return { status: 'done' };
      };
    const workers = [0, 1].map((n) => new OutboxWorker({ db: db.database.db, deliver: deliverer(n), logger, batchSize: 4 }));
    for (let round = 0; round < 5; round++) workers.forEach((w) => w.wake());
    await until(async () => (await rowsTagged('race')).every((r) => r.status === 'done'));
    await Promise.all(workers.map((w) => w.stop()));
    expect(delivered).toHaveLength(60);
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      expect(delivered.filter((d) => d.key === key).map((d) => d.i)).toEqual([...Array(12).keys()]);
    }
  });

  it('holds back later rows of a key while an earlier one waits to be retried', async () => {
    await insertRows(['x'], 3, 'hold');
    let failures = 1;
    const seen: number[] = [];
    const worker = new OutboxWorker({
      db: db.database.db,
      logger,
      deliver: async (row) => {
        const { i } = row.payload as { i: number };
        seen.push(i);
        if (i === 0 && failures-- > 0) return { status: 'retry', error: 'ratelimited', afterMs: 300 };
        return { status: 'done' };
      },
    });
    worker.wake();
    await worker.idle();
    expect(seen).toEqual([0]);
    const [first] = await rowsTagged('hold');
    expect(first).toMatchObject({ status: 'pending', attempts: 1, lastError: 'ratelimited' });
    await new Promise((r) => setTimeout(r, 350));
    worker.wake();
    await worker.idle();
    expect(seen).toEqual([0, 0, 1, 2]);
    await worker.stop();
  });

  it('goes straight on to the next row of a key when it is due, and leaves it when it is not', async () => {
    const notYet = new Date(Date.now() + 60 * 60_000);
    await db.database.db.insert(outbox).values([
      { orderingKey: 'chain:k', kind: 'test', payload: { i: 0 } },
      { orderingKey: 'chain:k', kind: 'test', payload: { i: 1 } },
      { orderingKey: 'chain:k', kind: 'test', payload: { i: 2 }, nextAttemptAt: notYet },
      { orderingKey: 'chain:k', kind: 'test', payload: { i: 3 } },
    ]);
    const seen: number[] = [];
    const worker = new OutboxWorker({
      db: db.database.db,
      logger,
      batchSize: 1,
      deliver: async (row) => {
        if (row.orderingKey === 'chain:k') seen.push((row.payload as { i: number }).i);
        return { status: 'done' };
      },
    });
    worker.wake();
    await worker.idle();
    await worker.stop();
    expect(seen).toEqual([0, 1]);
    const rows = await rowsTagged('chain');
    expect(rows.map((r) => [r.status, r.claims, r.lockedBy === null || r.lockedUntil === null])).toEqual([
      ['done', 1, true],
      ['done', 1, true],
      ['pending', 0, true],
      ['pending', 0, true],
    ]);
  });

  it('starts no delivery while a request someone waits on is being answered, then delivers', async () => {
    await insertRows(['f'], 2, 'fore');
    const foreground = new Foreground();
    const seen: number[] = [];
    const worker = new OutboxWorker({
      db: db.database.db,
      logger,
      foreground,
      yieldMs: 60_000,
      deliver: async (row) => {
        if (row.orderingKey.startsWith('fore:')) seen.push((row.payload as { i: number }).i);
        return { status: 'done' };
      },
    });
    const answered = foreground.begin();
    worker.wake();
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual([]);
    answered();
    await until(async () => (await rowsTagged('fore')).every((r) => r.status === 'done'));
    await worker.stop();
    expect(seen).toEqual([0, 1]);
  });

  it('starts new work for other keys at once while one delivery hangs', async () => {
    await insertRows(['slow'], 1, 'hung');
    let release: () => void = () => {};
    const hanging = new Promise<void>((resolve) => (release = resolve));
    const delivered: string[] = [];
    const worker = new OutboxWorker({
      db: db.database.db,
      logger,
      deliver: async (row) => {
        if (row.orderingKey === 'hung:slow') await hanging;
        if (row.orderingKey.startsWith('hung:')) delivered.push(row.orderingKey);
        return { status: 'done' };
      },
    });
    worker.wake();
    await until(async () => (await rowsTagged('hung')).some((r) => r.claims === 1));
    await insertRows(['quick'], 1, 'hung');
    worker.wake();
    await until(async () => delivered.includes('hung:quick'), 5_000);
    expect(delivered).toEqual(['hung:quick']);
    release();
    await worker.stop();
    expect(delivered).toEqual(['hung:quick', 'hung:slow']);
  });

  it('records a permanent failure with the error and moves on to the next row', async () => {
    await insertRows(['y'], 2, 'fail');
    const worker = new OutboxWorker({
      db: db.database.db,
      logger,
      deliver: async (row) =>
        (row.payload as { i: number }).i === 0 ? { status: 'failed', error: 'channel_not_found' } : { status: 'done' },
    });
    worker.wake();
    await worker.idle();
    const rows = await rowsTagged('fail');
    expect(rows.map((r) => [r.status, r.lastError])).toEqual([
      ['failed', 'channel_not_found'],
      ['done', null],
    ]);
    await worker.stop();
  });

  it('retries a delivery that throws and gives up after repeated unexpected errors', async () => {
    await insertRows(['z'], 1, 'throw');
    const worker = new OutboxWorker({
      db: db.database.db,
      logger,
      deliver: async () => {
        throw new Error('bug');
      },
    });
    const [row] = await rowsTagged('throw');
    for (let attempt = 1; attempt <= 8; attempt++) {
      await db.database.db
        .update(outbox)
        .set({ nextAttemptAt: new Date(0) })
        .where(eq(outbox.id, row!.id));
      worker.wake();
      await worker.idle();
    }
    const [after] = await rowsTagged('throw');
    expect(after).toMatchObject({ status: 'failed', attempts: 8 });
    expect(after?.lastError).toContain('gave up after 8 attempts: bug');
    await worker.stop();
  });

  it('finishes the deliveries in flight when stopped, and claims nothing after', async () => {
    await insertRows(['s'], 2, 'stop');
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const seen: number[] = [];
    const worker = new OutboxWorker({
      db: db.database.db,
      logger,
      deliver: async (row) => {
        seen.push((row.payload as { i: number }).i);
        await gate;
        return { status: 'done' };
      },
    });
    worker.wake();
    await until(async () => seen.length === 1);
    const stopped = worker.stop();
    release();
    await stopped;
    const rows = await rowsTagged('stop');
    expect(rows.map((r) => r.status)).toEqual(['done', 'pending']);
    expect(seen).toEqual([0]);
  });

  it('hands rows of a grouped kind to one call and records each outcome, done ones with their results', async () => {
    const tag = 'group';
    await db.database.db
      .insert(outbox)
      .values([
        ...[0, 1, 2, 3].map((i) => ({ orderingKey: `${tag}:${i}`, kind: 'grouped', payload: { i } })),
        { orderingKey: `${tag}:single`, kind: 'test', payload: { i: 9 } },
      ]);
    const calls: number[][] = [];
    const singles: string[] = [];
    const worker = new OutboxWorker({
      db: db.database.db,
      logger,
      deliver: async (row) => {
        singles.push(row.orderingKey);
        return { status: 'done' };
      },
      deliverMany: {
        kinds: ['grouped'],
        deliver: async (rows) => {
          calls.push(rows.map((r) => (r.payload as { i: number }).i));
          return rows.map((r) => {
            const i = (r.payload as { i: number }).i;
            if (i === 1) return { status: 'retry', error: 'busy', afterMs: 60_000 };
            if (i === 2) return { status: 'failed', error: 'refused' };
            return { status: 'done', result: { sent: i } };
          });
        },
      },
    });
    worker.wake();
    await worker.idle();
    await worker.stop();
    expect(calls).toEqual([[0, 1, 2, 3]]);
    expect(singles.filter((key) => key.startsWith(`${tag}:`))).toEqual([`${tag}:single`]);
    const rows = await rowsTagged(tag);
    expect(rows.map((r) => [r.orderingKey, r.status, r.attempts, r.result, r.lastError])).toEqual([
      [`${tag}:0`, 'done', 1, { sent: 0 }, null],
      [`${tag}:1`, 'pending', 1, null, 'busy'],
      [`${tag}:2`, 'failed', 1, null, 'refused'],
      [`${tag}:3`, 'done', 1, { sent: 3 }, null],
      [`${tag}:single`, 'done', 1, null, null],
    ]);
    expect(rows[1]!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 30_000);
    expect(rows.every((r) => r.lockedUntil === null)).toBe(true);
  });

  it('retries every row of a group whose call throws', async () => {
    const tag = 'groupthrow';
    await db.database.db.insert(outbox).values([0, 1].map((i) => ({ orderingKey: `${tag}:${i}`, kind: 'grouped-throws', payload: { i } })));
    const worker = new OutboxWorker({
      db: db.database.db,
      logger,
      deliver: async () => ({ status: 'done' }),
      deliverMany: {
        kinds: ['grouped-throws'],
        deliver: async () => {
          throw new Error('database went away');
        },
      },
    });
    worker.wake();
    await worker.idle();
    await worker.stop();
    const rows = await rowsTagged(tag);
    expect(rows.map((r) => [r.status, r.attempts, r.lastError])).toEqual([
      ['pending', 1, 'database went away'],
      ['pending', 1, 'database went away'],
    ]);
  });
});
