import type { WebClient } from '@slack/web-api';

export interface BotIdentity {
  userId: string;
  botId: string;
  teamId: string;
}

/**
 * Who the bot is, from auth.test. Only a successful answer is remembered, so a Slack outage at start-up
 * does not poison every later request (Bolt's own cache keeps a failed promise).
 */
export class BotIdentityCache {
  private known: BotIdentity | undefined;
  private pending: Promise<BotIdentity> | undefined;

  constructor(private readonly client: WebClient) {}

  /**
   * The identity if already known; otherwise undefined at once, asking Slack in the background. For the
   * request path, which must ack within 3 s even while Slack's Web API is slow or down.
   */
  peek(): BotIdentity | undefined {
    if (!this.known) this.get().catch(() => {});
    return this.known;
  }

  get(): Promise<BotIdentity> {
    if (this.known) return Promise.resolve(this.known);
    this.pending ??= this.client.auth
      .test()
      .then((r) => {
        if (!r.user_id || !r.bot_id || !r.team_id) throw new Error('auth.test answered without user_id, bot_id or team_id');
        this.known = { userId: r.user_id, botId: r.bot_id, teamId: r.team_id };
        return this.known;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}
