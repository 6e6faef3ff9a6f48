import type { FrozenRules } from '../../src/paging/rules.js';
import { and, asc, count, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import {
  followups,
  incidents,
  outbox,
  pageNotifications,
  pages,
  timelineEvents,
  type Incident,
  type OutboxRow,
  type Page,
  type PageNotification,
  type Followup,
  type TimelineEvent,
  type WorkflowRun,
  workflowRuns,
} from '../../src/db/schema.js';
import { decideStatusChange } from '../../src/incidents/lifecycle.js';
import type { Status } from '../../src/incidents/status.js';
import { ANSWER_DEADLINE_MS } from '../../src/slack/listeners/late-answers.js';
import { triggerPage } from '../../src/paging/pages.js';
import type { FrozenPolicy } from '../../src/paging/policy.js';
import { ANNOUNCE, startEmulator } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { spawnApp, type AppProcess } from '../support/process.js';
import type { EmuMessage, EmuView, RecordedCall, ResponseUrlPost, SlackEmulator } from '../support/slack-emulator/index.js';
import { clickButton, slashCommand, submitView, type SignedResponse } from '../support/slack-requests.js';

/** Everyone paged in Slack only, as with no people: in the config. */
const SLACK_ONLY: FrozenRules = { defaults: [{ after: 0, via: ['slack'] }], people: {} };

/** The requirement's load; smaller values make a quick local run. */
const DECLARES = Number(process.env.SOAK_DECLARES ?? 50);
const CHANGES = Number(process.env.SOAK_CHANGES ?? 500);
const PAGES = Number(process.env.SOAK_PAGES ?? 200);
/** Due pages acknowledged from two processes at once, and declared incidents where an ack races a resolve. */
const RACES = Math.min(10, PAGES, DECLARES);
const SLACK_ACK_MS = 3_000;
/**
 * Longer than any answer may take, however loaded the machine: past it a request is stuck (a lock never
 * released, a pool run dry), not slow. How fast answers are is for `npm run bench`, not for a test.
 */
const STUCK_MS = 20_000;
const CONFIG = {
  announcements_channel: ANNOUNCE,
  escalation_tick: '* * * * * *',
  // Every declaration's workflow, matched by whichever process delivers it, must run once.
  workflows: [
    {
      id: 'review',
      when: 'declared',
      do: [{ followup: { text: 'Review {{incident.key}}', owner: 'U0CAROL' } }, { post: { text: 'WORKFLOW {{incident.key}}' } }],
    },
  ],
};
const MASS_POLICY: FrozenPolicy = {
  id: 'mass',
  repeat: 0,
  levels: [
    { delayMs: 60 * 60_000, targets: [{ user: 'U0LEVELONE' }] },
    { delayMs: 60 * 60_000, targets: [{ user: 'U0LEVELTWO' }] },
  ],
};
const ONCALL = 'U0ONCALL';
/** Where the status changes go; closing is left out because it is final and would end an incident's share early. */
const MOVES: readonly Status[] = ['investigating', 'identified', 'monitoring', 'resolved'];
const PEOPLE = ['U0ALICE', 'U0BOB', 'U0CAROL'];
const SUMMARY_EVENT = 'firewatch_incident_summary';
const ANNOUNCEMENT_EVENT = 'firewatch_incident_announcement';

interface Answer {
  what: string;
  status: number;
  ms: number;
  body: string;
}
/** `unanswered`: the request got no answer at all, though the change may have been made. */
type Outcome = 'changed' | 'refused' | 'unanswered';
interface StatusAttempt {
  incidentId: number;
  to: Status;
  outcome: Outcome;
}
interface AckAttempt {
  pageId: number;
  won: boolean;
}
interface Metadata {
  event_type?: string;
  event_payload?: { incident_id?: number };
}

let db: TestDatabase;
let emu: SlackEmulator;
const apps: AppProcess[] = [];

const answers: Answer[] = [];
/** The INC number each declare's ack named, by declare index. */
const declared = new Map<number, number>();
const attempts: StatusAttempt[] = [];
const ackAttempts: AckAttempt[] = [];
/** Forms that Slack never showed because the app called views.open too late. */
const unopenedForms: string[] = [];
/** Clicks a person makes on a button whose form Slack did not open in time, before giving up. */
const FORM_CLICKS = 3;
/** Forms that needed a second click, printed with the latencies: a figure of this machine, not a failure. */
let reclicks = 0;
let massPageIds: number[] = [];
const racedMassPages: number[] = [];
const racedOncallPages: number[] = [];
let clickers = 0;

let incidentRows: Incident[] = [];
let events: TimelineEvent[] = [];
let outboxRows: OutboxRow[] = [];
let pageRows: Page[] = [];
let notifications: PageNotification[] = [];
let runs: WorkflowRun[] = [];
let followupRows: Followup[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const appAt = (i: number): AppProcess => apps[i % apps.length]!;
const said = (r: SignedResponse | undefined) => (r?.json as { text?: string } | undefined)?.text ?? '';
const urlId = (url: string) => url.split('/').at(-1) ?? '';

/** Every request goes through here, so each one's HTTP status and time to answer is kept. */
async function send(what: string, request: Promise<SignedResponse>): Promise<SignedResponse | undefined> {
  try {
    const r = await request;
    answers.push({ what, status: r.status, ms: r.ms, body: r.text });
    return r;
  } catch (err) {
    answers.push({ what, status: 0, ms: Number.POSITIVE_INFINITY, body: String(err) });
    return undefined;
  }
}

function answerTo(responseUrl: string): Promise<ResponseUrlPost> {
  return emu.waitFor(() => emu.responses.find((r) => r.id === urlId(responseUrl)), 60_000);
}

const channelIdOf = (call: RecordedCall | undefined) => (call?.response as { channel?: { id?: string } } | undefined)?.channel?.id;
const isSummary = (m: EmuMessage) => (m.metadata as Metadata | undefined)?.event_type === SUMMARY_EVENT;

/**
 * The pinned summary as it looks right now: a person clicks whatever buttons it shows at that moment.
 * Dozens of these wait at once, so each poll looks only as far as it must.
 */
async function summaryOf(incidentId: number): Promise<EmuMessage> {
  const prefix = `inc-${incidentId}-`;
  const channel = await emu.waitFor(() => [...emu.channels.values()].find((c) => c.name.startsWith(prefix))?.id, 60_000);
  const summary = await emu.waitFor(() => emu.messages.find((m) => m.channel === channel && !m.deleted && isSummary(m)), 60_000);
  return { ...summary, blocks: structuredClone(summary.blocks) };
}

function hasButton(message: EmuMessage, actionId: string): boolean {
  return JSON.stringify(message.blocks).includes(`"action_id":"${actionId}"`);
}

/** The page a DM is about, from its Acknowledge button; undefined for any other message. */
function pageIdIn(blocks: unknown): number | undefined {
  type Element = { action_id?: string; value?: string };
  const elements = Array.isArray(blocks) ? (blocks as Array<{ elements?: Element[] }>).flatMap((b) => b.elements ?? []) : [];
  const value = elements.find((e) => e.action_id === 'page_acknowledge')?.value;
  return value === undefined ? undefined : Number(value);
}

const pageDmCalls = () => emu.okCallsOf('chat.postMessage').filter((c) => pageIdIn(c.args.blocks) !== undefined);

/** A page DM as its recipient saw it when it arrived, before any later chat.update took the buttons away. */
function dmAsSent(call: RecordedCall): { channel: string; ts: string; blocks: unknown[] } {
  const response = call.response as { channel: string; ts: string };
  return { channel: response.channel, ts: response.ts, blocks: call.args.blocks as unknown[] };
}

async function acknowledge(
  pageId: number,
  dm: { channel: string; ts: string; blocks: unknown[] },
  app: AppProcess,
  user: string,
): Promise<void> {
  const responseUrl = emu.responseUrl({ channel: dm.channel, user });
  if (!(await send(`acknowledge page ${pageId}`, clickButton(app.url, emu, dm, 'page_acknowledge', user, responseUrl)))) return;
  const answer = await answerTo(responseUrl);
  ackAttempts.push({ pageId, won: String(answer.body.text).startsWith('Acknowledged') });
}

/** Bolt's own answer when a listener has not acked within Slack's 3 s: Slack shows the person an error. */
const tooLateForSlack = (r: { status: number; ms: number }) => r.status === 404 && r.ms >= SLACK_ACK_MS;
/** Firewatch's own late path: past its deadline it acks empty (in time or not) and answers another way. */
const pastDeadline = (r: { status: number; text: string; ms: number }) => r.status === 200 && r.text === '' && r.ms >= ANSWER_DEADLINE_MS;

async function byCommand(incidentId: number, to: Status, app: AppProcess, note: string): Promise<void> {
  const responseUrl = emu.responseUrl({ channel: 'C0GENERAL', user: 'U0BOB' });
  const r = await send(
    `/incident status ${to} INC-${incidentId}`,
    slashCommand(app.url, emu, `status INC-${incidentId} ${to} ${note}`, { user: 'U0BOB', responseUrl }),
  );
  // A command answered after Slack stopped waiting tells the person at its response_url instead.
  const text = r && (tooLateForSlack(r) || pastDeadline(r)) ? String((await answerTo(responseUrl)).body.text) : said(r);
  attempts.push({ incidentId, to, outcome: text === `INC-${incidentId} is now ${to}.` ? 'changed' : 'refused' });
}

/** Change status the long way: the summary's button opens the form, which is submitted through another process. */
async function byForm(incidentId: number, wanted: Status, app: AppProcess, next: AppProcess, note: string): Promise<void> {
  const summary = await summaryOf(incidentId);
  // One person per form, so the form Slack shows can be told apart from everyone else's.
  const user = `U0FORM${++clickers}`;
  // Slack's trigger lasts 3 s; where this shared machine was slower, the person is told to click again, and does.
  let opened: EmuView | ResponseUrlPost | undefined;
  for (let click = 0; click < FORM_CLICKS; click++) {
    const responseUrl = emu.responseUrl({ channel: summary.channel, user });
    if (
      !(await send(
        `Change status button INC-${incidentId}`,
        clickButton(app.url, emu, summary, 'incident_change_status', user, responseUrl),
      ))
    )
      return;
    opened = await emu.waitFor<EmuView | ResponseUrlPost>(
      () => emu.views.find((v) => v.user === user) ?? emu.responses.find((r) => r.id === urlId(responseUrl)),
      60_000,
    );
    if ('view' in opened) break;
    if (!String(opened.body.text).includes('click again')) break;
    reclicks++;
  }
  if (!opened || !('view' in opened)) {
    unopenedForms.push(`INC-${incidentId}: ${JSON.stringify(opened?.body)}`);
    return;
  }
  type Select = { block_id?: string; element?: { options?: Array<{ value: string }> } };
  const offered =
    ((opened.view.blocks ?? []) as Select[]).find((b) => b.block_id === 'status')?.element?.options?.map((o) => o.value as Status) ?? [];
  const choices = offered.filter((s) => MOVES.includes(s));
  const to = choices.includes(wanted) ? wanted : choices[0];
  if (!to) return;
  const values = {
    status: { value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: to }, value: to } } },
    message: { value: { type: 'plain_text_input', value: note } },
  };
  const r = await send(`Change status form INC-${incidentId}`, submitView(next.url, emu, { ...opened.view, id: opened.id }, values, user));
  const dmTo = () => emu.messages.find((m) => emu.channels.get(m.channel)?.user === user);
  // An empty ack past Firewatch's deadline may be its late path (the outcome comes as a DM) or an acceptance just in time.
  const lateDm = r && pastDeadline(r) ? await emu.waitFor(dmTo, 5_000).catch(() => undefined) : undefined;
  if ((r && tooLateForSlack(r)) || lateDm) {
    // Too late for the form to show anything: the outcome comes as a DM to the person who submitted it.
    const dm = emu.textOf(lateDm ?? (await emu.waitFor(dmTo, 60_000)));
    attempts.push({ incidentId, to, outcome: dm.startsWith(`INC-${incidentId} is now ${to}.`) ? 'changed' : 'refused' });
    return;
  }
  // Accepted forms close with an empty ack; refused ones come back with the reason on the field.
  const outcome = r?.status !== 200 ? 'unanswered' : r.text === '' ? 'changed' : 'refused';
  attempts.push({ incidentId, to, outcome });
}

