// How POST /slack/events answers requests that are Slack's own and not interactions: the ssl_check probe, the
// app_rate_limited notice, content types with parameters, and reactions on files.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { slackEvents } from '../../src/db/schema.js';
import { useFirewatch } from '../support/harness.js';
import { eventShapes, eventTs, eventually, humanMessage, sendEvent } from '../support/events.js';
import { ackText, incidentNumberIn, postSigned, slashCommand, TEAM_ID } from '../support/slack-requests.js';

const fw = useFirewatch();
const FORM = 'application/x-www-form-urlencoded';

async function metric(name: string): Promise<number | undefined> {
  const text = await (await fetch(`${fw.app.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

async function seen(eventId: string): Promise<boolean> {
  return (await fw.db.select().from(slackEvents).where(eq(slackEvents.eventId, eventId))).length > 0;
}

describe('requests Slack makes of the request URL', () => {
  it('answers ssl_check=1 with 200 and an empty body, though Slack does not sign it, and does nothing with a payload smuggled beside it', async () => {
    const before = fw.slack.calls.length;
    const res = await fetch(`${fw.app.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: new URLSearchParams({
        ssl_check: '1',
        token: 'deprecated',
        command: '/incident',
        text: 'declare sev1 Smuggled',
        user_id: 'U0ALICE',
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    // Smuggled fields are not a command: nothing reaches Slack.
    await new Promise((r) => setTimeout(r, 300));
    expect(fw.slack.calls.slice(before).filter((c) => c.method === 'conversations.create')).toEqual([]);
  });

  it('answers app_rate_limited at once with 200 and counts it in firewatch_slack_app_rate_limited_total', async () => {
    const before = (await metric('firewatch_slack_app_rate_limited_total')) ?? 0;
    const body = JSON.stringify({
      token: 'deprecated-verification-token',
      type: 'app_rate_limited',
      team_id: TEAM_ID,
      minute_rate_limited: Math.floor(Date.now() / 60_000) * 60,
      api_app_id: 'A0FIREWATCH',
    });
    const res = await postSigned(fw.app.url, body, 'application/json');
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(1_000);
    expect(await metric('firewatch_slack_app_rate_limited_total')).toBe(before + 1);
  });

  it('takes a slash command sent as application/x-www-form-urlencoded; charset=utf-8', async () => {
    const res = await slashCommand(fw.app.url, fw.slack, 'declare sev3 Charset in the content type', {
      contentType: `${FORM}; charset=utf-8`,
    });
    expect(res.status).toBe(200);
    const id = incidentNumberIn(ackText(res));
    await fw.drained(id);
    expect(fw.slack.channelByName(`inc-${id}-charset-in-the-content-type`)).toBeDefined();
  });

  it('takes an event sent as application/json; charset=utf-8: a 📌 on a message reaches the timeline', async () => {
    const { id, channel } = await fw.declare('Charset on an event');
    const message = humanMessage(fw.slack, channel, 'Failover done', { user: 'U0BOB' });
    const sent = await sendEvent(fw.app.url, eventShapes.reactionAdded({ user: 'U0CAROL', channel, ts: message.ts }), {
      botUserId: fw.slack.botUserId,
      contentType: 'application/json; charset=utf-8',
    });
    expect(sent.status).toBe(200);
    await eventually(() => seen(sent.eventId), `event ${sent.eventId} to be handled`);
    await eventually(async () => (await fw.events(id, 'message_pinned')).length === 1, 'the pin on the timeline');
  });

  it('answers a reaction on a file (no item.channel) with 200 and records nothing', async () => {
    const { id } = await fw.declare('Reaction on a file');
    const before = await fw.events(id);
    for (const type of ['reaction_added', 'reaction_removed']) {
      const sent = await sendEvent(
        fw.app.url,
        { type, user: 'U0CAROL', reaction: 'pushpin', item_user: 'U0BOB', item: { type: 'file', file: 'F0FILE' }, event_ts: eventTs() },
        { botUserId: fw.slack.botUserId },
      );
      expect(sent.status, type).toBe(200);
    }
    expect(await fw.events(id)).toEqual(before);
  });
});
