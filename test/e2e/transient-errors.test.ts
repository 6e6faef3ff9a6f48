// Slack answers that mean "not now" rather than "never": the outbox tries again, after as long as each asks
// for, and the side effect is delivered once.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outbox, type OutboxRow } from '../../src/db/schema.js';
const RATE_LIMIT_BACKOFF_MS = 30_000;
const MESSAGE_LIMIT_BACKOFF_MS = 900_000;
import { useFirewatch } from '../support/harness.js';
import { eventually } from '../support/events.js';
import type { Fault } from '../support/slack-emulator/index.js';

const fw = useFirewatch({ captureLogs: true, healSlackAfterEach: true });

/** The incident's row whose last attempt failed with `error`, once there is one. */
function rowThatMet(incidentId: number, error: string): Promise<OutboxRow> {
  return eventually(async () => {
    const rows = await fw.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.incidentId, incidentId), eq(outbox.lastError, error)));
    return rows[0];
  }, `an outbox row of INC-${incidentId} that met ${error}`);
}

/** Expects the row to wait about `ms` (the worker adds no jitter to a wait Slack asked for), then has it tried now. */
async function expectWaitThenRetry(row: OutboxRow, ms: number): Promise<void> {
  expect(row.status).toBe('pending');
  expect(row.attempts).toBe(1);
  const wait = row.nextAttemptAt.getTime() - Date.now();
  expect(wait).toBeGreaterThan(ms - 5_000);
  expect(wait).toBeLessThanOrEqual(ms);
  await fw.db.update(outbox).set({ nextAttemptAt: new Date() }).where(eq(outbox.id, row.id));
  fw.app.services.outbox.wake();
}

/** The first channel post (the summary) meets `fault`; it waits `ms`, then is posted once. */
async function summaryPostMeets(fault: Fault, error: string, ms: number): Promise<void> {
  fw.slack.fault('chat.postMessage', fault);
  const { id } = await fw.startDeclare(`declare sev3 Summary post meets ${error} ${fault.kind}`);
  const row = await rowThatMet(id, error);
  await expectWaitThenRetry(row, ms);
  await fw.drained(id);
  const incident = await fw.incident(id);
  const summaries = fw.slack
    .messagesIn(incident.channelId!)
    .filter((m) => (m.metadata as { event_type?: string } | undefined)?.event_type === 'firewatch_incident_summary');
  expect(summaries.map((m) => m.ts)).toEqual([incident.summaryTs]);
  const [done] = await fw.db.select().from(outbox).where(eq(outbox.id, row.id));
  expect(done).toMatchObject({ status: 'done', attempts: 2 });
  const threw = fw.logs.filter((l) => l.msg === 'outbox: delivery threw');
  expect(threw).toEqual([]);
}

describe('Slack saying "too fast" or "not now"', () => {
  it('retries rate_limited (HTTP 200, ok: false) after the rate-limit backoff and posts once', async () => {
    await summaryPostMeets({ kind: 'error', error: 'rate_limited' }, 'rate_limited', RATE_LIMIT_BACKOFF_MS);
  });

  it('retries message_limit_exceeded after the long backoff and posts once', async () => {
    await summaryPostMeets({ kind: 'error', error: 'message_limit_exceeded' }, 'message_limit_exceeded', MESSAGE_LIMIT_BACKOFF_MS);
  });

  it('retries an HTTP 429 without a Retry-After after the rate-limit backoff, as a rate limit rather than an unexpected error', async () => {
    await summaryPostMeets({ kind: 'ratelimit', retryAfter: null }, 'ratelimited', RATE_LIMIT_BACKOFF_MS);
  });

  it('retries an HTTP 429 whose Retry-After is a date, not seconds, after the rate-limit backoff', async () => {
    await summaryPostMeets({ kind: 'ratelimit', retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT' }, 'ratelimited', RATE_LIMIT_BACKOFF_MS);
  });

  it('retries update_failed on a summary update with the usual backoff, and the summary shows the change', async () => {
    const { id, channel, incident } = await fw.declare('Summary update meets update_failed');
    fw.slack.fault('chat.update', { kind: 'error', error: 'update_failed' });
    await fw.run('status identified', { channel });
    const row = await rowThatMet(id, 'update_failed');
    expect(row.status).toBe('pending');
    await fw.drained(id);
    const [done] = await fw.db.select().from(outbox).where(eq(outbox.id, row.id));
    expect(done?.status).toBe('done');
    const summary = fw.slack.messagesIn(channel).find((m) => m.ts === incident.summaryTs);
    expect(fw.slack.textOf(summary!)).toContain('Identified');
  });
});