/** The summary's Resolve button, as it was rendered last: a stale one is refused, not applied twice. */
async function byButton(incidentId: number, wanted: Status, app: AppProcess, next: AppProcess, note: string): Promise<void> {
  const summary = await summaryOf(incidentId);
  if (!hasButton(summary, 'incident_resolve')) return byForm(incidentId, wanted, app, next, note);
  // The button carries no message: a person of its own tells two resolutions of one incident apart.
  const user = `U0RESOLVE${++clickers}`;
  const responseUrl = emu.responseUrl({ channel: summary.channel, user });
  if (!(await send(`Resolve button INC-${incidentId}`, clickButton(app.url, emu, summary, 'incident_resolve', user, responseUrl)))) return;
  const answer = await answerTo(responseUrl);
  attempts.push({ incidentId, to: 'resolved', outcome: answer.body.text === `INC-${incidentId} is now resolved.` ? 'changed' : 'refused' });
}

let notes = 0;
function changeStatus(incidentId: number, to: Status, replica: number): Promise<void> {
  // A unique message makes each accepted change a distinct timeline event, and gives a reopen its reason.
  const note = `Soak change ${++notes}`;
  const roll = Math.random();
  if (roll < 0.6) return byCommand(incidentId, to, appAt(replica), note);
  if (roll < 0.8) return byForm(incidentId, to, appAt(replica), appAt(replica + 1), note);
  return byButton(incidentId, to, appAt(replica), appAt(replica + 1), note);
}

