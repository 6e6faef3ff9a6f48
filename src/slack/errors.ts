import { ErrorCode } from '@slack/web-api';
import type { DeliveryOutcome } from '../outbox/delivery-outcome.js';

/** Slack answers that mean the thing asked for is already so: a retry after a lost answer lands here. */
export const ALREADY_DONE = new Set(['already_in_channel', 'already_pinned', 'already_reacted', 'already_archived', 'not_archived']);

/** Platform errors Slack documents as temporary. */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited', 'team_added_to_org']);

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
        return TRANSIENT.has(code) ? { status: 'retry', error: code } : { status: 'failed', error: code };
      }
    }
  }
  throw err;
}
