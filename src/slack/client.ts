import { ErrorCode, WebClient, type WebAPICallResult, type WebClientOptions } from '@slack/web-api';
import type { Metrics } from '../metrics.js';
import { isRateLimitWithoutRetryAfter, platformCode } from './errors.js';

function outcome(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err) {
    if (err.code === ErrorCode.RateLimitedError) return 'ratelimited';
    if (err.code === ErrorCode.HTTPError && 'statusCode' in err) return `http_${String(err.statusCode)}`;
    if (err.code === ErrorCode.RequestError) return 'request_error';
  }
  if (isRateLimitWithoutRetryAfter(err)) return 'ratelimited';
  return platformCode(err) ?? 'error';
}

/** The one Web API client Firewatch uses, counting every call by method and outcome. */
export class CountingWebClient extends WebClient {
  constructor(
    token: string | undefined,
    options: WebClientOptions,
    private readonly metrics: Metrics,
  ) {
    super(token, options);
  }

  override async apiCall(method: string, options?: Record<string, unknown>): Promise<WebAPICallResult> {
    try {
      const result = await super.apiCall(method, options);
      this.metrics.slackCalls.inc({ method, outcome: 'ok' });
      return result;
    } catch (err) {
      this.metrics.slackCalls.inc({ method, outcome: outcome(err) });
      throw err;
    }
  }
}
