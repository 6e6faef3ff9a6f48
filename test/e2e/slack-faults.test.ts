// Slack faults on every Web API method Firewatch calls (429 with Retry-After, HTTP 500, connection resets,
// a hang past the client timeout, Slack down, a channel deleted or archived by hand, a refused channel):
// the incident's state in the database is right, every side effect is delivered exactly once after the
// fault clears, and the person who asked is told when something could not be done.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidents, outbox, timelineEvents, type OutboxRow } from '../../src/db/schema.js';
import { ANNOUNCE, GENERAL, startApp, startEmulator, testConfig } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';
import { useFirewatch } from '../support/harness.js';
import { settledOutbox } from '../support/outbox.js';
import type { EmuMessage, Fault, RecordedCall } from '../support/slack-emulator/index.js';
import { ackText, incidentNumberIn, slashCommand } from '../support/slack-requests.js';

const CONFIG = { archive_on_close: true };
const SUMMARY_EVENT = 'firewatch_incident_summary';

type Transient = 'ratelimit' | 'http' | 'reset';
const TRANSIENT: Record<Transient, Fault> = {
  ratelimit: { kind: 'ratelimit', retryAfter: 1 },
  http: { kind: 'http', status: 500 },
  reset: { kind: 'reset' },
};
const KINDS = Object.keys(TRANSIENT) as Transient[];

const fw = useFirewatch({ config: CONFIG, healSlackAfterEach: true });
let sweep: NodeJS.Timeout | undefined;
let flaky: FlakyResponseUrls;
/** The hang scenario runs on a stack of its own while the rest of the file runs (it takes > 10 s). */
let hang: Promise<HangResult>;

beforeAll(async () => {
  flaky = await FlakyResponseUrls.start();
  hang = hangOnSummaryPost();
  hang.catch(() => {}); // awaited (and reported) by its test
  // The app sweeps its outbox every second; waking it more often only removes the wait for the next
  // tick (a retry still waits for its Retry-After or backoff), which keeps this file fast.
  sweep = setInterval(() => fw.app.services.outbox.wake(), 100);
});

