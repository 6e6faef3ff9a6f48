import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { incidents, outbox, timelineEvents } from '../../src/db/schema.js';
import type { Firewatch } from '../../src/firewatch.js';
import { SUMMARY_ACTIONS } from '../../src/slack/blocks/incident.js';
import { DATABASE_TROUBLE, DECLARE_UNCONFIRMED } from '../../src/slack/database-trouble.js';
import { ANSWER_DEADLINE_MS } from '../../src/slack/listeners/late-answers.js';
import { ANNOUNCE, startApp, startEmulator, testConfig, SEVERITIES_PAGING_PRIMARY } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { settledOutbox } from '../support/outbox.js';
import { startPgProxy, type PgProxy } from '../support/pg-proxy.js';
import type { SlackEmulator } from '../support/slack-emulator/index.js';
import { ackText, clickButton, incidentNumberIn, slashCommand, type SignedResponse } from '../support/slack-requests.js';

const CONFIG = {
  escalation_tick: '* * * * * *',
  severities: SEVERITIES_PAGING_PRIMARY,
  escalation_policies: [
    {
      id: 'primary',
      levels: [
        { delay: '4s', targets: [{ user: 'U0BOB' }] },
        { delay: '1h', targets: [{ user: 'U0CAROL' }] },
      ],
    },
  ],
};
/** What declaring from Slack writes to the outbox, in order. */
const DECLARE_EFFECTS = [
  'channel.create',
  'channel.invite',
  'summary.post',
  'summary.pin',
  'channel.topic',
  'incident.announce',
  'reply.declared',
];
/** Half the three seconds Slack waits for an ack. */
const PROMPT_MS = 1_500;

let db: TestDatabase;
let proxy: PgProxy;
let viaProxy: Database;
let emu: SlackEmulator;
let app: Firewatch;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The test's own connection, straight to Postgres: it sees the database while Firewatch cannot. */
const direct = () => db.database.db;
const rows = async <T>(query: SQL): Promise<T[]> => (await direct().execute(query)) as unknown as T[];

