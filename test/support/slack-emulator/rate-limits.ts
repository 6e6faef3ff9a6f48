// Slack's Web API rate limits, as optional token buckets: per method per workspace by tier, and chat.postMessage
// per channel. Off unless the emulator is started with `rateLimits: true`; a refused call gets what Slack sends,
// HTTP 429 with Retry-After (whole seconds) and `{ ok: false, error: 'ratelimited' }`.

/**
 * Calls a minute per method and workspace, by tier (docs.slack.dev/apis/web-api/rate-limits). Slack publishes
 * the rates and says short bursts above them are allowed, not how long: a bucket here holds about ten seconds
 * of calls (at least one).
 */
const TIERS = {
  1: { perMinute: 1, burst: 1 },
  2: { perMinute: 20, burst: 3 },
  3: { perMinute: 50, burst: 8 },
  4: { perMinute: 100, burst: 16 },
} as const;
type Tier = keyof typeof TIERS;

/** chat.postMessage ("special"): about one message a second per channel, with short bursts. */
const POST_MESSAGE = { perMinute: 60, burst: 3 };

/**
 * Each emulated method's tier, from Slack's method reference (`rate_limits` in slack-ruby/slack-api-ref's
 * docs.slack.dev/methods/*.json). Methods of Slack's special tier other than chat.postMessage (auth.test,
 * chat.getPermalink) and those not listed (files.info) are not limited here.
 */
export const METHOD_TIERS: Readonly<Record<string, Tier>> = {
  'apps.connections.open': 3,
  'bookmarks.add': 2,
  'bookmarks.list': 3,
  'canvases.create': 2,
  'canvases.edit': 3,
  'chat.delete': 3,
  'chat.postEphemeral': 4,
  'chat.update': 3,
  'conversations.archive': 2,
  'conversations.create': 2,
  'conversations.history': 3,
  'conversations.info': 3,
  'conversations.invite': 3,
  'conversations.join': 3,
  'conversations.leave': 3,
  'conversations.list': 2,
  'conversations.members': 4,
  'conversations.open': 3,
  'conversations.rename': 2,
  'conversations.replies': 3,
  'conversations.setPurpose': 2,
  'conversations.setTopic': 2,
  'conversations.unarchive': 2,
  'files.completeUploadExternal': 4,
  'files.getUploadURLExternal': 4,
  'pins.add': 2,
  'pins.list': 2,
  'pins.remove': 2,
  'reactions.add': 3,
  'reactions.remove': 2,
  'team.info': 3,
  'usergroups.list': 2,
  'usergroups.users.list': 2,
  'usergroups.users.update': 2,
  'users.info': 4,
  'users.list': 2,
  'users.lookupByEmail': 3,
  'views.open': 4,
  'views.publish': 4,
  'views.push': 4,
  'views.update': 4,
};

class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  /** Spends a token and answers 0, or answers how many ms until there is one (spending nothing). */
  take(now: number): number {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - this.tokens) / this.perMs);
  }
}

export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  /** 0 when the call may go ahead (it is counted), else the whole seconds to put in Retry-After. */
  retryAfter(method: string, args: Record<string, unknown>, now = performance.now()): number {
    const limit =
      method === 'chat.postMessage' ? POST_MESSAGE : Object.hasOwn(METHOD_TIERS, method) ? TIERS[METHOD_TIERS[method]!] : undefined;
    if (!limit) return 0;
    const key = method === 'chat.postMessage' ? `${method} ${String(args.channel)}` : method;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(limit.burst, limit.perMinute / 60_000, now);
      this.buckets.set(key, bucket);
    }
    const waitMs = bucket.take(now);
    return waitMs === 0 ? 0 : Math.max(1, Math.ceil(waitMs / 1000));
  }
}