/** Waves of two or three different moves of one incident, each through another process at the same moment. */
async function changeStatuses(incidentId: number, count: number, replica: number): Promise<void> {
  for (let left = count; left > 0;) {
    const size = Math.min(left, 2 + Math.floor(Math.random() * 2));
    const first = Math.floor(Math.random() * MOVES.length);
    await Promise.all(Array.from({ length: size }, (_, j) => changeStatus(incidentId, MOVES[(first + j) % MOVES.length]!, replica + j)));
    left -= size;
  }
}

/** Pages someone, then their Acknowledge lands on two processes while a third resolves the incident. */
async function raceAckAgainstResolve(incidentId: number, replica: number): Promise<void> {
  await send(
    `/incident page INC-${incidentId}`,
    slashCommand(appAt(replica).url, emu, `page INC-${incidentId} <@${ONCALL}> Soak race`, { user: 'U0BOB' }),
  );
  const call = await emu.waitFor(
    () =>
      emu.calls.find(
        (c) => c.args.channel === ONCALL && c.ok && c.method === 'chat.postMessage' && String(c.args.text).includes(`*INC-${incidentId}*`),
      ),
    60_000,
  );
  const pageId = pageIdIn(call.args.blocks)!;
  racedOncallPages.push(pageId);
  const dm = dmAsSent(call);
  await Promise.all([
    acknowledge(pageId, dm, appAt(replica), ONCALL),
    acknowledge(pageId, dm, appAt(replica + 1), ONCALL),
    byCommand(incidentId, 'resolved', appAt(replica + 2), 'Soak race resolved'),
  ]);
}