afterAll(async () => {
  clearInterval(sweep);
  await hang?.catch(() => {});
  await flaky?.close();
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mentions = (id: number) => new RegExp(`INC-${id}(?!\\d)`);
const STATUS_LABEL: Record<string, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  closed: 'Closed',
};

async function outboxRows(id: number): Promise<OutboxRow[]> {
  return fw.db.select().from(outbox).where(eq(outbox.incidentId, id)).orderBy(asc(outbox.id));
}

let people = 0;
/** A responder of their own per test: their name is not cached yet, so users.info is called for the topic. */
function freshUser(): { id: string; name: string } {
  people += 1;
  const user = { id: `U0FW${people}`, name: `responder${people}` };
  fw.slack.addUser({ ...user, real_name: `Responder ${people}` });
  fw.slack.channels.get(GENERAL)?.members.add(user.id); // so an ephemeral reply in #general can reach them
  return user;
}

/** A response_url Slack no longer honours (expired or used up): the reply falls back to chat.postEphemeral. */
const goneResponseUrl = () => `${fw.slack.url.replace(/\/api\/$/, '')}/respond/gone${Date.now()}`;

interface Mark {
  calls: number;
  responses: number;
  ephemerals: number;
  messages: number;
}
const mark = (): Mark => ({
  calls: fw.slack.calls.length,
  responses: fw.slack.responses.length,
  ephemerals: fw.slack.ephemerals.length,
  messages: fw.slack.messages.length,
});

function isDmTo(user: string, m: EmuMessage): boolean {
  const channel = fw.slack.channels.get(m.channel);
  return !!channel?.is_im && channel.user === user;
}

/**
 * Everything said to one person about an incident since `since`: response_url posts, ephemerals, DMs. The
 * response_urls this file hands out have no source, so the emulator does not also record them as ephemerals.
 */
function toldTo(user: string, id: number, since: Mark): string[] {
  const texts = [
    ...fw.slack.responses.slice(since.responses).map((r) => JSON.stringify(r.body)),
    ...fw.slack.ephemerals
      .slice(since.ephemerals)
      .filter((e) => e.user === user)
      .map((e) => fw.slack.textOf(e)),
    ...fw.slack.messages
      .slice(since.messages)
      .filter((m) => isDmTo(user, m))
      .map((m) => fw.slack.textOf(m)),
  ];
  return texts.filter((t) => mentions(id).test(t));
}

const summariesIn = (channel: string) =>
  fw.slack.messagesIn(channel).filter((m) => (m.metadata as { event_type?: string } | undefined)?.event_type === SUMMARY_EVENT);
const announcementsOf = (id: number) => fw.slack.messagesIn(ANNOUNCE).filter((m) => !m.thread_ts && mentions(id).test(fw.slack.textOf(m)));
const channelsOf = (id: number) => [...fw.slack.channels.values()].filter((c) => c.name.startsWith(`inc-${id}-`));

/**
 * The state after any transient fault has cleared: every outbox row done; one channel, one summary (showing
 * the status), one pin, one announcement and one reply to the declarer; the topic right.
 */
async function expectFullyDelivered(
  id: number,
  user: { id: string; name: string },
  status: string,
  since: Mark,
): Promise<{ channel: string }> {
  const rows = await settledOutbox(fw.db, id);
  expect(rows.filter((r) => r.status !== 'done').map((r) => [r.kind, r.status, r.lastError])).toEqual([]);
  const incident = await fw.incident(id);
  expect(incident.status).toBe(status);

  const channels = channelsOf(id);
  expect(channels.map((c) => c.id)).toEqual([incident.channelId]);
  const channel = channels[0]!;
  expect(channel.members.has(user.id)).toBe(true);
  expect(channel.topic).toBe(`SEV3 · ${STATUS_LABEL[status]} · Lead: @${user.name}`);

  const summaries = summariesIn(channel.id);
  expect(summaries.map((m) => m.ts)).toEqual([incident.summaryTs]);
  expect(fw.slack.textOf(summaries[0]!)).toContain(STATUS_LABEL[status]);
  expect(
    fw.slack
      .channel(channel.id)
      .pins()
      .map((m) => m.ts),
  ).toEqual([incident.summaryTs]);
  expect(announcementsOf(id).map((m) => m.ts)).toEqual([incident.announcementTs]);
  const replies = toldTo(user.id, id, since).filter((t) => t.includes('declared'));
  expect(replies).toHaveLength(1);
  expect(replies[0]).toContain(`<#${channel.id}>`);
  return { channel: channel.id };
}

/** The faulted call is the method's first since `since`, and a successful call to the same target follows. */
function expectRetried(method: string, kind: Transient, since: Mark): void {
  const calls = fw.slack.calls.slice(since.calls).filter((c) => c.method === method);
  const target = (c: RecordedCall) => String(c.args.channel ?? c.args.name ?? c.args.user ?? '');
  const [first, ...rest] = calls;
  expect(first?.fault, `the first ${method} call should have met the injected fault`).toBe(kind);
  const retry = rest.find((c) => c.ok && target(c) === target(first!));
  expect(
    retry,
    `${method} failed with ${kind} and was not retried successfully; calls: ${JSON.stringify(calls.map((c) => [c.fault ?? c.error ?? 'ok', target(c)]))}`,
  ).toBeDefined();
  // Retry-After: 1 is honoured.
  if (kind === 'ratelimit') expect(retry!.at - first!.at).toBeGreaterThanOrEqual(950);
}

/** A small HTTP server standing in for response_urls that fail once, then pass requests on to the emulator. */
class FlakyResponseUrls {
  private readonly routes = new Map<string, { target: string; fault: Transient | undefined; hits: string[] }>();
  private seq = 0;

  private constructor(
    private readonly server: Server,
    private readonly origin: string,
  ) {
    server.on('request', (req, res) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const route = this.routes.get(req.url ?? '');
        if (!route) {
          res.writeHead(404).end('no_service');
          return;
        }
        const fault = route.fault;
        route.fault = undefined;
        route.hits.push(fault ?? 'ok');
        if (fault === 'reset') req.socket.destroy();
        else if (fault === 'ratelimit') res.writeHead(429, { 'retry-after': '1' }).end('rate_limited');
        else if (fault === 'http') res.writeHead(500).end('Internal Server Error');
        else {
          const answer = await fetch(route.target, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: Buffer.concat(chunks),
          });
          res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(await answer.text());
        }
      })().catch(() => res.destroy());
    });
  }

  static async start(): Promise<FlakyResponseUrls> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FlakyResponseUrls(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  /** A URL that answers `fault` once, then forwards to `target`. */
  failOnce(target: string, fault: Transient): { url: string; hits: string[] } {
    const path = `/respond/${++this.seq}`;
    const route = { target, fault, hits: [] as string[] };
    this.routes.set(path, route);
    return { url: `${this.origin}${path}`, hits: route.hits };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

type Step = 'declare' | 'status change' | 'close';
/** Every method Firewatch calls during a declare and the workflow, and the step that calls it. */
const METHODS: Array<[method: string, step: Step]> = [
  ['conversations.create', 'declare'],
  ['conversations.invite', 'declare'],
  ['chat.postMessage', 'declare'], // the summary
  ['pins.add', 'declare'],
  ['conversations.setTopic', 'declare'],
  ['users.info', 'declare'], // the lead's name in the topic
  ['chat.postEphemeral', 'declare'], // the reply, when the response_url is gone
  ['response_url', 'declare'], // the reply itself
  ['chat.update', 'status change'], // the summary edit
  ['chat.postMessage', 'status change'], // the timeline post in the channel
  ['conversations.archive', 'close'],
];
const CASES = METHODS.flatMap(([method, step]) => KINDS.map((kind) => ({ method, step, kind })));

describe('one transient fault on each method Firewatch calls', () => {
  it.each(CASES)('$method during $step: a $kind is retried and everything is delivered once', async ({ method, step, kind }) => {
    const user = freshUser();
    const title = `${method} ${kind} during ${step}`;
    const inject = () => {
      if (method !== 'response_url') fw.slack.fault(method, TRANSIENT[kind]);
    };
    let responseUrl = fw.slack.responseUrl();
    let flakyUrl: { url: string; hits: string[] } | undefined;
    if (method === 'chat.postEphemeral') responseUrl = goneResponseUrl();
    if (method === 'response_url') {
      flakyUrl = flaky.failOnce(responseUrl, kind);
      responseUrl = flakyUrl.url;
    }

    const before = mark();
    if (step === 'declare') inject();
    const { id } = await fw.startDeclare(`declare sev3 ${title}`, { user: user.id, responseUrl });
    let status = 'investigating';
    let since = before;
    if (step !== 'declare') {
      const { channel } = await expectFullyDelivered(id, user, status, before);
      if (step === 'close') {
        expect(
          ackText(
            await slashCommand(fw.app.url, fw.slack, 'resolve Fixed', { channel, user: user.id, responseUrl: fw.slack.responseUrl() }),
          ),
        ).toContain(`INC-${id} is now resolved.`);
        await settledOutbox(fw.db, id);
      }
      since = mark();
      inject();
      const text = step === 'close' ? 'close' : 'status identified Found it';
      status = step === 'close' ? 'closed' : 'identified';
      const r = await slashCommand(fw.app.url, fw.slack, text, { channel, user: user.id, responseUrl: fw.slack.responseUrl() });
      expect(ackText(r)).toContain(`INC-${id} is now ${status}.`);
    }
    await settledOutbox(fw.db, id);

    const { channel } = await expectFullyDelivered(id, user, status, before);
    if (flakyUrl) expect(flakyUrl.hits).toEqual([kind, 'ok']);
    else expectRetried(method, kind, since);
    if (method === 'chat.postEphemeral') {
      expect(fw.slack.ephemerals.filter((e) => e.user === user.id && mentions(id).test(fw.slack.textOf(e)))).toHaveLength(1);
    }
    if (step === 'status change') {
      const moved = fw.slack.messagesIn(channel).filter((m) => /moved \*INC-\d+\* to \*Identified\*/.test(fw.slack.textOf(m)));
      expect(moved).toHaveLength(1);
    }
    if (step === 'close') {
      expect(fw.slack.channels.get(channel)?.is_archived).toBe(true);
      expect(fw.slack.okCallsOf('conversations.archive').filter((c) => c.args.channel === channel)).toHaveLength(1);
    }
  });
});

describe('Slack down for a few seconds', () => {
  it('acks a declare and a status change at once, delivers nothing while down, then everything exactly once', async () => {
    const alice = freshUser();
    const bob = freshUser();
    const beforeEarlier = mark();
    const earlier = await fw.startDeclare('declare sev3 Declared before the outage', { user: bob.id, responseUrl: fw.slack.responseUrl() });
    const { channel: earlierChannel } = await expectFullyDelivered(earlier.id, bob, 'investigating', beforeEarlier);
    const editsBefore = summariesIn(earlierChannel)[0]!.edited;

    fw.slack.down = true;
    const since = mark();
    const { id, ack } = await fw.startDeclare('declare sev3 Declared while Slack is down', {
      user: alice.id,
      responseUrl: fw.slack.responseUrl(),
    });
    expect(ackText(ack)).toContain(`Declaring *INC-${id}*`);
    const status = await slashCommand(fw.app.url, fw.slack, `status INC-${earlier.id} identified Slack is down`, {
      user: bob.id,
      responseUrl: fw.slack.responseUrl(),
    });
    expect(status.status).toBe(200);
    expect(ackText(status)).toContain(`INC-${earlier.id} is now identified.`);
    // The commits happened before the acks.
    expect((await fw.incident(id)).status).toBe('investigating');
    expect((await fw.incident(earlier.id)).status).toBe('identified');

    await sleep(2_500);
    const attempts = fw.slack.calls.slice(since.calls);
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.filter((c) => c.fault !== 'down')).toEqual([]);
    expect(fw.slack.messages.length).toBe(since.messages);
    expect(channelsOf(id)).toEqual([]);
    expect(summariesIn(earlierChannel)[0]!.edited).toBe(editsBefore);
    expect((await outboxRows(id)).some((r) => r.status === 'pending' && r.attempts > 0)).toBe(true);

    fw.slack.down = false;
    await expectFullyDelivered(id, alice, 'investigating', since);
    await expectFullyDelivered(earlier.id, bob, 'identified', beforeEarlier);
    expect(fw.slack.messagesIn(earlierChannel).filter((m) => /moved \*INC-\d+\* to \*Identified\*/.test(fw.slack.textOf(m)))).toHaveLength(
      1,
    );
    expect(summariesIn(earlierChannel)[0]!.edited).toBeGreaterThan(editsBefore);
  });
});

describe('a channel deleted or archived by hand', () => {
  async function setUp(title: string) {
    const user = freshUser();
    const { id } = await fw.startDeclare(`declare sev3 ${title}`, { user: user.id, responseUrl: fw.slack.responseUrl() });
    const { channel } = await expectFullyDelivered(id, user, 'investigating', mark());
    return { id, user, channel };
  }

  /** The rows of a change that need the channel, with how they ended. */
  async function rowsAfter(id: number, firstRowId: number) {
    return (await outboxRows(id)).filter((r) => r.id > firstRowId);
  }

  it('records a status change for a deleted channel, fails what needs the channel with channel_not_found, and tells the user', async () => {
    const { id, user, channel } = await setUp('Channel deleted by hand');
    const lastRow = (await outboxRows(id)).at(-1)!.id;
    fw.slack.channels.delete(channel);
    const since = mark();
    const r = await slashCommand(fw.app.url, fw.slack, `status INC-${id} identified Found it`, {
      user: user.id,
      responseUrl: fw.slack.responseUrl(),
    });
    expect(r.status).toBe(200);
    expect(ackText(r)).toContain(`INC-${id} is now identified.`);
    await settledOutbox(fw.db, id);

    expect((await fw.incident(id)).status).toBe('identified');
    const events = await fw.db.select().from(timelineEvents).where(eq(timelineEvents.incidentId, id));
    expect(events.filter((e) => e.kind === 'status_changed').map((e) => e.data)).toEqual([
      { from: 'investigating', to: 'identified', message: 'Found it' },
    ]);
    // The person is told by DM; that notice is an outbox row of its own.
    await fw.slack.waitFor(() => toldTo(user.id, id, since).find((t) => /could not post it/.test(t)));
    const rows = (await rowsAfter(id, lastRow)).filter((r) => r.kind !== 'notice.dm');
    expect(rows.map((r) => [r.kind, r.status, r.lastError])).toEqual([
      ['timeline.post', 'failed', 'channel_not_found'],
      ['summary.update', 'failed', 'channel_not_found'],
      ['channel.topic', 'failed', 'channel_not_found'],
    ]);
    // No crash: Firewatch still serves.
    expect((await fetch(`${fw.app.url}/healthz`)).status).toBe(200);
    expect((await slashCommand(fw.app.url, fw.slack, 'help', { user: user.id, responseUrl: fw.slack.responseUrl() })).status).toBe(200);

    const told = toldTo(user.id, id, since);
    expect(
      told.some((t) => /could not|couldn't|can't|cannot|failed|not found|deleted|no longer exists/i.test(t)),
      `nobody told ${user.id} that INC-${id}'s channel is gone and the change could not be posted there; said to them: ${JSON.stringify(told)}`,
    ).toBe(true);
  });

  it('records a status update for an archived channel, fails what needs the channel, and tells the user', async () => {
    const { id, user, channel } = await setUp('Channel archived by hand');
    const lastRow = (await outboxRows(id)).at(-1)!.id;
    fw.slack.channels.get(channel)!.is_archived = true;
    const since = mark();
    const r = await slashCommand(fw.app.url, fw.slack, `INC-${id} update Rolling back the deploy`, {
      user: user.id,
      responseUrl: fw.slack.responseUrl(),
    });
    expect(r.status).toBe(200);
    expect(ackText(r)).toContain(`Update posted to INC-${id}.`);
    await settledOutbox(fw.db, id);

    const events = await fw.db.select().from(timelineEvents).where(eq(timelineEvents.incidentId, id));
    expect(events.filter((e) => e.kind === 'status_update').map((e) => e.data.message)).toEqual(['Rolling back the deploy']);
    expect((await fw.incident(id)).status).toBe('investigating');
    await fw.slack.waitFor(() => toldTo(user.id, id, since).find((t) => /could not post it/.test(t)));
    const rows = (await rowsAfter(id, lastRow)).filter((r) => r.kind !== 'notice.dm');
    expect(rows.map((r) => [r.kind, (r.payload as { where?: string }).where, r.status, r.lastError])).toEqual([
      ['timeline.post', 'channel', 'failed', 'is_archived'],
      ['timeline.post', 'announcement_thread', 'done', null],
      // chat.update answers is_inactive for a message in an archived channel.
      ['summary.update', undefined, 'failed', 'is_inactive'],
    ]);
    expect((await fetch(`${fw.app.url}/healthz`)).status).toBe(200);

    const told = toldTo(user.id, id, since);
    expect(
      told.some((t) => /could not|couldn't|can't|cannot|failed|archived/i.test(t)),
      `nobody told ${user.id} that INC-${id}'s channel is archived and the update could not be posted there; said to them: ${JSON.stringify(told)}`,
    ).toBe(true);
  });
});

describe('Slack refusing to create the channel', () => {
  it.each(['restricted_action', 'invalid_name_specials'])(
    'records the incident and tells the declarer when conversations.create answers %s',
    async (error) => {
      const user = freshUser();
      const since = mark();
      fw.slack.fault('conversations.create', { kind: 'error', error });
      const { id } = await fw.startDeclare(`declare sev3 Refused channel ${error}`, { user: user.id, responseUrl: fw.slack.responseUrl() });
      const rows = await settledOutbox(fw.db, id);

      const incident = await fw.incident(id);
      expect(incident).toMatchObject({ status: 'investigating', channelId: null, declaredBy: user.id, leadId: user.id });
      const creates = fw.slack.calls.slice(since.calls).filter((c) => c.method === 'conversations.create');
      expect(creates.map((c) => c.error)).toEqual([error]); // permanent: not retried
      expect(rows.find((r) => r.kind === 'channel.create')).toMatchObject({ status: 'failed', lastError: error });
      expect(rows.filter((r) => r.status === 'pending')).toEqual([]);
      expect(rows.find((r) => r.kind === 'reply.declared')?.status).toBe('done');
      const told = toldTo(user.id, id, since);
      expect(told).toHaveLength(1);
      expect(told[0]).toContain('refused to create its channel');
    },
  );
});

interface HangResult {
  id: number;
  rows: OutboxRow[];
  summaryTs: string | null;
  summaries: string[];
  pins: string[];
  announcements: number;
  posts: RecordedCall[];
  retryAt: number | undefined;
}

/** A declare whose summary chat.postMessage hangs past the client's 10 s timeout, on a stack of its own. */
async function hangOnSummaryPost(): Promise<HangResult> {
  const hangDb = await createTestDatabase();
  const hangEmu = await startEmulator();
  const hangApp = await startApp(hangEmu, hangDb.database, testConfig(CONFIG));
  try {
    // Slack performs the call 10.5 s later, after the client gave up (10 s) and before its retry (backoff ≥ 1 s).
    hangEmu.fault('chat.postMessage', { kind: 'hang', ms: 10_500 });
    const ack = await slashCommand(hangApp.url, hangEmu, 'declare sev3 Slack hangs on the summary');
    const id = incidentNumberIn(ackText(ack));
    const rows = await settledOutbox(hangDb.database.db, id, 40_000);
    const [incident] = await hangDb.database.db.select().from(incidents).where(eq(incidents.id, id));
    const channel = incident?.channelId ?? '';
    const posts = hangEmu.callsOf('chat.postMessage').filter((c) => c.args.channel === channel);
    const retry = hangEmu.calls.find((c) => c !== posts[0] && c.at >= (posts[0]?.at ?? 0) && c.args.channel === channel);
    return {
      id,
      rows,
      summaryTs: incident?.summaryTs ?? null,
      summaries: hangEmu
        .messagesIn(channel)
        .filter((m) => (m.metadata as { event_type?: string } | undefined)?.event_type === SUMMARY_EVENT)
        .map((m) => m.ts),
      pins: hangEmu
        .channel(channel)
        .pins()
        .map((m) => m.ts),
      announcements: hangEmu.messagesIn(ANNOUNCE).filter((m) => mentions(id).test(hangEmu.textOf(m))).length,
      posts,
      retryAt: retry?.at,
    };
  } finally {
    await hangApp.stop();
    await hangEmu.close();
    await hangDb.destroy();
  }
}

describe('a hang past the client timeout', () => {
  it('times out chat.postMessage for the summary, retries, and posts the summary once', { timeout: 60_000 }, async () => {
    const result = await hang;
    expect(result.rows.filter((r) => r.status !== 'done').map((r) => [r.kind, r.status, r.lastError])).toEqual([]);
    const summaryRow = result.rows.find((r) => r.kind === 'summary.post');
    expect(summaryRow?.attempts).toBe(2); // the attempt that timed out, then the retry
    const [hung] = result.posts;
    expect(hung?.fault).toBe('hang');
    // The retry came after the client gave up at 10 s.
    expect(result.retryAt).toBeDefined();
    expect(result.retryAt! - hung!.at).toBeGreaterThanOrEqual(10_000);
    expect(result.summaries).toEqual([result.summaryTs]);
    expect(result.pins).toEqual([result.summaryTs]);
    expect(result.announcements).toBe(1);
  });
});
