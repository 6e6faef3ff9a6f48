import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, inArray, isNull, lt, lte, notExists, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.js';
import { outbox, type OutboxRow } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { Foreground } from './foreground.js';
import { backoffMs, MAX_UNEXPECTED_ATTEMPTS, type Deliverer, type DeliveryOutcome } from './delivery-outcome.js';

export interface OutboxWorkerOptions {
  db: Db;
  deliver: Deliverer;
  logger: Logger;
  /** How many rows (of different ordering keys) are delivered at once. */
  batchSize?: number;
  /** How long a claimed row stays reserved for this process; a crashed process's rows return after it. */
  leaseMs?: number;
  /** A row still failing transiently after this long is given up and marked failed. */
  giveUpAfterMs?: number;
  /** Told of each row that failed for good, after it is marked (to tell the person whose change it was). */
  onFailed?: (row: OutboxRow, error: string) => Promise<void>;
  /** Requests people are waiting on; new deliveries wait (up to yieldMs) while any is being answered. */
  foreground?: Foreground;
  yieldMs?: number;
}

/**
 * Delivers outbox rows. Rows are claimed with FOR UPDATE SKIP LOCKED and a lease, only the oldest pending
 * row of each ordering key is eligible, so any number of replicas deliver each row once and in order.
 */
export class OutboxWorker {
  private readonly id = randomUUID();
  private readonly db: Db;
  private readonly deliver: Deliverer;
  private readonly logger: Logger;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly giveUpAfterMs: number;
  private readonly onFailed: OutboxWorkerOptions['onFailed'];
  private readonly foreground: Foreground | undefined;
  private readonly yieldMs: number;
  private readonly inFlight = new Set<number>();
  private draining: Promise<void> | undefined;
  private wakeAgain = false;
  /** Resolves the wait of a drain that has nothing to claim while deliveries run, so new work starts at once. */
  private wakeSignal: (() => void) | undefined;
  private stopped = false;

  constructor(options: OutboxWorkerOptions) {
    this.db = options.db;
    this.deliver = options.deliver;
    this.logger = options.logger;
    this.batchSize = options.batchSize ?? 32;
    this.leaseMs = options.leaseMs ?? 15_000;
    this.giveUpAfterMs = options.giveUpAfterMs ?? 24 * 3_600_000;
    this.onFailed = options.onFailed;
    this.foreground = options.foreground;
    this.yieldMs = options.yieldMs ?? 250;
  }