/** A shared, slow machine can take a while to get there: tests wait long, and fail only if it never comes. */
async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms: ${check.toString().slice(0, 160)}`);
    await sleep(5);
  }
}

const answerOf = (r: SignedResponse) => (r.json as { text?: string } | undefined)?.text ?? r.text;

/**
 * Declares and returns the number. A pool reconnecting after the restart may make the ack miss Slack's 3 s
 * (Bolt answers 404 then), or Firewatch's own 2.5 s deadline (it acks empty); the declaration must still
 * reach the person, at the command's response_url.
 */
async function declare(text: string): Promise<number> {
  const responseUrl = emu.responseUrl({ channel: 'C0GENERAL', user: 'U0ALICE' });
  const ack = await slashCommand(app.url, emu, text, { responseUrl });
  if ((ack.status === 404 && ack.ms >= 3_000) || (ack.status === 200 && ack.text === '' && ack.ms >= ANSWER_DEADLINE_MS)) {
    const id = responseUrl.split('/').at(-1);
    const late = await emu.waitFor(() => emu.responses.find((r) => r.id === id), 30_000);
    return incidentNumberIn(String(late.body.text ?? ''));
  }
  expect(ack.status).toBe(200);
  return incidentNumberIn(ackText(ack));
}

/** Declares as a person would after a restart: told the database is not answering, they try again shortly. */
async function declareRetrying(text: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await declare(text);
    } catch (err) {
      if (attempt >= 5 || !String(err).includes('its database is not answering')) throw err;
      await sleep(1_000);
    }
  }
}

async function incident(id: number) {
  const [row] = await direct().select().from(incidents).where(eq(incidents.id, id));
  if (!row) throw new Error(`no incident ${id}`);
  return row;
}

async function incidentsTitled(title: string) {
  return direct().select().from(incidents).where(eq(incidents.title, title));
}

const about = (id: number) => (m: { text: string; blocks: unknown[] }) => new RegExp(`INC-${id}\\b`).test(emu.textOf(m));
/** The incident's pinned summary: the message with its buttons. */
const summariesIn = (channel: string) =>
  emu.messagesIn(channel).filter((m) => JSON.stringify(m.blocks).includes(`"${SUMMARY_ACTIONS.postUpdate}"`));
const channelsOf = (id: number) => [...emu.channels.values()].filter((c) => c.name.startsWith(`inc-${id}-`));
const dmsTo = (user: string, id: number) => emu.dm(user).messages().filter(about(id));

describe.runIf(process.env.DATABASE_URL)('a Postgres restart while Firewatch runs', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = await startPgProxy(db.url!);
    viaProxy = await openDatabase({ url: proxy.url, dataDir: '' });
    emu = await startEmulator();
    app = await startApp(emu, viaProxy, testConfig(CONFIG));
  });

  afterAll(async () => {
    await proxy?.up();
    await app?.stop();
    await viaProxy?.close();
    await proxy?.close();
    await emu?.close();
    await db?.destroy();
  });

  it('answers commands, buttons and /healthz at once and plainly while the database is down, and changes nothing', async () => {
    const id = await declare('declare sev2 Checkout latency');
    await settledOutbox(direct(), id);
    const { channelId } = await incident(id);
    const [summary] = summariesIn(channelId!);
    const eventsBefore = await direct().select().from(timelineEvents).where(eq(timelineEvents.incidentId, id));

    await proxy.down();
    try {
      // Some seconds into the outage, after every sweep has failed to reconnect a few times.
      await sleep(3_000);
      const declared = await slashCommand(app.url, emu, 'declare sev2 Something');
      expect(declared.status).toBe(200);
      expect(declared.ms).toBeLessThan(PROMPT_MS);
      expect(declared.json).toMatchObject({ response_type: 'ephemeral', text: DATABASE_TROUBLE });

      const started = performance.now();
      const health = await fetch(`${app.url}/healthz`);
      expect(performance.now() - started).toBeLessThan(PROMPT_MS);
      expect(health.status).toBe(503);
      expect(await health.text()).toBe('database unavailable');

      const status = await slashCommand(app.url, emu, 'status identified Found the bad deploy', { channel: channelId! });
      expect(status.status).toBe(200);
      expect(status.ms).toBeLessThan(PROMPT_MS);
      expect(status.json).toMatchObject({ response_type: 'ephemeral', text: DATABASE_TROUBLE });

      const answered = emu.responses.length;
      const click = await clickButton(app.url, emu, summary!, SUMMARY_ACTIONS.resolve);
      expect(click.status).toBe(200);
      expect(click.ms).toBeLessThan(PROMPT_MS);
      const reply = await emu.waitFor(() => emu.responses.slice(answered)[0], 3_000);
      expect(reply.body).toMatchObject({
        response_type: 'ephemeral',
        text: '⚠️ Firewatch could not do that right now; try again in a moment.',
      });
    } finally {
      await proxy.up();
    }

    expect(await incidentsTitled('Something')).toEqual([]);
    expect((await incident(id)).status).toBe('investigating');
    expect(await direct().select().from(timelineEvents).where(eq(timelineEvents.incidentId, id))).toEqual(eventsBefore);
    await until(async () => (await fetch(`${app.url}/healthz`)).ok, 5_000);
  });

  it('says unhealthy within seconds when the database stops answering without closing anything, and healthy after', async () => {
    proxy.stall();
    try {
      const started = performance.now();
      const health = await fetch(`${app.url}/healthz`);
      // Its database check gives up after 2 s rather than hanging with the connection.
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(health.status).toBe(503);
    } finally {
      proxy.unstall();
    }
    await until(async () => (await fetch(`${app.url}/healthz`)).ok, 5_000);
  });

  it('leaves every declare either complete or not written at all when the database goes away mid-transaction', async () => {
    // Holding the outbox table stops each declare after it inserted its incident and 'declared' event
    // and before its outbox rows: the restart then lands in the middle of every one of them.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked = () => {};
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const holder = direct().transaction(async (tx) => {
      await tx.execute(sql`lock table outbox in share mode`);
      locked();
      await released;
    });
    await holding;
    const cut = Array.from({ length: 6 }, (_, i) => slashCommand(app.url, emu, `declare sev2 Cut mid-way ${i}`));
    await until(async () => {
      const [waiting] = await rows<{ n: number }>(sql`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock' and query ilike 'insert into "outbox"%'`);
      return (waiting?.n ?? 0) > 0;
    });
    // Declarations that arrive together share a transaction: give the rest time to join one, all of
    // which now wait on the same lock.
    await new Promise((r) => setTimeout(r, 500));
    await proxy.down();
    release();
    await holder;
    for (const answer of await Promise.all(cut)) {
      expect(answer.ms).toBeLessThan(3_000);
      expect(answer.json).toMatchObject({ response_type: 'ephemeral', text: DATABASE_TROUBLE });
    }
    await proxy.up();
    for (let i = 0; i < cut.length; i++) expect(await incidentsTitled(`Cut mid-way ${i}`)).toEqual([]);

    // And at a moment nobody chose: some declares commit before the restart, the rest do not.
    const storm = Array.from({ length: 30 }, (_, i) => slashCommand(app.url, emu, `declare sev3 Storm ${i}`));
    await until(async () => (await rows(sql`select 1 from incidents where title like 'Storm %'`)).length > 0);
    await proxy.down();
    const answers = await Promise.all(storm);
    await proxy.up();
    const unconfirmed: number[] = [];
    for (const [i, answer] of answers.entries()) {
      expect(answer.ms).toBeLessThan(3_000);
      const written = await incidentsTitled(`Storm ${i}`);
      const text = answerOf(answer);
      if (text === DATABASE_TROUBLE) expect(written).toEqual([]);
      else if (text === DECLARE_UNCONFIRMED) unconfirmed.push(...written.map((w) => w.id));
      else expect(written.map((w) => w.id)).toEqual([incidentNumberIn(text)]);
    }
    // Committed although its connection dropped before the answer came: the declarer hears of it after all.
    for (const id of unconfirmed) {
      await settledOutbox(direct(), id);
      expect(emu.responses.filter((r) => new RegExp(`INC-${id}\\b`).test(JSON.stringify(r.body)))).toHaveLength(1);
    }

    const all = await direct().select().from(incidents).orderBy(asc(incidents.id));
    const effects = await direct().select({ incidentId: outbox.incidentId, kind: outbox.kind }).from(outbox).orderBy(asc(outbox.id));
    const declaredEvents = await direct()
      .select({ incidentId: timelineEvents.incidentId })
      .from(timelineEvents)
      .where(eq(timelineEvents.kind, 'declared'));
    for (const { id } of all) {
      expect(declaredEvents.filter((e) => e.incidentId === id)).toHaveLength(1);
      expect(effects.filter((e) => e.incidentId === id && DECLARE_EFFECTS.includes(e.kind)).map((e) => e.kind)).toEqual(DECLARE_EFFECTS);
    }
    expect(
      await rows(
        sql`select id from outbox o where incident_id is not null and not exists (select 1 from incidents i where i.id = o.incident_id)`,
      ),
    ).toEqual([]);
    expect(
      await rows(sql`select id from timeline_events e where not exists (select 1 from incidents i where i.id = e.incident_id)`),
    ).toEqual([]);
  });

  // The delivery in flight at the restart is run again only once its 15 s lease runs out.
  it('recovers by itself: declares again, delivers what was waiting exactly once, and keeps escalating', { timeout: 90_000 }, async () => {
    // Deliveries that failed once and wait for their retry; the page of this sev1 comes due for its next
    // level while the database is down.
    emu.fault('conversations.create', { kind: 'http', status: 503 });
    const waiting = await declare('declare sev1 Waiting in the outbox');
    await until(async () => {
      const [create] = await direct()
        .select()
        .from(outbox)
        .where(and(eq(outbox.incidentId, waiting), eq(outbox.kind, 'channel.create')));
      return create?.attempts === 1 && create.lockedUntil === null;
    });
    // A delivery in flight at the restart: Slack performs it, but Firewatch cannot record that it did.
    emu.fault('conversations.create', { kind: 'hang', ms: 3_000 });
    const inFlight = await declare('declare sev2 In flight at the restart');
    const hung = await emu.waitFor(() =>
      emu.callsOf('conversations.create').find((c) => String(c.args.name).startsWith(`inc-${inFlight}-`)),
    );

    await proxy.down();
    await emu.waitFor(() => hung.ok, 5_000);
    // Longer than the pool's reconnect backoff (1 s) and its one retry of a query the restart cut off: the
    // worker has tried to record the delivery, and failed, rather than recorded it on a quick reconnect.
    await sleep(3_000);
    await proxy.up();
    const recovered = Date.now() / 1000;

    // The first request on a pool still reconnecting may be told to try again in a moment; a person would.
    const fresh = await declareRetrying('declare sev3 Declared after the restart');
    const freshRows = await settledOutbox(direct(), fresh);
    expect(freshRows.map((r) => [r.kind, r.status])).toEqual(DECLARE_EFFECTS.map((kind) => [kind, 'done']));
    const [freshChannel] = channelsOf(fresh);
    const [freshSummary] = summariesIn(freshChannel!.id);
    expect(
      emu
        .channel(freshChannel!.id)
        .pins()
        .map((m) => m.ts),
    ).toContain(freshSummary?.ts);
    expect(emu.messagesIn(ANNOUNCE).filter(about(fresh))).toHaveLength(1);

    const escalated = await emu.waitFor(() => dmsTo('U0CAROL', waiting)[0], 15_000);
    expect(Number(escalated.ts)).toBeGreaterThan(recovered);
    for (const id of [inFlight, waiting]) {
      const done = await settledOutbox(direct(), id, 30_000);
      expect(done.every((r) => r.status === 'done')).toBe(true);
      expect(channelsOf(id)).toHaveLength(1);
      const channel = channelsOf(id)[0]!;
      expect(summariesIn(channel.id)).toHaveLength(1);
      expect(emu.channel(channel.id).pins()).toHaveLength(1);
      expect(emu.messagesIn(ANNOUNCE).filter(about(id))).toHaveLength(1);
    }
    // Slack created the channel once. Whether the first delivery's record reached the database once the pool
    // reconnected, or was lost so that the row ran again (and met name_taken), depends on when the pool
    // retried; both must end here.
    expect(emu.okCallsOf('conversations.create').filter((c) => String(c.args.name).startsWith(`inc-${inFlight}-`))).toHaveLength(1);
    expect(dmsTo('U0BOB', waiting)).toHaveLength(1);
    expect(dmsTo('U0CAROL', waiting)).toHaveLength(1);
  });
});