async function declareAndWork(i: number): Promise<void> {
  const r = await send(
    `/incident declare ${i}`,
    slashCommand(appAt(i).url, emu, `declare sev3 Soak incident ${i}`, { user: PEOPLE[i % PEOPLE.length] }),
  );
  const id = Number(/INC-(\d+)/.exec(said(r))?.[1]);
  if (!Number.isSafeInteger(id)) return;
  declared.set(i, id);
  let share = Math.floor(CHANGES / DECLARES) + (i < CHANGES % DECLARES ? 1 : 0);
  if (i < RACES && share > 0) {
    await raceAckAgainstResolve(id, i);
    share--;
  }
  await changeStatuses(id, share, i);
}

/**
 * Two acknowledgements of a page from two processes. node-cron sweeps on the wall-clock second, so the
 * pairs go out from a little before the next one to a little after, while the sweeps claim the due pages.
 */
async function raceAcksAgainstEscalation(): Promise<void> {
  const dms = pageDmCalls().filter((c) => c.args.channel === 'U0LEVELONE');
  const tick = 1_000 - (Date.now() % 1_000);
  await Promise.all(
    massPageIds.slice(0, RACES).map(async (pageId, k) => {
      const call = dms.find((c) => pageIdIn(c.args.blocks) === pageId);
      if (!call) throw new Error(`page ${pageId} has no first DM`);
      racedMassPages.push(pageId);
      await sleep(Math.max(0, tick - 150 + k * 50));
      const dm = dmAsSent(call);
      await Promise.all([acknowledge(pageId, dm, appAt(k), 'U0LEVELONE'), acknowledge(pageId, dm, appAt(k + 1), 'U0LEVELONE')]);
    }),
  );
}

