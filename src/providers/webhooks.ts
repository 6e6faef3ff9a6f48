// Delivers `webhook.deliver`: one signed POST of a stored body to its receiver, each attempt recorded on
// its webhook_deliveries row. 2xx is delivered; 4xx other than 408 and 429 is final; anything else retries.
import { eq, sql } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { webhookDeliveries, type WebhookDelivery, type WebhookDeliveryStatus } from '../db/schema.js';
import type { Deliverer, DeliveryOutcome } from '../outbox/delivery-outcome.js';
import { effectSchemas } from '../outbox/effects.js';
import { webhookSignature } from '../webhooks/signature.js';

/** Retries stop this long after the first attempt. */
export const WEBHOOK_RETRY_WINDOW_MS = 24 * 3_600_000;

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1_000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** What an HTTP answer means for the delivery. */
export function outcomeOfStatus(status: number): 'delivered' | 'final' | 'retry' {
  if (status >= 200 && status < 300) return 'delivered';
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return 'final';
  return 'retry';
}

interface Attempt {
  code: number | null;
  error: string | null;
  status: WebhookDeliveryStatus;
}

async function recordAttempt(db: Db, delivery: WebhookDelivery, at: Date, attempt: Attempt): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      status: attempt.status,
      lastStatusCode: attempt.code,
      lastError: attempt.error,
      firstAttemptAt: delivery.firstAttemptAt ?? at,
      lastAttemptAt: at,
    })
    .where(eq(webhookDeliveries.id, delivery.id));
}

export function createWebhookDeliverer(ctx: { db: Db; config: Config }): Deliverer {
  return async (row): Promise<DeliveryOutcome> => {
    const payload = effectSchemas['webhook.deliver'].safeParse(row.payload);
    if (!payload.success) return { status: 'failed', error: `bad payload: ${payload.error.message}` };
    const [delivery] = await ctx.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, payload.data.deliveryId));
    if (!delivery || delivery.status !== 'pending') return { status: 'done', result: { skipped: 'no longer pending' } };
    const at = new Date();
    const webhook = ctx.config.webhooks.find((w) => w.id === delivery.webhookId);
    if (!webhook) {
      const error = `webhook "${delivery.webhookId}" is no longer configured`;
      await recordAttempt(ctx.db, delivery, at, { code: null, error, status: 'failed' });
      return { status: 'failed', error };
    }
    const timestamp = Math.floor(at.getTime() / 1_000);
    let answer: Attempt & { afterMs?: number };
    try {
      const res = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Firewatch-Webhooks',
          'webhook-id': delivery.messageId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': webhookSignature(webhook.secret, delivery.messageId, timestamp, delivery.body),
        },
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(webhook.timeout_ms),
      });
      await res.body?.cancel();
      const meaning = outcomeOfStatus(res.status);
      answer = {
        code: res.status,
        error: meaning === 'delivered' ? null : `HTTP ${res.status}`,
        status: meaning === 'delivered' ? 'delivered' : meaning === 'final' ? 'failed' : 'pending',
        afterMs: retryAfterMs(res.headers.get('retry-after')),
      };
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : undefined;
      const error = timedOut ? `no answer within ${webhook.timeout_ms} ms` : (cause ?? (err instanceof Error ? err.message : String(err)));
      answer = { code: null, error, status: 'pending' };
    }
    const first = delivery.firstAttemptAt ?? at;
    if (answer.status === 'pending' && at.getTime() - first.getTime() >= WEBHOOK_RETRY_WINDOW_MS) answer.status = 'failed';
    await recordAttempt(ctx.db, delivery, at, answer);
    if (answer.status === 'delivered') return { status: 'done', result: { statusCode: answer.code } };
    if (answer.status === 'failed') return { status: 'failed', error: answer.error ?? 'failed' };
    return { status: 'retry', error: answer.error ?? 'retry', ...(answer.afterMs !== undefined ? { afterMs: answer.afterMs } : {}) };
  };
}
