import type { WebClient } from '@slack/web-api';
import { platformCode } from './errors.js';

const TTL_MS = 10 * 60_000;

/** Display names for text that cannot carry a mention (channel topics); cached briefly per process. */
export class UserNames {
  private readonly cache = new Map<string, { name: string; at: number }>();

  constructor(private readonly client: WebClient) {}

  /** Names for many users at once; those Slack cannot name now, for whatever reason, keep their id. */
  async namesOf(userIds: readonly string[]): Promise<Record<string, string>> {
    const entries = await Promise.all(userIds.map(async (id) => [id, (await this.nameOf(id).catch(() => undefined)) ?? id] as const));
    return Object.fromEntries(entries);
  }

  /**
   * The user's display name, or undefined when Slack says there is none to have (the caller falls back to
   * a mention). A transient failure (rate limit, outage) throws, so a delivery waits and tries again.
   */
  async nameOf(userId: string): Promise<string | undefined> {
    const hit = this.cache.get(userId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.name;
    try {
      const r = await this.client.users.info({ user: userId });
      const name = r.user?.profile?.display_name || r.user?.name || r.user?.real_name;
      if (!name) return undefined;
      this.cache.set(userId, { name, at: Date.now() });
      return name;
    } catch (err) {
      if (platformCode(err)) return undefined;
      throw err;
    }
  }
}