/** Waits until nothing is left to deliver, escalate or run, twice in a row a moment apart, so a late duplicate shows. */
async function settle(own: Db, timeoutMs: number): Promise<void> {
  const started = Date.now();
  let quiet = 0;
  while (quiet < 2) {
    const [pending] = await own.select({ n: count() }).from(outbox).where(eq(outbox.status, 'pending'));
    const [due] = await own
      .select({ n: count() })
      .from(pages)
      .where(and(eq(pages.state, 'triggered'), lte(pages.nextEscalationAt, sql`now()`)));
    const [running] = await own.select({ n: count() }).from(workflowRuns).where(isNull(workflowRuns.finishedAt));
    quiet = pending?.n === 0 && due?.n === 0 && running?.n === 0 ? quiet + 1 : 0;
    if (Date.now() - started > timeoutMs)
      throw new Error(
        `still ${pending?.n} outbox rows pending, ${due?.n} pages due and ${running?.n} workflow runs unfinished after ${timeoutMs} ms`,
      );
    await sleep(quiet ? 2_000 : 250);
  }
}

/** A log line short enough to read in a failure: its message and the last line of its error, where the cause is. */
function logLine(line: string): string {
  try {
    const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
    return `${entry.msg ?? ''}: ${entry.err?.message?.split('\n').at(-1) ?? ''}`;
  } catch {
    return line.slice(0, 300);
  }
}

