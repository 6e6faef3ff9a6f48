// A real workspace is stricter than a friendly test one: the bot is not in the announcements channel, the
// app's Messages tab may be off, admins may forbid apps to create channels, a channel's pins run out, and
// a person's name cannot always be read. Each of these leaves the incident set up and people told why.
import { describe, expect, it } from 'vitest';
import { useFirewatch } from '../support/harness.js';

const fw = useFirewatch();

describe('the channel topic', () => {
  it('names no raw <@U…> mention when Slack cannot say the lead’s name', async () => {
    fw.slack.fault('users.info', { kind: 'error', error: 'user_not_found' });
    const { channel } = await fw.declare('Topic without a name', { user: 'U0NONAME' });
    const topic = fw.slack.channels.get(channel)?.topic ?? '';
    expect(topic).toBe('SEV3 · Investigating · Lead: see the summary');
    expect(topic).not.toMatch(/<@/);
  });
});
