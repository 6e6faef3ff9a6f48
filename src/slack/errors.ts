import { ErrorCode } from '@slack/web-api';
import type { DeliveryOutcome } from '../outbox/delivery-outcome.js';

/** Slack answers that mean the thing asked for is already so: a retry after a lost answer lands here. */
export const ALREADY_DONE = new Set(['already_in_channel', 'already_pinned', 'already_reacted', 'already_archived', 'not_archived']);

/** Platform errors Slack documents as temporary: tried again with the outbox's backoff. */
const TRANSIENT = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
  'update_failed',
]);

/**
 * How long to wait when Slack says "too fast" without saying how long: its limits are counted per minute,
 * so half a minute lets most of a window pass without idling the queue for a whole one.
 */
export const RATE_LIMIT_BACKOFF_MS = 30_000;
/** `message_limit_exceeded`: a free workspace's members are over its message allowance, which takes a while to clear. */
export const MESSAGE_LIMIT_BACKOFF_MS = 15 * 60_000;

/** Platform errors (HTTP 200, `ok: false`) that mean "too fast", with how long to wait before trying again. */
const SLOW_DOWN: Partial<Record<string, number>> = {
  ratelimited: RATE_LIMIT_BACKOFF_MS,
  rate_limited: RATE_LIMIT_BACKOFF_MS,
  message_limit_exceeded: MESSAGE_LIMIT_BACKOFF_MS,
};

/**
 * A 429 whose Retry-After is missing or not a number of seconds: @slack/web-api rejects it with a plain
 * Error (no `code`) saying so, whatever its retry and rate-limit options.
 */
export function isRateLimitWithoutRetryAfter(err: unknown): boolean {
  return err instanceof Error && !('code' in err) && err.message.startsWith('Retry header did not contain a valid timeout');
}

/** The Slack error code (`channel_not_found`, …) of a platform error, else undefined. */
export function platformCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && err.code === ErrorCode.PlatformError && 'data' in err) {
    const data = err.data as { error?: unknown };
    return typeof data.error === 'string' ? data.error : undefined;
  }
  return undefined;
}

/** How the outbox should treat a failed Web API call. */
export function outcomeOf(err: unknown): DeliveryOutcome {
  if (err && typeof err === 'object' && 'code' in err) {
    switch (err.code) {
      case ErrorCode.RateLimitedError: {
        const retryAfter = 'retryAfter' in err && typeof err.retryAfter === 'number' ? err.retryAfter : 1;
        return { status: 'retry', error: 'ratelimited', afterMs: Math.max(retryAfter, 1) * 1000 };
      }
      case ErrorCode.HTTPError: {
        const status = 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 0;
        const error = `HTTP ${status}`;
        return status >= 500 || status === 408 ? { status: 'retry', error } : { status: 'failed', error };
      }
      case ErrorCode.RequestError:
        return { status: 'retry', error: `request failed: ${err instanceof Error ? err.message : 'unknown'}` };
      case ErrorCode.PlatformError: {
        const code = platformCode(err) ?? 'unknown_error';
        if (ALREADY_DONE.has(code)) return { status: 'done', result: { already: code } };
        const wait = Object.hasOwn(SLOW_DOWN, code) ? SLOW_DOWN[code] : undefined;
        if (wait !== undefined) return { status: 'retry', error: code, afterMs: wait };
        return TRANSIENT.has(code) ? { status: 'retry', error: code } : { status: 'failed', error: code };
      }
    }
  }
  if (isRateLimitWithoutRetryAfter(err)) return { status: 'retry', error: 'ratelimited', afterMs: RATE_LIMIT_BACKOFF_MS };
  throw err;
}