/** What is left of `items` after taking away each of `taken` once; undefined when one of them is not there. */
function without<T>(items: readonly T[], taken: readonly T[]): T[] | undefined {
  const left = [...items];
  for (const item of taken) {
    const at = left.indexOf(item);
    if (at === -1) return undefined;
    left.splice(at, 1);
  }
  return left;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

// Several processes share one database only on Postgres; PGlite is one process by design.
describe.runIf(process.env.DATABASE_URL)(
  `three Firewatch processes under ${DECLARES} declares, ${CHANGES} status changes and ${PAGES} due pages`,
  () => {
    beforeAll(async () => {
      db = await createTestDatabase();
      emu = await startEmulator();
      const own = db.database.db;

      // The pages are triggered before any process runs; their escalation is what falls due under load.
      for (let i = 0; i < PAGES; i++) {
        const channel = emu.addChannel({ name: `paged-${i}`, members: new Set([emu.botUserId]) });
        await own.transaction(async (tx) => {
          const [incident] = await tx
            .insert(incidents)
            .values({
              title: `Paged incident ${i}`,
              severity: 'sev1',
              status: 'investigating',
              declaredBy: 'U0ALICE',
              leadId: 'U0ALICE',
              channelId: channel.id,
              channelName: channel.name,
            })
            .returning();
          await triggerPage(tx, { incident: incident!, policy: MASS_POLICY, rules: SLACK_ONLY, actor: 'U0ALICE', message: undefined });
        });
      }
      massPageIds = (await own.select({ id: pages.id }).from(pages).orderBy(asc(pages.id))).map((p) => p.id);

      apps.push(...(await Promise.all([spawnApp(emu, db, CONFIG), spawnApp(emu, db, CONFIG), spawnApp(emu, db, CONFIG)])));
      // The acknowledgements below click these first DMs.
      await emu.waitFor(() => pageDmCalls().filter((c) => c.args.channel === 'U0LEVELONE').length >= PAGES, 60_000);

      await Promise.all([
        ...Array.from({ length: DECLARES }, (_, i) => declareAndWork(i)),
        own
          .update(pages)
          .set({ nextEscalationAt: sql`now()` })
          .where(inArray(pages.id, massPageIds))
          .then(raceAcksAgainstEscalation),
      ]);
      await settle(own, 90_000);

      incidentRows = await own.select().from(incidents).orderBy(asc(incidents.id));
      events = await own.select().from(timelineEvents).orderBy(asc(timelineEvents.id));
      outboxRows = await own.select().from(outbox).orderBy(asc(outbox.id));
      pageRows = await own.select().from(pages).orderBy(asc(pages.id));
      notifications = await own.select().from(pageNotifications).orderBy(asc(pageNotifications.id));
      runs = await own.select().from(workflowRuns).orderBy(asc(workflowRuns.id));
      followupRows = await own.select().from(followups).orderBy(asc(followups.id));
    }, 170_000);

    afterAll(async () => {
      for (const app of apps) await app.kill('SIGKILL');
      await emu?.close();
      await db?.destroy();
    });

    it("answers every request: within Slack's 3 s, or, where this shared machine was too slow for that, at its response_url", () => {
      const sorted = answers.map((a) => a.ms).sort((a, b) => a - b);
      const at = (q: number) => Math.round(sorted[Math.floor(q * (sorted.length - 1))] ?? 0);
      const late = answers.filter((a) => a.ms >= SLACK_ACK_MS);
      console.info(
        `${answers.length} answers: median ${at(0.5)} ms, p99 ${at(0.99)} ms, slowest ${at(1)} ms; ${late.length} after ${SLACK_ACK_MS} ms: ${late.map((a) => a.what).join(', ')}; ${reclicks} form(s) opened only on a second click`,
      );
      // What a late command or form came to was read from its response_url or the submitter's DMs above;
      // buttons answer at their response_url anyway.
      expect(answers.filter((a) => a.status !== 200 && !tooLateForSlack(a))).toEqual([]);
      expect(answers.filter((a) => a.ms >= STUCK_MS)).toEqual([]);
      expect(unopenedForms).toEqual([]);
    });

    it('gives every declared incident its own number', () => {
      expect(declared.size).toBe(DECLARES);
      expect(new Set(declared.values()).size).toBe(DECLARES);
      expect(incidentRows).toHaveLength(PAGES + DECLARES);
      // Each ack names the incident that its own declare recorded.
      for (const [i, id] of declared) expect(incidentRows.find((r) => r.id === id)?.title, `INC-${id}`).toBe(`Soak incident ${i}`);
    });

    it('creates exactly one channel per declared incident, each under its own name', () => {
      const created = emu.okCallsOf('conversations.create');
      expect(created).toHaveLength(DECLARES);
      expect(new Set(created.map((c) => String(c.args.name))).size).toBe(DECLARES);
      for (const id of declared.values()) {
        const calls = created.filter((c) => String(c.args.name).startsWith(`inc-${id}-`));
        expect(calls, `INC-${id}`).toHaveLength(1);
        expect(incidentRows.find((r) => r.id === id)?.channelId).toBe(channelIdOf(calls[0]));
      }
    });

    it('posts, pins and announces each summary once', () => {
      for (const id of declared.values()) {
        const channel = incidentRows.find((r) => r.id === id)?.channelId ?? '';
        const summaries = emu.messagesIn(channel).filter(isSummary);
        expect(summaries, `INC-${id} summaries`).toHaveLength(1);
        expect(
          emu.pins.filter((p) => p.channel === channel).map((p) => p.ts),
          `INC-${id} pins`,
        ).toEqual([summaries[0]!.ts]);
        const announcements = emu.messagesIn(ANNOUNCE).filter((m) => {
          const metadata = m.metadata as Metadata | undefined;
          return metadata?.event_type === ANNOUNCEMENT_EVENT && metadata.event_payload?.incident_id === id;
        });
        expect(announcements, `INC-${id} announcements`).toHaveLength(1);
      }
    });

    it('records each accepted status change once, in an unbroken chain that ends at the stored status', () => {
      expect(attempts).toHaveLength(CHANGES);
      expect(attempts.filter((a) => a.outcome === 'changed').length).toBeGreaterThan(DECLARES);
      for (const id of declared.values()) {
        const asked = (outcome: Outcome) => attempts.filter((a) => a.incidentId === id && a.outcome === outcome).map((a) => a.to);
        const changes = events.filter((e) => e.incidentId === id && e.kind === 'status_changed');
        const recorded = changes.map((e) => e.data.to as Status);
        const unacknowledged = without(recorded, asked('changed'));
        expect(unacknowledged, `INC-${id}: recorded ${recorded.join(', ')}; acknowledged ${asked('changed').join(', ')}`).toBeDefined();
        // Slack's answer was lost for these, not the change: each may have been made, once, and nothing else.
        expect(
          without(asked('unanswered'), unacknowledged ?? []),
          `INC-${id}: recorded without a request: ${unacknowledged?.join(', ')}`,
        ).toBeDefined();
        let status: Status = 'investigating';
        for (const change of changes) {
          expect(change.data.from, `INC-${id} event ${change.id}`).toBe(status);
          expect(
            decideStatusChange(status, change.data.to as Status, change.data.message as string | undefined).ok,
            `INC-${id} event ${change.id}`,
          ).toBe(true);
          status = change.data.to as Status;
        }
        expect(incidentRows.find((r) => r.id === id)?.status, `INC-${id}`).toBe(status);
      }
    });

    it('sends each page notification exactly once, and none for a page that ended first', () => {
      const calls = pageDmCalls();
      // Each person here is paged at one level only, so a page and a recipient name one notification.
      const perRecipient = [...countBy(calls, (c) => `page ${pageIdIn(c.args.blocks)} to ${String(c.args.channel)}`)].filter(
        ([, n]) => n > 1,
      );
      expect(perRecipient).toEqual([]);
      // A DM posted twice for one notification leaves a message that no notification row points to.
      const sent = calls.map((c) => `${dmAsSent(c).channel}/${dmAsSent(c).ts}`).sort();
      expect(sent).toEqual(
        notifications
          .filter((n) => n.dmTs)
          .map((n) => `${n.dmChannel}/${n.dmTs}`)
          .sort(),
      );
      for (const n of notifications.filter((x) => !x.dmTs)) {
        const row = outboxRows.find((r) => r.kind === 'page.dm' && r.payload.notificationId === n.id);
        expect(row?.result?.skipped, `notification ${n.id} of page ${n.pageId}`).toBeDefined();
      }
      // Every page nobody acknowledged reached its second level once, and both levels were told.
      for (const page of pageRows.filter((p) => massPageIds.includes(p.id) && !racedMassPages.includes(p.id))) {
        expect([page.state, page.level], `page ${page.id}`).toEqual(['triggered', 1]);
        expect(
          notifications
            .filter((n) => n.pageId === page.id && n.dmTs)
            .map((n) => n.userId)
            .sort(),
          `page ${page.id}`,
        ).toEqual(['U0LEVELONE', 'U0LEVELTWO']);
      }
    });

    it('lets one of two racing acknowledgements win, whether the escalation or a resolve came first', () => {
      expect(racedMassPages).toHaveLength(RACES);
      expect(racedOncallPages).toHaveLength(RACES);
      const kinds = (pageId: number, kind: string) => events.filter((e) => e.kind === kind && e.data.pageId === pageId).length;
      for (const pageId of [...racedMassPages, ...racedOncallPages]) {
        const page = pageRows.find((p) => p.id === pageId)!;
        const clicks = ackAttempts.filter((a) => a.pageId === pageId);
        expect(clicks, `page ${pageId}`).toHaveLength(2);
        const won = clicks.filter((a) => a.won).length;
        // A resolve that came first ends the page, and then neither click may acknowledge it.
        expect(won, `page ${pageId} (${page.state})`).toBe(page.state === 'acknowledged' ? 1 : 0);
        expect(kinds(pageId, 'page_acknowledged'), `page ${pageId}`).toBe(won);
        expect(kinds(pageId, 'page_resolved'), `page ${pageId}`).toBe(page.state === 'resolved' ? 1 : 0);
      }
      for (const pageId of racedMassPages) expect(pageRows.find((p) => p.id === pageId)?.state, `page ${pageId}`).toBe('acknowledged');
    });

    it('runs each declaration’s workflow once, whichever process matched it, each action once', () => {
      for (const id of declared.values()) {
        const key = `INC-${id}`;
        const own = runs.filter((r) => r.incidentId === id);
        expect(
          own.map((r) => r.results.map((a) => [a.action, a.ok])),
          key,
        ).toEqual([
          [
            ['followup', true],
            ['post', true],
          ],
        ]);
        expect(followupRows.filter((f) => f.incidentId === id && f.text === `Review ${key}`).length, `${key} follow-ups`).toBe(1);
        const channel = incidentRows.find((r) => r.id === id)?.channelId ?? '';
        expect(emu.messagesIn(channel).filter((m) => m.text === `WORKFLOW ${key}`).length, `${key} posts`).toBe(1);
        expect(events.filter((e) => e.incidentId === id && e.kind === 'workflow_ran').length, `${key} workflow_ran`).toBe(1);
      }
    });

    it('records no timeline event twice', () => {
      // How late a sweep ran differs between two escalations of the same step; nothing else may.
      const identity = (e: TimelineEvent) => JSON.stringify([e.incidentId, e.kind, e.actor, { ...e.data, lateMs: undefined }]);
      expect([...countBy(events, identity)].filter(([, n]) => n > 1)).toEqual([]);
      for (const id of declared.values())
        expect(
          events.filter((e) => e.incidentId === id && e.kind === 'declared'),
          `INC-${id}`,
        ).toHaveLength(1);
    });

    it('delivers every outbox row', () => {
      expect(outboxRows.filter((r) => r.status !== 'done').map((r) => [r.incidentId, r.kind, r.status, r.attempts, r.lastError])).toEqual(
        [],
      );
    });

    it('answers every request with its outcome, never with a database failure', () => {
      const failures = [...answers.map((a) => a.body), ...emu.responses.map((r) => JSON.stringify(r.body))].filter((text) =>
        text.includes('Firewatch could not'),
      );
      expect(failures).toEqual([]);
    });

    it('keeps all three processes alive, with no deadlock or error logged', () => {
      for (const [i, app] of apps.entries()) {
        expect(app.child.exitCode, `process ${i}`).toBeNull();
        expect(app.child.signalCode, `process ${i}`).toBeNull();
        const lines = app.output().split('\n');
        expect(lines.filter((line) => line.includes('deadlock detected')).map(logLine), `process ${i}`).toEqual([]);
        // Bolt logs a late ack as an error; the test above checks that each late answer still reached its person.
        const errors = lines.filter((line) => /"level":(50|60)/.test(line) && !line.includes('was not acknowledged within 3 seconds'));
        expect(errors.map(logLine), `process ${i}`).toEqual([]);
      }
    });
  },
);