  /** Delivers whatever is due now; called after a commit that enqueued work and by the periodic sweep. */
  wake(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.wakeAgain = true;
      this.wakeSignal?.();
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.wakeAgain) {
        this.wakeAgain = false;
        this.wake();
      }
    });
  }

  /**
   * Extends the leases of rows this process is still delivering, so a lease can be short: a crashed
   * process's rows return to the others within one lease, while a slow delivery keeps its own.
   */
  async renewLeases(): Promise<void> {
    if (this.inFlight.size === 0) return;
    try {
      await this.db
        .update(outbox)
        .set({ lockedUntil: sql`now() + ${`${this.leaseMs} milliseconds`}::interval` })
        .where(and(inArray(outbox.id, [...this.inFlight]), eq(outbox.lockedBy, this.id), eq(outbox.status, 'pending')));
    } catch (err) {
      this.logger.warn({ err }, 'outbox: could not renew leases');
    }
  }

  /** Resolves when nothing is being delivered by this worker. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Stops claiming new rows and waits for the deliveries in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  /**
   * Keeps up to batchSize deliveries going, claiming more as each finishes: one slow call (a hung request
   * waiting for its timeout) holds up only its own ordering key, not every delivery behind it.
   */
  private async drain(): Promise<void> {
    const running = new Map<number, Promise<void>>();
    // A delivery that ends while a claim is in flight may have unblocked the next row of its key, which
    // that claim could not see yet: then claim again rather than stop.
    let finishedSinceClaim = false;
    while (!this.stopped) {
      const room = this.batchSize - running.size;
      let rows: OutboxRow[] = [];
      if (room > 0) {
        await this.foreground?.quiet(this.yieldMs);
        finishedSinceClaim = false;
        // This claim sees everything committed before it: earlier wakes are answered by it.
        this.wakeAgain = false;
        try {
          rows = await this.claim(room);
        } catch (err) {
          this.logger.warn({ err }, 'outbox: could not claim work; the next sweep tries again');
          break;
        }
      }
      for (const row of rows) {
        running.set(
          row.id,
          this.deliverOne(row).finally(() => {
            running.delete(row.id);
            finishedSinceClaim = true;
          }),
        );
      }
      if (running.size === 0 && rows.length === 0 && !finishedSinceClaim) return;
      if (rows.length === 0 && running.size > 0) {
        const woken = new Promise<void>((resolve) => (this.wakeSignal = resolve));
        await Promise.race([...running.values(), woken]);
        this.wakeSignal = undefined;
      } else if (running.size >= this.batchSize) await Promise.race(running.values());
    }
    await Promise.all(running.values());
  }

  /** Rows pending, due and not leased to anyone. */
  private dueAndFree() {
    return and(
      eq(outbox.status, 'pending'),
      lte(outbox.nextAttemptAt, sql`now()`),
      or(isNull(outbox.lockedUntil), lt(outbox.lockedUntil, sql`now()`)),
    );
  }

  /** Rows that may be delivered now: due, free, and the oldest pending row of their key. */
  private claimable() {
    const earlier = alias(outbox, 'earlier');
    return and(
      this.dueAndFree(),
      notExists(
        this.db
          .select({ one: sql`1` })
          .from(earlier)
          .where(and(eq(earlier.orderingKey, outbox.orderingKey), eq(earlier.status, 'pending'), lt(earlier.id, outbox.id))),
      ),
    );
  }

  private lease() {
    return { lockedUntil: sql`now() + ${`${this.leaseMs} milliseconds`}::interval`, lockedBy: this.id, claims: sql`${outbox.claims} + 1` };
  }

  /** One statement, no transaction: the rows are locked, skipped by other claimers, and leased at once. */
  private async claim(limit: number): Promise<OutboxRow[]> {
    const due = this.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(this.claimable())
      .orderBy(asc(outbox.id))
      .limit(limit)
      .for('update', { skipLocked: true });
    return this.db.update(outbox).set(this.lease()).where(inArray(outbox.id, due)).returning();
  }

  /**
   * Marks a delivered row done and, in the same statement, leases the next row of its ordering key if that
   * is due: an incident's deliveries follow one another without a separate claim each.
   */
  private async completeAndClaimNext(
    row: OutboxRow,
    attempts: number,
    result: Record<string, unknown> | null,
  ): Promise<OutboxRow | undefined> {
    const done = this.db.$with('done').as(
      this.db
        .update(outbox)
        .set({ status: 'done', attempts, result, doneAt: sql`now()`, lockedUntil: null, lastError: null })
        .where(and(eq(outbox.id, row.id), eq(outbox.lockedBy, this.id)))
        .returning({ orderingKey: outbox.orderingKey }),
    );
    // The row just done was its key's head, so the next pending row of the key is the new head.
    const following = this.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(
        and(sql`${outbox.orderingKey} = (select ${done.orderingKey} from ${done})`, eq(outbox.status, 'pending'), gt(outbox.id, row.id)),
      )
      .orderBy(asc(outbox.id))
      .limit(1);
    const [next] = await this.db
      .with(done)
      .update(outbox)
      .set(this.lease())
      .where(and(inArray(outbox.id, following), this.dueAndFree()))
      .returning();
    return next;
  }

  /** Delivers a row, then the rows of its key that follow it, as long as each is due when the last is done. */
  private async deliverOne(first: OutboxRow): Promise<void> {
    let row: OutboxRow | undefined = first;
    while (row) {
      if (row !== first) await this.foreground?.quiet(this.yieldMs);
      const current: OutboxRow = row;
      this.inFlight.add(current.id);
      try {
        row = await this.deliverAndRecord(current);
      } finally {
        this.inFlight.delete(current.id);
      }
    }
  }

  /** Returns the next row of the same key when it was leased along with recording this one as done. */
  private async deliverAndRecord(row: OutboxRow): Promise<OutboxRow | undefined> {
    let outcome: DeliveryOutcome;
    let unexpected = false;
    try {
      outcome = await this.deliver(row);
    } catch (err) {
      unexpected = true;
      this.logger.error({ err, outboxId: row.id, kind: row.kind }, 'outbox: delivery threw');
      outcome = { status: 'retry', error: err instanceof Error ? err.message : String(err) };
    }
    const attempts = row.attempts + 1;
    if (outcome.status === 'retry') {
      const tooOld = Date.now() - row.createdAt.getTime() > this.giveUpAfterMs;
      if (tooOld || (unexpected && attempts >= MAX_UNEXPECTED_ATTEMPTS)) {
        outcome = { status: 'failed', error: `gave up after ${attempts} attempts: ${outcome.error}` };
      }
    }
    const mine = and(eq(outbox.id, row.id), eq(outbox.lockedBy, this.id));
    try {
      switch (outcome.status) {
        case 'done':
          if (!this.stopped) return await this.completeAndClaimNext(row, attempts, outcome.result ?? null);
          await this.db
            .update(outbox)
            .set({ status: 'done', attempts, result: outcome.result ?? null, doneAt: sql`now()`, lockedUntil: null, lastError: null })
            .where(mine);
          break;
        case 'retry': {
          const delay = outcome.afterMs ?? backoffMs(attempts);
          this.logger.info({ outboxId: row.id, kind: row.kind, attempts, delay, error: outcome.error }, 'outbox: will retry');
          await this.db
            .update(outbox)
            .set({
              attempts,
              lastError: outcome.error,
              lockedUntil: null,
              nextAttemptAt: sql`now() + ${`${delay} milliseconds`}::interval`,
            })
            .where(mine);
          break;
        }
        case 'failed':
          this.logger.warn({ outboxId: row.id, kind: row.kind, error: outcome.error }, 'outbox: delivery failed for good');
          await this.db
            .update(outbox)
            .set({ status: 'failed', attempts, lastError: outcome.error, lockedUntil: null, doneAt: sql`now()` })
            .where(mine);
          await this.onFailed?.(row, outcome.error);
          break;
      }
    } catch (err) {
      // The lease runs out and the row is delivered again; delivery handlers tolerate that.
      this.logger.warn({ err, outboxId: row.id }, 'outbox: could not record the delivery outcome');
    }
    return undefined;
  }
}
