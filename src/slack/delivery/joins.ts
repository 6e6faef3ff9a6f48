import type { WebClient } from '@slack/web-api';
import type { Config } from '../../config/load.js';
import type { Logger } from '../../logger.js';
import { platformCode } from '../errors.js';

/**
 * Channels Firewatch posts in but did not create (the announcements and digest channels, the schedules'
 * channels). A bot token
 * posts there with chat:write.public but reads history only as a member, and look-before-post needs the
 * history: so it joins once per process, and again when Slack says it is no longer in.
 */
export class ChannelJoins {
  private readonly tried = new Set<string>();

  constructor(
    private readonly client: WebClient,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  /** Whether a channel is one Firewatch must join to read back what it posts there. */
  isTarget(channel: string): boolean {
    return (
      channel === this.config.announcementsChannel ||
      channel === this.config.digest.channel ||
      this.config.schedules.some((s) => s.channel === channel)
    );
  }

  /**
   * Joins a target channel unless this process did already. A refusal is logged, not thrown: the post may
   * still go through, and fails with its own error if not. A transient failure throws, so the row retries.
   */
  async ensure(channel: string): Promise<void> {
    if (!this.isTarget(channel) || this.tried.has(channel)) return;
    try {
      await this.client.conversations.join({ channel });
    } catch (err) {
      const code = platformCode(err);
      if (!code) throw err;
      if (code === 'method_not_supported_for_channel_type')
        this.logger.warn(
          { channel },
          'this channel is private: Firewatch cannot join it by itself; invite the app there (/invite @Firewatch) so it can read back its posts and never post twice',
        );
      else this.logger.warn({ channel, error: code }, 'could not join this channel to read back Firewatch’s posts there');
    }
    this.tried.add(channel);
  }

  /** Slack answered not_in_channel (someone removed the app): join again before the next try. */
  async rejoin(channel: string): Promise<void> {
    this.tried.delete(channel);
    await this.ensure(channel);
  }
}
