import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { incidents, timelineEvents } from '../../src/db/schema.js';
import type { Db } from '../../src/db/client.js';
import { Declarer } from '../../src/workflow/declare.js';
import { ANNOUNCE, GENERAL } from '../support/app.js';
import { useFirewatch } from '../support/harness.js';
import { settledOutbox, DECLARED_ROWS_DONE } from '../support/outbox.js';
import type { EmuMessage } from '../support/slack-emulator/index.js';
import { ackText, incidentNumberIn, postSigned, SIGNING_SECRET, slashCommand, submitView } from '../support/slack-requests.js';

const fw = useFirewatch();
async function nextIncidentNumber(): Promise<number> {
  const [row] = await fw.db.select({ max: sql<number | null>`max(${incidents.id})` }).from(incidents);
  return Number(row?.max ?? 0) + 1;
}

function summaryIn(channel: string): EmuMessage {
  const summary = fw.slack.messagesIn(channel).find((m) => /INC-\d+/.test(fw.slack.textOf(m)));
  if (!summary) throw new Error(`no summary in ${channel}`);
  return summary;
}

describe('declaring an incident with /incident declare', () => {
  it('acks at once, then creates, fills, pins and announces the incident channel', async () => {
    const { ack, id, rows, incident } = await fw.declareCommand('declare sev2 Payments API returning 500s');
    expect(ackText(ack)).toContain(`INC-${id}`);
    expect(rows.map((r) => [r.kind, r.status])).toEqual(DECLARED_ROWS_DONE);

    const channel = fw.slack.channels.get(incident.channelId ?? '');
    expect(channel?.name).toBe(`inc-${id}-payments-api-returning-500s`);
    expect(channel?.is_private).toBe(false);
    expect(channel?.members.has('U0ALICE')).toBe(true);
    expect(channel?.topic).toBe('SEV2 · Investigating · Lead: @alice');

    const summary = summaryIn(channel!.id);
    const text = fw.slack.textOf(summary);
    for (const part of [`INC-${id}`, 'Payments API returning 500s', 'SEV2', 'Investigating', '<@U0ALICE>', '<!date^'])
      expect(text).toContain(part);
    expect(incident.summaryTs).toBe(summary.ts);
    expect(
      fw.slack
        .channel(channel!.id)
        .pins()
        .map((m) => m.ts),
    ).toContain(summary.ts);
    const buttons = JSON.stringify(summary.blocks);
    expect(buttons).toContain('Post update');
    expect(buttons).toContain('Resolve');

    const announcement = fw.slack.messagesIn(ANNOUNCE).find((m) => fw.slack.textOf(m).includes(`INC-${id}`));
    expect(announcement && fw.slack.textOf(announcement)).toContain(`<#${channel!.id}>`);
    expect(incident.announcementTs).toBe(announcement?.ts);

    const reply = fw.slack.responses.find((r) => JSON.stringify(r.body).includes(`INC-${id}`));
    expect(reply?.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(reply?.body)).toContain(`<#${channel!.id}>`);
    expect(JSON.stringify(reply?.body)).toContain("You're the lead");

    expect(incident).toMatchObject({
      status: 'investigating',
      severity: 'sev2',
      leadId: 'U0ALICE',
      declaredBy: 'U0ALICE',
      isPrivate: false,
    });
    const events = await fw.db.select().from(timelineEvents).where(eq(timelineEvents.incidentId, id));
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'declared',
        actor: 'U0ALICE',
        data: expect.objectContaining({ title: 'Payments API returning 500s', severity: 'sev2' }),
      }),
    ]);
  });

  it('gives an incident declared without a severity the least severe one', async () => {
    const { incident } = await fw.declareCommand('declare Search results slow');
    expect(incident.severity).toBe('sev4');
    expect(fw.slack.channels.get(incident.channelId!)?.topic).toMatch(/^SEV4 · Investigating/);
  });

  it('refuses an unknown severity, says which exist, and records nothing', async () => {
    const before = await nextIncidentNumber();
    const r = await slashCommand(fw.app.url, fw.slack, 'declare sev9 Something');
    expect(r.status).toBe(200);
    expect(ackText(r)).toContain('Unknown severity "sev9". Choose one of: sev1, sev2, sev3, sev4.');
    expect(await nextIncidentNumber()).toBe(before);
  });

  it('refuses a title over 200 characters', async () => {
    const r = await slashCommand(fw.app.url, fw.slack, `declare sev3 ${'x'.repeat(201)}`);
    expect(ackText(r)).toContain('keep it to 200 or fewer');
  });

  it('names the channel from a 60-character title with emoji and punctuation', async () => {
    const title = '🔥 Checkout: 50% of EU carts "stuck" — retries failing (again!)';
    expect([...title].length).toBeLessThanOrEqual(62);
    const { id, incident } = await fw.declareCommand(`declare sev1 ${title}`);
    expect(incident.title).toBe(title);
    expect(fw.slack.channels.get(incident.channelId!)?.name).toBe(`inc-${id}-checkout-50-of-eu-carts-stuck-retries-failing-again`);
    expect(fw.slack.textOf(summaryIn(incident.channelId!))).toContain('Checkout: 50% of EU carts');
  });

  it('adds a suffix when the channel name is taken by someone else', async () => {
    const n = await nextIncidentNumber();
    fw.slack.addChannel({ name: `inc-${n}-cache-stampede`, creator: 'U0SOMEONE', created: Math.floor(Date.now() / 1000) - 86_400 });
    fw.slack.addChannel({ name: `inc-${n}-cache-stampede-2`, creator: 'U0SOMEONE', created: Math.floor(Date.now() / 1000) - 86_400 });
    const { id, incident } = await fw.declareCommand('declare sev3 Cache stampede');
    expect(id).toBe(n);
    expect(incident.channelName).toBe(`inc-${n}-cache-stampede-3`);
    expect(fw.slack.channels.get(incident.channelId!)?.name).toBe(`inc-${n}-cache-stampede-3`);
  });

  it('goes straight to the next suffix on a first attempt, without listing the workspace’s channels', async () => {
    const n = await nextIncidentNumber();
    fw.slack.addChannel({ name: `inc-${n}-disk-full`, creator: 'U0SOMEONE', created: Math.floor(Date.now() / 1000) - 86_400 });
    const since = fw.slack.calls.length;
    const { incident } = await fw.declareCommand('declare sev3 Disk full');
    expect(incident.channelName).toBe(`inc-${n}-disk-full-2`);
    const calls = fw.slack.calls.slice(since);
    expect(calls.filter((c) => c.method === 'conversations.create').map((c) => [c.args.name, c.error])).toEqual([
      [`inc-${n}-disk-full`, 'name_taken'],
      [`inc-${n}-disk-full-2`, undefined],
    ]);
    expect(calls.filter((c) => c.method === 'conversations.list')).toEqual([]);
  });

  it('adopts the channel it created itself when Slack answers name_taken on a retry', async () => {
    const n = await nextIncidentNumber();
    // As if an earlier attempt created the channel and Slack's answer was lost: a 500 after the work was done.
    fw.slack.fault('conversations.create', { kind: 'http', status: 500 });
    const own = fw.slack.addChannel({
      name: `inc-${n}-queue-backlog`,
      creator: fw.slack.botUserId,
      created: Math.floor(Date.now() / 1000),
      members: new Set([fw.slack.botUserId]),
    });
    const { incident } = await fw.declareCommand('declare sev3 Queue backlog');
    expect(incident.channelId).toBe(own.id);
    expect([...fw.slack.channels.values()].filter((c) => c.name.startsWith(`inc-${n}-`))).toHaveLength(1);
    expect(summaryIn(own.id).ts).toBe(incident.summaryTs);
  });

  it('still sets everything up after a 429 on conversations.create, waiting as Retry-After says', async () => {
    fw.slack.fault('conversations.create', { kind: 'ratelimit', retryAfter: 1 });
    const { incident, rows } = await fw.declareCommand('declare sev2 Rate limited declare');
    const creates = fw.slack.callsOf('conversations.create').filter((c) => String(c.args.name).includes('rate-limited-declare'));
    expect(creates.map((c) => c.status)).toEqual([429, 200]);
    expect(creates[1]!.at - creates[0]!.at).toBeGreaterThanOrEqual(950);
    expect(rows.find((r) => r.kind === 'channel.create')?.attempts).toBe(2);
    expect(incident.summaryTs).toBeTruthy();
    expect(fw.slack.messagesIn(ANNOUNCE).some((m) => fw.slack.textOf(m).includes(`<#${incident.channelId}>`))).toBe(true);
  });

  it('still posts exactly one summary after a 500 on chat.postMessage', async () => {
    fw.slack.fault('chat.postMessage', { kind: 'http', status: 500 });
    const { incident } = await fw.declareCommand('declare sev2 Flaky Slack during declare');
    const summaries = fw.slack.messagesIn(incident.channelId!).filter((m) => fw.slack.textOf(m).includes(`INC-${incident.id}`));
    expect(summaries).toHaveLength(1);
    expect(fw.slack.channel(incident.channelId!).pins()).toHaveLength(1);
    expect(fw.slack.messagesIn(ANNOUNCE).filter((m) => fw.slack.textOf(m).includes(`<#${incident.channelId}>`))).toHaveLength(1);
  });

  it('keeps mentions in a title from pinging anyone', async () => {
    const { incident } = await fw.declareCommand('declare sev4 <!channel> and <@U0BOB> broke it');
    const announcement = fw.slack.messagesIn(ANNOUNCE).find((m) => fw.slack.textOf(m).includes(`INC-${incident.id}`))!;
    const blocksText = JSON.stringify(announcement.blocks);
    expect(blocksText).not.toContain('<!channel>');
    expect(blocksText).toContain('&lt;!channel&gt;');
  });
});

