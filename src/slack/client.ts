import { ErrorCode, WebClient, type WebAPICallResult, type WebClientOptions } from '@slack/web-api';
import { z } from 'zod';
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

const withScopes = z.object({ response_metadata: z.object({ scopes: z.array(z.string()) }) });

/** The scopes Slack says the token has (x-oauth-scopes), on an answer or on the data of a platform error. */
function grantedScopes(answer: unknown): readonly string[] | undefined {
  const data = answer instanceof Error && 'data' in answer ? answer.data : answer;
  const parsed = withScopes.safeParse(data);
  return parsed.success ? parsed.data.response_metadata.scopes : undefined;
}

/**
 * The one Web API client Firewatch uses, counting every call by method and outcome, and telling
 * `onScopes` the granted scopes each answer lists (the install self-check).
 */
export class CountingWebClient extends WebClient {
  constructor(
    token: string | undefined,
    options: WebClientOptions,
    private readonly metrics: Metrics,
    private readonly onScopes: (granted: readonly string[]) => void,
  ) {
    super(token, options);
  }

  override async apiCall(method: string, options?: Record<string, unknown>): Promise<WebAPICallResult> {
    try {
      const result = await super.apiCall(method, options);
      this.metrics.slackCalls.inc({ method, outcome: 'ok' });
      this.tellScopes(result);
      return result;
    } catch (err) {
      this.metrics.slackCalls.inc({ method, outcome: outcome(err) });
      this.tellScopes(err);
      throw err;
    }
  }

  private tellScopes(answer: unknown): void {
    const granted = grantedScopes(answer);
    if (granted) this.onScopes(granted);
  }
}
