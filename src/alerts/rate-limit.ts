/**
 * Per-integration event budget per minute, counted in this process (a fixed window: simple, and enough to
 * keep a storm from flooding Slack). With several replicas behind a load balancer each has its own budget.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  /** Takes `n` events from the key's budget, or says how many seconds until the next window. */
  take(key: string, n: number, perMinute: number, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const start = now - (now % 60_000);
    let window = this.windows.get(key);
    if (!window || window.start !== start) {
      window = { start, used: 0 };
      this.windows.set(key, window);
    }
    if (window.used + n > perMinute) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((start + 60_000 - now) / 1000)) };
    window.used += n;
    return { ok: true };
  }
}
