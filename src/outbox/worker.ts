import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { OutboxRow } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { claimRows, completeAndClaimNext, completeRows, releaseRow, renewRows, type Lessee } from './claims.js';
import type { Foreground } from './foreground.js';
import { backoffMs, MAX_UNEXPECTED_ATTEMPTS, type BatchDeliverer, type Deliverer, type DeliveryOutcome } from './delivery-outcome.js';

export interface OutboxWorkerOptions {
  db: Db;
  deliver: Deliverer;
  /**
   * Kinds delivered a group at a time: the rows of such kinds claimed together go to one call, which can
   * read and write for all of them in a few statements. Their ordering keys must hold one row each.
   */
  deliverMany?: { kinds: readonly string[]; deliver: BatchDeliverer };
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
  private readonly deliverMany: OutboxWorkerOptions['deliverMany'];
  private readonly lessee: Lessee;
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
    this.deliverMany = options.deliverMany;
    this.logger = options.logger;
    this.batchSize = options.batchSize ?? 32;
    this.leaseMs = options.leaseMs ?? 15_000;
    this.giveUpAfterMs = options.giveUpAfterMs ?? 24 * 3_600_000;
    this.onFailed = options.onFailed;
    this.foreground = options.foreground;
    this.yieldMs = options.yieldMs ?? 250;
    this.lessee = { db: this.db, id: this.id, leaseMs: this.leaseMs };
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
      await renewRows(this.lessee, [...this.inFlight]);
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
          rows = await claimRows(this.lessee, room);
        } catch (err) {
          this.logger.warn({ err }, 'outbox: could not claim work; the next sweep tries again');
          break;
        }
      }
      const grouped = rows.filter((row) => this.deliverMany?.kinds.includes(row.kind));
      if (grouped.length > 0) {
        const group = this.deliverGroup(grouped).finally(() => {
          for (const row of grouped) running.delete(row.id);
          finishedSinceClaim = true;
        });
        for (const row of grouped) running.set(row.id, group);
      }
      for (const row of rows.filter((r) => !grouped.includes(r))) {
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
    try {
      return await this.record(row, await this.deliver(row), false);
    } catch (err) {
      return this.record(row, this.unexpected(row, err), true);
    }
  }

  /** Rows of one kind delivered in one call; those done are recorded in one statement. */
  private async deliverGroup(rows: OutboxRow[]): Promise<void> {
    for (const row of rows) this.inFlight.add(row.id);
    try {
      let outcomes: DeliveryOutcome[];
      let unexpected = false;
      try {
        outcomes = await this.deliverMany!.deliver(rows);
        if (outcomes.length !== rows.length) throw new Error(`a group of ${rows.length} rows got ${outcomes.length} outcomes`);
      } catch (err) {
        unexpected = true;
        outcomes = rows.map((row) => this.unexpected(row, err));
      }
      const done = rows.flatMap((row, i) => {
        const outcome = outcomes[i]!;
        return outcome.status === 'done' ? [{ row, result: outcome.result }] : [];
      });
      try {
        await completeRows(this.lessee, done);
      } catch (err) {
        this.logger.warn({ err, outboxIds: done.map((d) => d.row.id) }, 'outbox: could not record the delivery outcome');
      }
      for (const [i, row] of rows.entries()) if (outcomes[i]!.status !== 'done') await this.record(row, outcomes[i]!, unexpected);
    } finally {
      for (const row of rows) this.inFlight.delete(row.id);
    }
  }

  private unexpected(row: OutboxRow, err: unknown): DeliveryOutcome {
    this.logger.error({ err, outboxId: row.id, kind: row.kind }, 'outbox: delivery threw');
    return { status: 'retry', error: err instanceof Error ? err.message : String(err) };
  }

  /** Records a row's outcome; a row done leases the next of its key, which is returned. */
  private async record(row: OutboxRow, delivered: DeliveryOutcome, unexpected: boolean): Promise<OutboxRow | undefined> {
    let outcome = delivered;
    const attempts = row.attempts + 1;
    if (outcome.status === 'retry') {
      const tooOld = Date.now() - row.createdAt.getTime() > this.giveUpAfterMs;
      if (tooOld || (unexpected && attempts >= MAX_UNEXPECTED_ATTEMPTS)) {
        outcome = { status: 'failed', error: `gave up after ${attempts} attempts: ${outcome.error}` };
      }
    }
    try {
      switch (outcome.status) {
        case 'done':
          if (!this.stopped) return await completeAndClaimNext(this.lessee, row, attempts, outcome.result ?? null);
          await completeRows(this.lessee, [{ row, result: outcome.result }]);
          break;
        case 'retry': {
          const delay = outcome.afterMs ?? backoffMs(attempts);
          this.logger.info({ outboxId: row.id, kind: row.kind, attempts, delay, error: outcome.error }, 'outbox: will retry');
          await releaseRow(this.lessee, row, { attempts, error: outcome.error, retryAfterMs: delay });
          break;
        }
        case 'failed':
          this.logger.warn({ outboxId: row.id, kind: row.kind, error: outcome.error }, 'outbox: delivery failed for good');
          await releaseRow(this.lessee, row, { attempts, error: outcome.error, failed: true });
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
