// Pages by push through ntfy: the page as an urgent message on the person's topic, with the bearer token
// when one is set; ntfy's rate limit is retried, a refusal that will not change is recorded and said.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationAttempts } from '../../src/db/schema.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';
import { NtfyEmulator } from '../support/ntfy-emulator.js';

const ntfy = new NtfyEmulator({ token: 'tk_firewatch_pager', denied: ['bob-pager-locked'] });
beforeAll(() => ntfy.start());
afterAll(() => ntfy.stop());

const fw = useFirewatch({
  env: () => ({ NTFY_URL: ntfy.url, NTFY_TOKEN: 'tk_firewatch_pager' }),
  config: {
    people: [
      { user: 'U0ALICE', ntfy_topic: 'alice-pager-7f3k', rules: [{ after: '0m', via: ['slack', 'push'] }] },
      { user: 'U0BOB', ntfy_topic: 'bob-pager-locked', rules: [{ after: '0m', via: ['push'] }] },
    ],
  },
});

const attemptIn = (user: string, incidentId: number, state: string) =>
  until(
    async () =>
      (
        await fw.db
          .select()
          .from(notificationAttempts)
          .where(and(eq(notificationAttempts.userId, user), eq(notificationAttempts.incidentId, incidentId)))
      ).find((a) => a.state === state),
    `an attempt of ${user} ${state}`,
    15_000,
  );

async function page(user: string, title: string) {
  const { id, channel } = await fw.declare(title);
  await fw.run(`page <@${user}>`, { channel });
  return id;
}

describe('a page by push', () => {
  it('publishes an urgent message with the incident as its title to the person’s topic, with the token, and keeps its id', async () => {
    const id = await page('U0ALICE', 'Checkout down — 🔥 EU');
    const attempt = await attemptIn('U0ALICE', id, 'sent');
    const [message] = ntfy.messagesTo('alice-pager-7f3k').filter((m) => m.title?.includes(`INC-${id} `));
    expect(message).toMatchObject({
      priority: 5,
      tags: ['rotating_light'],
      title: `🚨 Paged: INC-${id} · SEV3 · Minor · Checkout down — 🔥 EU`,
    });
    expect(message!.message).toContain(`You are being paged for INC-${id}`);
    expect(attempt).toMatchObject({ method: 'push', providerId: message!.id, maskedAddress: 'ali…' });
  });

  it('acknowledges from the notification’s Acknowledge button, which posts the person’s link', async () => {
    const id = await page('U0ALICE', 'Replication lag');
    await attemptIn('U0ALICE', id, 'sent');
    const [message] = ntfy.messagesTo('alice-pager-7f3k').filter((m) => m.title?.includes(`INC-${id} `));
    const action = message!.actions?.find((a) => a.label === 'Acknowledge');
    expect(action).toMatchObject({ action: 'http', method: 'POST', clear: true });
    expect(message!.click).toBe(action!.url);
    const local = new URL(new URL(action!.url!).pathname, fw.app.url);
    expect((await fetch(local, { method: 'POST' })).status).toBe(200);
    // Attempts go out on their own, so the push may beat the Slack DM: the page and the receipt say it.
    expect((await fw.incident(id)).acknowledgedAt).not.toBeNull();
    await attemptIn('U0ALICE', id, 'acknowledged');
  });

  it('tries again when ntfy is rate-limiting, and publishes once', async () => {
    ntfy.failNext('ratelimit');
    const id = await page('U0ALICE', 'Search latency');
    await attemptIn('U0ALICE', id, 'sent');
    await fw.drained(id);
    expect(ntfy.messagesTo('alice-pager-7f3k').filter((m) => m.title?.includes(`INC-${id} `))).toHaveLength(1);
    expect(ntfy.requests.filter((r) => r.status === 429)).toHaveLength(1);
  });

  it('keeps the incident’s Slack deliveries going while a push waits to be retried', async () => {
    ntfy.failNext(...Array.from({ length: 8 }, () => 'error' as const));
    const { id, channel } = await fw.declare('Cache stampede');
    await fw.run('page <@U0ALICE>', { channel });
    await until(() => ntfy.requests.some((r) => r.status === 500), 'a refused push');
    await fw.run('update Warming the cache by hand', { channel });
    await fw.slack.waitFor(() => fw.slack.messagesIn(channel).find((m) => fw.slack.textOf(m).includes('Warming the cache by hand')));
    expect(ntfy.messagesTo('alice-pager-7f3k').filter((m) => m.title?.includes(`INC-${id} `))).toHaveLength(0);
    ntfy.heal();
  });

  it('records a topic the token may not write to as failed and tells the person in Slack', async () => {
    const id = await page('U0BOB', 'Queue backlog');
    const attempt = await attemptIn('U0BOB', id, 'failed');
    expect(attempt.error).toBe('ntfy 40301 forbidden');
    await fw.slack.waitFor(() => fw.dmsTo('U0BOB').find((m) => fw.slack.textOf(m).includes(`could not reach you by push`)));
  });
});
