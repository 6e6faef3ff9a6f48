import { asc, count, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/client.js';
import {
  followups,
  incidents,
  jobRuns,
  notificationAttempts,
  outbox,
  pageNotifications,
  pages,
  timelineEvents,
  type Incident,
  type NotificationAttempt,
  type OutboxRow,
  type Page,
  type PageNotification,
  type TimelineEvent,
  type WorkflowRun,
  workflowRuns,
} from '../../src/db/schema.js';
import { DIGEST_JOB } from '../../src/digests/job.js';
import { ANNOUNCE, startEmulator } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { spawnApp, type AppProcess } from '../support/process.js';
import type { RecordedCall, SlackEmulator } from '../support/slack-emulator/index.js';
import { slashCommand } from '../support/slack-requests.js';
import { SmtpTestServer } from '../support/smtp-server.js';
import { TwilioEmulator } from '../support/twilio-emulator/index.js';

/** Kills per run: at least 20 in a real soak (SOAK_KILLS), fewer in CI's modest run. */
const KILLS = Number(process.env.SOAK_KILLS ?? 5);
const DIGEST = 'C0DIGEST';
const STEPS = 'C0STEPS';
const LEVEL_ONE = 'U0LEVELONE';
const LEVEL_TWO = 'U0LEVELTWO';
/** Each paged person is texted and e-mailed at once, beside the Slack DM. */
const PHONES: Record<string, string> = { [LEVEL_ONE]: '+4915110000001', [LEVEL_TWO]: '+4915110000002' };
const EMAILS: Record<string, string> = { [LEVEL_ONE]: 'level-one@example.com', [LEVEL_TWO]: 'level-two@example.com' };
/**
 * Every declare pages a policy whose second level falls due 2 s later and which runs out 2 s after that,
 * so escalations come due while later processes run and die; a digest falls due every 2 s, and each
 * restart also catches up the one it missed. Each person is paged at one level only, so a page and a
 * recipient name one notification.
 */
const CONFIG = {
  announcements_channel: ANNOUNCE,
  escalation_tick: '* * * * * *',
  severities: [
    { id: 'sev1', label: 'Critical', update_every: '30m' },
    { id: 'sev2', label: 'Major', update_every: '1h' },
    { id: 'sev3', label: 'Minor', update_every: '4h', page: 'crash' },
    { id: 'sev4', label: 'Low', update_every: '1d' },
  ],
  escalation_policies: [
    {
      id: 'crash',
      repeat: 0,
      levels: [
        { delay: '2s', targets: [{ user: LEVEL_ONE }] },
        { delay: '2s', targets: [{ user: LEVEL_TWO }] },
      ],
    },
  ],
  digest: { channel: DIGEST, schedule: '*/2 * * * * *' },
  // Three steps for every declaration, so kills land between a workflow's actions too.
  workflows: [
    {
      id: 'steps',
      when: 'declared',
      do: [
        { post: { channel: STEPS, text: 'STEP1 {{incident.key}}' } },
        { followup: { text: 'STEP2 {{incident.key}}', owner: LEVEL_ONE } },
        { post: { channel: STEPS, text: 'STEP3 {{incident.key}}' } },
      ],
    },
  ],
  people: [LEVEL_ONE, LEVEL_TWO].map((user) => ({
    user,
    phone: PHONES[user],
    email: EMAILS[user],
    rules: [{ after: '0m', via: ['slack', 'sms', 'email'] }],
  })),
};
/**
 * The last process only finishes what the killed ones left, digests included. A digest of its own that
 * fell due as it is stopped would stay pending (a graceful stop leaves new rows to the next process),
 * which is not a failure but would hide one here; its digests fall due on New Year's midnight only.
 */
const FINAL_CONFIG = { ...CONFIG, digest: { ...CONFIG.digest, schedule: '0 0 0 1 1 *' } };
const SUMMARY_EVENT = 'firewatch_incident_summary';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const digestsClaimed = async (watch: Db): Promise<number> =>
  (await watch.select({ n: count() }).from(jobRuns).where(eq(jobRuns.job, DIGEST_JOB)))[0]?.n ?? 0;

/**
 * Waits for the moment a round's process dies: every fourth round, from the third, while Twilio holds
 * its answer to an SMS it took; on other even rounds while its declare and status change are in flight; on odd rounds up to 300 ms after it claims a digest (the one it caught up on at start, or the
 * one due on the next even second, when the escalation sweep runs too), so the kill finds the digest and
 * the escalations being built or delivered.
 * The odd rounds also make sure some digest fell due before the last process, whose own never do.
 */
async function killPoint(round: number, watch: Db): Promise<void> {
  if (round % 4 === 2) {
    // Twilio took an SMS and has not answered yet: the process dies with the SMS sent and nothing recorded.
    const before = twilio.messages.length;
    const started = Date.now();
    while (twilio.messages.length === before && Date.now() - started < 5_000) await sleep(10);
    await sleep(Math.random() * (twilio.answerDelayMs / 2));
    return;
  }
  if (round % 2 === 0) {
    await sleep(50 + Math.random() * 400);
    return;
  }
  const before = await digestsClaimed(watch);
  const started = Date.now();
  // A digest falls due every 2 s; a process too slow to claim one in 5 s is killed anyway.
  while ((await digestsClaimed(watch)) === before && Date.now() - started < 5_000) await sleep(20);
  await sleep(Math.random() * 300);
}

/** The page a DM is about, from its Acknowledge button; undefined for any other message. */
function pageIdIn(blocks: unknown): number | undefined {
  type Element = { action_id?: string; value?: string };
  const elements = Array.isArray(blocks) ? (blocks as Array<{ elements?: Element[] }>).flatMap((b) => b.elements ?? []) : [];
  const value = elements.find((e) => e.action_id === 'page_acknowledge')?.value;
  return value === undefined ? undefined : Number(value);
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/**
 * Waits until nothing is left to deliver, no page is still escalating and no workflow run is unfinished,
 * twice in a row a moment apart, so a late duplicate shows. Nobody acknowledges here, so every page runs
 * out within seconds of falling due; rows leased by a killed process come back when its lease (15 s) runs
 * out, and a run it left half done is carried on once it has stalled (STALLED_AFTER_MS).
 */
async function settle(watch: Db, timeoutMs: number): Promise<void> {
  const started = Date.now();
  let quiet = 0;
  while (quiet < 2) {
    const [pending] = await watch.select({ n: count() }).from(outbox).where(eq(outbox.status, 'pending'));
    const [escalating] = await watch.select({ n: count() }).from(pages).where(eq(pages.state, 'triggered'));
    const [running] = await watch.select({ n: count() }).from(workflowRuns).where(isNull(workflowRuns.finishedAt));
    quiet = pending?.n === 0 && escalating?.n === 0 && running?.n === 0 ? quiet + 1 : 0;
    if (Date.now() - started > timeoutMs)
      throw new Error(
        `still ${pending?.n} outbox rows pending, ${escalating?.n} pages escalating and ${running?.n} workflow runs unfinished after ${timeoutMs} ms`,
      );
    await sleep(quiet ? 2_000 : 500);
  }
}

let db: TestDatabase;
let emu: SlackEmulator;
const twilio = new TwilioEmulator();
const smtp = new SmtpTestServer();
let attempts: NotificationAttempt[] = [];
const alive: AppProcess[] = [];

/**
 * Incidents whose declare was acknowledged, the status their last acknowledged change left, and a status
 * asked for whose answer died with its process (the change may or may not have been made).
 */
const acked: Array<{ id: number; status: string; unanswered?: string }> = [];
let incidentRows: Incident[] = [];
let outboxRows: OutboxRow[] = [];
let pageRows: Page[] = [];
let notifications: PageNotification[] = [];
let events: TimelineEvent[] = [];
let runs: WorkflowRun[] = [];
let followupTexts: string[] = [];

const pageDmCalls = (): RecordedCall[] => emu.okCallsOf('chat.postMessage').filter((c) => pageIdIn(c.args.blocks) !== undefined);

// Postgres only: the test watches the database from outside while the app runs, which embedded PGlite (one
// process at a time) does not allow.
describe.runIf(process.env.DATABASE_URL)(
  `a process killed ${KILLS} times while it declares, changes status, escalates and posts digests`,
  () => {
    beforeAll(
      async () => {
        db = await createTestDatabase();
        await db.database.close();
        emu = await startEmulator();
        emu.addChannel({ id: DIGEST, name: 'stakeholders', members: new Set([emu.botUserId]) });
        emu.addChannel({ id: STEPS, name: 'steps', members: new Set([emu.botUserId]) });
        await Promise.all([twilio.start(), smtp.start()]);
        twilio.answerDelayMs = 400;
        const providers = {
          ...twilio.env(),
          SMTP_URL: smtp.url,
          SMTP_FROM: 'pager@firewatch.test',
        };

        const watcher = await openDatabase({ url: db.url, dataDir: db.dataDir });
        try {
          for (let round = 0; round < KILLS; round++) {
            const app = await spawnApp(emu, db, CONFIG, providers);
            alive.push(app);
            // Work in flight when the kill comes: a declare (which pages), and a status change of an earlier
            // incident; the escalations, page DMs and digests of earlier rounds run alongside on their own timers.
            const work = (async () => {
              const declared = await slashCommand(app.url, emu, `declare sev3 Crash loop round ${round}`).catch(() => undefined);
              const id = Number(/INC-(\d+)/.exec(declared?.text ?? '')?.[1]);
              if (Number.isSafeInteger(id)) acked.push({ id, status: 'investigating' });
              const earlier = acked[Math.floor(Math.random() * acked.length)];
              if (earlier && earlier.status === 'investigating') {
                const changed = await slashCommand(app.url, emu, `status INC-${earlier.id} identified Round ${round}`).catch(
                  () => undefined,
                );
                if (changed?.status !== 200) earlier.unanswered = 'identified';
                // "already identified": an earlier round's change was made though its answer died with the process.
                else if (/is (now|already) identified/.test(changed.text)) earlier.status = 'identified';
              }
            })();
            await killPoint(round, watcher.db);
            await app.kill('SIGKILL');
            await work.catch(() => {});
          }

          // What the killed processes got done, so a run shows whether escalations and digests were under way.
          const [escalated] = await watcher.db.select({ n: count() }).from(timelineEvents).where(eq(timelineEvents.kind, 'page_escalated'));
          const [digests] = await watcher.db.select({ n: count() }).from(outbox).where(eq(outbox.kind, 'digest.post'));
          const [halfDone] = await watcher.db.select({ n: count() }).from(workflowRuns).where(isNull(workflowRuns.finishedAt));
          console.info(
            `before the last restart: ${acked.length} declares answered, ${escalated?.n} escalations, ${pageDmCalls().length} page DMs, ${digests?.n} digests claimed, ${emu.messagesIn(DIGEST).length} posted, ${twilio.messages.length} SMS (${twilio.answersLost} unanswered), ${smtp.received.length} e-mails, ${halfDone?.n} workflow runs unfinished`,
          );

          const last = await spawnApp(emu, db, FINAL_CONFIG, providers);
          alive.push(last);
          const setUp = () =>
            acked.every(({ id }) => {
              const channel = emu.okCallsOf('conversations.create').find((c) => String(c.args.name).startsWith(`inc-${id}-`));
              const channelId = (channel?.response as { channel?: { id?: string } } | undefined)?.channel?.id;
              if (!channelId) return false;
              return (
                emu.pins.some((p) => p.channel === channelId) &&
                emu.messagesIn(ANNOUNCE).some((m) => emu.textOf(m).includes(`<#${channelId}>`))
              );
            });
          await emu.waitFor(setUp, 60_000);
          // Incidents committed by a killed process without an ack are set up too, and its leased deliveries
          // done, once its leases run out.
          await settle(watcher.db, 90_000);
          await last.kill('SIGTERM');

          incidentRows = await watcher.db.select().from(incidents).orderBy(asc(incidents.id));
          outboxRows = await watcher.db.select().from(outbox).orderBy(asc(outbox.id));
          pageRows = await watcher.db.select().from(pages).orderBy(asc(pages.id));
          notifications = await watcher.db.select().from(pageNotifications).orderBy(asc(pageNotifications.id));
          events = await watcher.db.select().from(timelineEvents).orderBy(asc(timelineEvents.id));
          attempts = await watcher.db.select().from(notificationAttempts).orderBy(asc(notificationAttempts.id));
          runs = await watcher.db.select().from(workflowRuns).orderBy(asc(workflowRuns.id));
          followupTexts = (await watcher.db.select({ text: followups.text }).from(followups)).map((f) => f.text);
        } finally {
          await watcher.close();
        }
      },
      150_000 + KILLS * 20_000,
    );

    afterAll(async () => {
      for (const p of alive) await p.kill('SIGKILL');
      await emu?.close();
      await Promise.all([twilio.stop(), smtp.stop()]);
      await db?.destroy();
    });

    it('sets up every committed incident exactly once, acknowledged or not', () => {
      expect(acked.length).toBeGreaterThan(0);
      for (const incident of incidentRows) {
        const channels = [...emu.channels.values()].filter((c) => c.name.startsWith(`inc-${incident.id}-`));
        expect(channels, `INC-${incident.id} channels`).toHaveLength(1);
        const channelId = channels[0]!.id;
        expect(incident.channelId).toBe(channelId);
        const summaries = emu
          .messagesIn(channelId)
          .filter((m) => (m.metadata as { event_type?: string } | undefined)?.event_type === SUMMARY_EVENT);
        expect(summaries, `INC-${incident.id} summaries`).toHaveLength(1);
        const effects = outboxRows.filter((r) => r.incidentId === incident.id).map((r) => [r.kind, r.status, r.attempts, r.lastError]);
        expect(
          emu.messagesIn(ANNOUNCE).filter((m) => !m.thread_ts && emu.textOf(m).includes(`<#${channelId}>`)),
          `INC-${incident.id} announcements; outbox ${JSON.stringify(effects)}; private ${incident.isPrivate}; announce ${incident.announcementChannel}`,
        ).toHaveLength(1);
      }
    });

    it('keeps every acknowledged status change', () => {
      for (const { id, status, unanswered } of acked) {
        // A change whose answer died with its process may or may not have been made; an acknowledged one was.
        const possible = unanswered ? [status, unanswered] : [status];
        expect(possible, `INC-${id}`).toContain(incidentRows.find((r) => r.id === id)?.status);
      }
    });

    it('escalates every unacknowledged page to its last level once, and runs it out once', () => {
      // Each declare pages once, whichever process committed it.
      expect(pageRows.map((p) => p.incidentId).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(incidentRows.map((i) => i.id));
      const of = (page: Page, kind: string) => events.filter((e) => e.kind === kind && e.data.pageId === page.id);
      for (const page of pageRows) {
        expect([page.state, page.level, page.loop], `page ${page.id}`).toEqual(['exhausted', 1, 0]);
        expect(
          of(page, 'page_escalated').map((e) => e.data.level),
          `page ${page.id} escalations`,
        ).toEqual([1]);
        expect(of(page, 'page_exhausted'), `page ${page.id} exhaustions`).toHaveLength(1);
      }
    });

    it('sends each page notification exactly once, to both levels of every page', () => {
      const calls = pageDmCalls();
      const perRecipient = [...countBy(calls, (c) => `page ${pageIdIn(c.args.blocks)} to ${String(c.args.channel)}`)].filter(
        ([, n]) => n > 1,
      );
      expect(perRecipient).toEqual([]);
      // A DM posted twice for one notification leaves a message that no notification row points to.
      const sent = calls
        .map((c) => c.response as { channel: string; ts: string })
        .map((r) => `${r.channel}/${r.ts}`)
        .sort();
      expect(sent).toEqual(
        notifications
          .filter((n) => n.dmTs)
          .map((n) => `${n.dmChannel}/${n.dmTs}`)
          .sort(),
      );
      // No page ended by an acknowledgement or a resolve, so no notification was skipped.
      for (const page of pageRows) {
        const told = notifications.filter((n) => n.pageId === page.id);
        expect(told.map((n) => [n.userId, Boolean(n.dmTs)]).sort(), `page ${page.id}`).toEqual([
          [LEVEL_ONE, true],
          [LEVEL_TWO, true],
        ]);
      }
    });

    it('texts and e-mails everyone paged once per page, the SMS Twilio took as a process died included', () => {
      expect(attempts.length).toBe(notifications.length * 2);
      for (const attempt of attempts) {
        const page = `INC-${attempt.incidentId} `;
        expect([attempt.state, attempt.providerId === null], `attempt ${attempt.id}`).toEqual(['sent', false]);
        if (attempt.method === 'sms') {
          const texts = twilio.messagesTo(PHONES[attempt.userId]!).filter((m) => m.body.includes(page));
          expect(
            texts.map((m) => m.sid),
            `SMS of attempt ${attempt.id}`,
          ).toEqual([attempt.providerId]);
        } else {
          // SMTP cannot be asked what it took: a process that died between its answer and the commit sends
          // the same message again, one Message-ID, which the mailbox shows once.
          const mails = smtp.to(EMAILS[attempt.userId]!).filter((r) => r.mail.subject?.includes(page));
          expect(mails.length, `e-mails of attempt ${attempt.id}`).toBeGreaterThan(0);
          expect(new Set(mails.map((r) => r.mail.messageId)), `Message-IDs of attempt ${attempt.id}`).toEqual(
            new Set([attempt.providerId]),
          );
        }
      }
      expect(twilio.messages.length, 'SMS sent').toBe(attempts.filter((a) => a.method === 'sms').length);
      // The third round's process died while Twilio held its answer to an SMS it had taken.
      if (KILLS > 2) expect(twilio.answersLost, 'SMS whose answer died with its process').toBeGreaterThan(0);
    });

    it('posts each due digest at most once', () => {
      const due = outboxRows.filter((r) => r.kind === 'digest.post' && r.payload.job === DIGEST_JOB && r.payload.userId === undefined);
      const delivered = due.filter((r) => r.status === 'done');
      expect(delivered.length).toBeGreaterThan(0);
      const posted = emu.messagesIn(DIGEST);
      // Each due time's digest reads "since" the previous one, so two identical messages are one due time twice.
      const repeated = [...countBy(posted, (m) => emu.textOf(m))].filter(([, n]) => n > 1).map(([, n]) => n);
      expect(
        posted.length,
        `${posted.length} digests posted for ${delivered.length} delivered due times; identical digests posted ${JSON.stringify(repeated)} times`,
      ).toBe(delivered.length);
    });

    it('records no timeline event twice', () => {
      // How late a sweep ran differs between two escalations of the same step; nothing else may.
      const identity = (e: TimelineEvent) => JSON.stringify([e.incidentId, e.kind, e.actor, { ...e.data, lateMs: undefined }]);
      expect([...countBy(events, identity)].filter(([, n]) => n > 1)).toEqual([]);
    });

    it('runs every declaration’s workflow once, each of its actions once, killed mid-run or not', () => {
      expect(runs.map((r) => r.incidentId).sort((a, b) => a - b)).toEqual(incidentRows.map((i) => i.id));
      const steps = emu.messagesIn(STEPS).map((m) => m.text);
      for (const run of runs) {
        const key = `INC-${run.incidentId}`;
        expect(
          run.results.map((r) => [r.action, r.ok]),
          `${key} results`,
        ).toEqual([
          ['post', true],
          ['followup', true],
          ['post', true],
        ]);
        expect(steps.filter((t) => t === `STEP1 ${key}`).length, `${key} STEP1`).toBe(1);
        expect(followupTexts.filter((t) => t === `STEP2 ${key}`).length, `${key} STEP2`).toBe(1);
        expect(steps.filter((t) => t === `STEP3 ${key}`).length, `${key} STEP3`).toBe(1);
        expect(events.filter((e) => e.kind === 'workflow_ran' && e.incidentId === run.incidentId).length, `${key} workflow_ran`).toBe(1);
      }
    });

    it('delivers every outbox row', () => {
      expect(outboxRows.filter((r) => r.status !== 'done').map((r) => [r.incidentId, r.kind, r.status, r.lastError])).toEqual([]);
    });
  },
);
