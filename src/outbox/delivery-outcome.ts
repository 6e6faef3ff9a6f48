import type { OutboxRow } from '../db/schema.js';

/** What a deliverer says of one row: the worker turns it into done, a retry with backoff, or failed. */
export type DeliveryOutcome =
  | { status: 'done'; result?: Record<string, unknown> }
  /** Try again later: after `afterMs` when the other side said how long (Retry-After), else with backoff. */
  | { status: 'retry'; error: string; afterMs?: number }
  | { status: 'failed'; error: string };

export type Deliverer = (row: OutboxRow) => Promise<DeliveryOutcome>;

/** Delivers rows together; one outcome per row, in the rows' order. */
export type BatchDeliverer = (rows: OutboxRow[]) => Promise<DeliveryOutcome[]>;

/** A group deliverer used for one row at a time. */
export const oneAtATime =
  (deliver: BatchDeliverer): Deliverer =>
  async (row) =>
    (await deliver([row]))[0]!;

const MAX_BACKOFF_MS = 5 * 60_000;
/** Unexpected exceptions are bugs, not Slack weather: stop retrying them sooner. */
export const MAX_UNEXPECTED_ATTEMPTS = 8;

/**
 * Whether an earlier delivery of this row may already have reached Slack: it failed and is retried, or a
 * process claimed it and died before saying how it went. Handlers that post look first, then.
 */
export function mayHaveRun(row: Pick<OutboxRow, 'attempts' | 'claims'>): boolean {
  return row.attempts > 0 || row.claims > 1;
}

export function backoffMs(attempts: number): number {
  const base = Math.min(1_000 * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);
  return Math.round(base * (1 + Math.random() * 0.2));
}