describe('declarations arriving together', () => {
  it('answers 30 declares sent at once, each with its own number and fully set up, sharing commits', { timeout: 60_000 }, async () => {
    const acks = await Promise.all(
      Array.from({ length: 30 }, (_, i) => slashCommand(fw.app.url, fw.slack, `declare sev4 Burst member ${i}`)),
    );
    const ids = acks.map((a) => incidentNumberIn(ackText(a)));
    expect(new Set(ids).size).toBe(30);
    const rows = await Promise.all(ids.map((id) => fw.incident(id)));
    // Incidents written in one transaction share its start time.
    expect(new Set(rows.map((r) => r.createdAt.getTime())).size).toBeLessThan(30);
    for (const [i, row] of rows.entries()) expect(row.title).toBe(`Burst member ${i}`);
    for (const id of ids) {
      const outbox = await settledOutbox(fw.db, id, 40_000);
      expect(outbox.every((r) => r.status === 'done')).toBe(true);
      const [declared] = await fw.db.select().from(timelineEvents).where(eq(timelineEvents.incidentId, id));
      expect(declared?.kind).toBe('declared');
    }
    const created = fw.slack
      .callsOf('conversations.create')
      .filter((c) => c.ok && ids.some((id) => String(c.args.name).startsWith(`inc-${id}-`)));
    expect(created).toHaveLength(30);
  });

  it('fails every declaration of a batch whose transaction fails, and records none of them', async () => {
    const failing = { transaction: () => Promise.reject(new Error('database down')) } as unknown as Db;
    const declarer = new Declarer(failing, fw.app.services.config);
    const request = { severity: 'sev3', description: '', isPrivate: false, declaredBy: 'U0ALICE' };
    const results = await Promise.allSettled([
      declarer.declare({ ...request, title: 'Lost one' }),
      declarer.declare({ ...request, title: 'Lost two' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await declarer.declare({ ...request, title: '' })).toMatchObject({ ok: false });
  });
});

describe('declaring from the modal', () => {
  async function openModal(text = 'declare') {
    const before = fw.slack.views.length;
    const triggerId = fw.slack.triggerId({ user: 'U0ALICE' });
    const r = await slashCommand(fw.app.url, fw.slack, text, { triggerId });
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    const view = await fw.slack.waitFor(() => fw.slack.views[before]);
    const open = fw.slack.okCallsOf('views.open').at(-1);
    expect(open?.args.trigger_id).toBe(triggerId);
    return view.view;
  }

  const values = (v: { title?: string | null; severity?: string; description?: string; lead?: string; private?: boolean }) => ({
    title: { value: { type: 'plain_text_input', value: v.title ?? null } },
    severity: {
      value: {
        type: 'static_select',
        selected_option: v.severity ? { text: { type: 'plain_text', text: v.severity }, value: v.severity } : null,
      },
    },
    description: { value: { type: 'plain_text_input', value: v.description ?? null } },
    lead: { value: { type: 'users_select', selected_user: v.lead ?? 'U0ALICE' } },
    private: {
      value: {
        type: 'checkboxes',
        selected_options: v.private ? [{ value: 'private', text: { type: 'plain_text', text: 'Private incident' } }] : [],
      },
    },
  });

  it('opens a form with title, severity, description, lead and private when declare has no title', async () => {
    const view = await openModal('declare sev2');
    const blocks = view.blocks as Array<{
      block_id: string;
      label?: { text: string };
      element: { type: string; initial_option?: { value: string } };
    }>;
    expect(blocks.map((b) => [b.block_id, b.label?.text, b.element.type])).toEqual([
      ['title', 'Title', 'plain_text_input'],
      ['severity', 'Severity', 'static_select'],
      ['type', 'Type', 'static_select'],
      ['description', 'Description', 'plain_text_input'],
      ['lead', 'Lead', 'users_select'],
      ['private', 'Visibility', 'checkboxes'],
    ]);
    expect(blocks[1]!.element.initial_option?.value).toBe('sev2');
  });

  it('declares from the submitted form, with the lead it names', async () => {
    const view = await openModal();
    const r = await submitView(
      fw.app.url,
      fw.slack,
      view,
      values({ title: 'Search latency high', severity: 'sev3', description: 'p99 at 4s', lead: 'U0BOB' }),
    );
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    const created = await fw.slack.waitFor(() =>
      fw.slack.okCallsOf('conversations.create').find((c) => String(c.args.name).endsWith('-search-latency-high')),
    );
    const id = Number(/^inc-(\d+)-/.exec(String(created.args.name))![1]);
    await settledOutbox(fw.db, id);
    const incident = await fw.incident(id);
    expect(incident).toMatchObject({ severity: 'sev3', description: 'p99 at 4s', leadId: 'U0BOB', declaredBy: 'U0ALICE' });
    const channel = fw.slack.channels.get(incident.channelId!)!;
    expect([...channel.members]).toEqual(expect.arrayContaining(['U0ALICE', 'U0BOB']));
    expect(channel.topic).toBe('SEV3 · Investigating · Lead: @bob');
    expect(fw.slack.textOf(summaryIn(channel.id))).toContain('p99 at 4s');
    // The confirmation goes to the slash command's response_url, carried through the modal.
    expect(fw.slack.responses.some((p) => JSON.stringify(p.body).includes(`<#${channel.id}>`))).toBe(true);
  });

  it('shows an error on the title field for an empty title and for 201 characters, declaring nothing', async () => {
    const view = await openModal();
    const before = await nextIncidentNumber();
    const empty = await submitView(fw.app.url, fw.slack, view, values({ title: null, severity: 'sev3' }));
    expect(empty.status).toBe(200);
    expect(empty.json).toEqual({ response_action: 'errors', errors: { title: expect.stringContaining('Give the incident a title') } });
    const long = await submitView(fw.app.url, fw.slack, view, values({ title: 'y'.repeat(201), severity: 'sev3' }));
    expect(long.json).toEqual({ response_action: 'errors', errors: { title: expect.stringContaining('keep it to 200 or fewer') } });
    expect(await nextIncidentNumber()).toBe(before);
  });

  it('declares a private incident in a private channel and announces nothing', async () => {
    const view = await openModal();
    await submitView(fw.app.url, fw.slack, view, values({ title: 'Credential leak suspected', severity: 'sev1', private: true }));
    const created = await fw.slack.waitFor(() =>
      fw.slack.okCallsOf('conversations.create').find((c) => String(c.args.name).endsWith('-credential-leak-suspected')),
    );
    const id = Number(/^inc-(\d+)-/.exec(String(created.args.name))![1]);
    const rows = await settledOutbox(fw.db, id);
    expect(rows.map((r) => r.kind)).not.toContain('incident.announce');
    const incident = await fw.incident(id);
    expect(incident.isPrivate).toBe(true);
    expect(fw.slack.channels.get(incident.channelId!)?.is_private).toBe(true);
    expect(
      fw.slack
        .channel(ANNOUNCE)
        .messages()
        .some((m) => m.content.includes(`INC-${id}`)),
    ).toBe(false);
    expect(fw.slack.textOf(summaryIn(incident.channelId!))).toContain('Private incident');
  });

  it('tells the user when the form cannot be opened because the trigger expired', async () => {
    const triggerId = fw.slack.triggerId({ user: 'U0ALICE' });
    fw.slack.fault('views.open', { kind: 'error', error: 'expired_trigger_id' });
    const responseUrl = fw.slack.responseUrl({ channel: GENERAL, user: 'U0ALICE' });
    const r = await slashCommand(fw.app.url, fw.slack, 'declare', { triggerId, responseUrl });
    expect(r.status).toBe(200);
    const id = responseUrl.split('/').at(-1);
    const answer = await fw.slack.waitFor(() => fw.slack.responses.find((p) => p.id === id));
    expect(JSON.stringify(answer.body)).toContain('Could not open the declare form (expired_trigger_id)');
  });
});

describe('the /incident command', () => {
  it('answers help with every subcommand', async () => {
    const r = await slashCommand(fw.app.url, fw.slack, 'help');
    for (const name of ['declare', 'status', 'update', 'postmortem', 'subscribe', 'help'])
      expect(ackText(r)).toContain(`/incident ${name}`);
  });

  it('answers an unknown subcommand with the list', async () => {
    const r = await slashCommand(fw.app.url, fw.slack, 'frobnicate');
    expect(ackText(r)).toContain('Unknown subcommand `frobnicate`');
    expect(ackText(r)).toContain('/incident declare');
  });
});

describe('requests that are not from Slack', () => {
  const body = new URLSearchParams({ command: '/incident', text: 'help', user_id: 'U0ALICE', team_id: 'T0TEST' }).toString();

  it('refuses a wrong signature with 401', async () => {
    const r = await postSigned(fw.app.url, body, 'application/x-www-form-urlencoded', { secret: 'not-the-secret' });
    expect(r.status).toBe(401);
  });

  it('refuses a signature six minutes old with 401', async () => {
    const r = await postSigned(fw.app.url, body, 'application/x-www-form-urlencoded', { timestamp: Math.floor(Date.now() / 1000) - 360 });
    expect(r.status).toBe(401);
  });

  it('refuses a replayed signature on a new timestamp with 401', async () => {
    const old = Math.floor(Date.now() / 1000) - 30;
    const { createHmac } = await import('node:crypto');
    const sig = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${old}:${body}`).digest('hex')}`;
    const res = await fetch(`${fw.app.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-signature': sig,
        'x-slack-request-timestamp': String(old + 20),
      },
      body,
    });
    expect(res.status).toBe(401);
  });

  it('answers a malformed body with 400 and keeps serving', async () => {
    expect((await postSigned(fw.app.url, '{"not": "slack"', 'application/json')).status).toBe(400);
    expect((await postSigned(fw.app.url, 'payload=%7Bbroken', 'application/x-www-form-urlencoded')).status).toBe(400);
    expect((await postSigned(fw.app.url, 'text=hello', 'application/x-www-form-urlencoded')).status).toBe(400);
    expect((await slashCommand(fw.app.url, fw.slack, 'help')).status).toBe(200);
  });

  it('serves /healthz once the database answers', async () => {
    const res = await fetch(`${fw.app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });
});
