/**
 * 1,000 pages due at once, each for its own person with Slack + push + e-mail at 0 and SMS at 1 minute,
 * through the real providers' protocols (a real SMTP server, the ntfy and Twilio emulators) from a
 * Firewatch server process. Measures, for each first notification, how long after the page fell due its
 * provider had it, and, for each acknowledgement by e-mailed link, how long until the page's last pending
 * notification (the SMS) was cancelled. No SMS may go out: every page is acknowledged before its minute.
 * BENCH_PAGES sets how many pages (default 1,000); BENCH_PROFILE=<dir> writes the server's CPU profile there.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import type { Database } from '../src/db/client.js';
import { incidents, notificationAttempts, pages, type NewIncident } from '../src/db/schema.js';
import type { FrozenPolicy } from '../src/paging/policy.js';
import type { FrozenRules } from '../src/paging/rules.js';
import { NtfyEmulator } from '../test/support/ntfy-emulator.js';
import { spawnApp } from '../test/support/process.js';
import type { SlackEmulator } from '../test/support/slack-emulator/index.js';
import { SmtpTestServer } from '../test/support/smtp-server.js';
import { TwilioEmulator } from '../test/support/twilio-emulator/index.js';
import { percentile, type Row } from './server.js';

const PAGES = Number(process.env.BENCH_PAGES ?? 1_000);
const ACKS_IN_FLIGHT = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const userOf = (i: number) => `U0PB${String(i).padStart(5, '0')}`;
const topicOf = (i: number) => `bench-pager-${i}`;
const emailOf = (i: number) => `pager-${i}@example.com`;

const RULES: FrozenRules = {
  defaults: [
    { after: 0, via: ['slack', 'push', 'email'] },
    { after: 60_000, via: ['sms'] },
  ],
  people: {},
};

/** Level 1 pages nobody of this bench; each page's level 2, which falls due at once, is its own person. */
const policyFor = (i: number): FrozenPolicy => ({
  id: 'bench-wake',
  repeat: 0,
  levels: [
    { delayMs: 3_600_000, targets: [{ user: 'U0PBNOBODY' }] },
    { delayMs: 3_600_000, targets: [{ user: userOf(i) }] },
  ],
});

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() - started > timeoutMs) throw new Error(`paging bench: ${what} within ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** The same sends from Firewatch's senders alone, in a process of their own: what no database work can go below. */
async function providerFloor(emu: SlackEmulator, rows: Row[]): Promise<void> {
  const smtp = await new SmtpTestServer().start();
  const ntfy = await new NtfyEmulator().start();
  try {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SLACK_BOT_TOKEN: emu.botToken,
      SLACK_SIGNING_SECRET: 'bench-floor-signing-secret',
      SLACK_API_URL: emu.url,
      SMTP_URL: smtp.url,
      SMTP_FROM: 'pager@firewatch.bench',
      NTFY_URL: ntfy.url,
      BENCH_PAGES: String(PAGES),
    };
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/provider-floor.ts'], {
      env,
      maxBuffer: 1 << 20,
    });
    const floor = JSON.parse(stdout.trim().split('\n').at(-1)!) as { sends: number; wallMs: number; cpuMs: number };
    rows.push({
      what: `floor: the same ${floor.sends} sends from Firewatch's senders alone, no database (wall; CPU ${Math.round(floor.cpuMs)} ms)`,
      n: floor.sends,
      median: Math.round(floor.wallMs),
      p99: Math.round(floor.wallMs),
      target: '',
      ok: true,
    });
  } finally {
    await Promise.all([smtp.stop(), ntfy.stop()]);
  }
}

export async function pagingBenchmarks(emu: SlackEmulator, database: Database, url: string, rows: Row[]): Promise<void> {
  const smtp = await new SmtpTestServer().start();
  const ntfy = await new NtfyEmulator().start();
  const twilio = await new TwilioEmulator().start();
  await providerFloor(emu, rows);
  const people = Array.from({ length: PAGES }, (_, i) => ({
    user: userOf(i),
    email: emailOf(i),
    ntfy_topic: topicOf(i),
    phone: `+4915120${String(i).padStart(6, '0')}`,
  }));
  const app = await spawnApp(
    emu,
    { url, dataDir: '' },
    { escalation_tick: '* * * * * *', people },
    {
      LOG_LEVEL: 'warn',
      SMTP_URL: smtp.url,
      SMTP_FROM: 'pager@firewatch.bench',
      NTFY_URL: ntfy.url,
      ...twilio.env(),
    },
    { compiled: true, ...(process.env.BENCH_PROFILE ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] } : {}) },
  );
  try {
    const due = Date.now() + 10_000;
    const made = await database.db
      .insert(incidents)
      .values(
        Array.from({ length: PAGES }, (_, i): NewIncident => ({
          title: `Wake bench ${i}`,
          severity: 'sev1',
          status: 'investigating',
          declaredBy: 'U0PBNOBODY',
          leadId: 'U0PBNOBODY',
          channelId: `CWAKEBENCH${i}`,
          channelName: `wake-bench-${i}`,
        })),
      )
      .returning({ id: incidents.id });
    for (let i = 0; i < PAGES; i++) emu.addChannel({ id: `CWAKEBENCH${i}`, name: `wake-bench-${i}`, members: new Set([emu.botUserId]) });
    const pageIds = await database.db
      .insert(pages)
      .values(
        made.map((m, i) => ({
          incidentId: m.id,
          policyId: 'bench-wake',
          policy: policyFor(i),
          rules: RULES,
          triggeredBy: 'U0PBNOBODY',
          nextEscalationAt: new Date(due),
        })),
      )
      .returning({ id: pages.id });

    // Each person's first notifications: the Slack DM, the push and the e-mail, as their providers took them.
    const dmAt = (user: string) => {
      const im = [...emu.channels.values()].find((c) => c.is_im && c.user === user)?.id;
      return emu.calls.find((c) => c.method === 'chat.postMessage' && c.ok && (c.args.channel === im || c.args.channel === user))?.at;
    };
    await until('every e-mail and push arrived', 120_000, async () => {
      if (smtp.received.length >= PAGES && ntfy.requests.filter((r) => r.status === 200).length >= PAGES) return true;
      if (Date.now() - due < 110_000) return undefined;
      const states = await database.db
        .select({
          method: notificationAttempts.method,
          state: notificationAttempts.state,
          error: sql<string>`max(${notificationAttempts.error})`,
          n: sql<number>`count(*)::int`,
        })
        .from(notificationAttempts)
        .groupBy(notificationAttempts.method, notificationAttempts.state);
      console.error(`${smtp.received.length} e-mails, ${ntfy.requests.length} pushes; attempts ${JSON.stringify(states)}`);
      return undefined;
    });
    const firsts: Record<'slack' | 'push' | 'email', number[]> = { slack: [], push: [], email: [] };
    for (let i = 0; i < PAGES; i++) {
      const dm = dmAt(userOf(i));
      if (dm !== undefined) firsts.slack.push(dm - due);
      const push = ntfy.requests.find((r) => r.topic === topicOf(i) && r.status === 200);
      if (push) firsts.push.push(push.at - due);
      const mail = smtp.to(emailOf(i))[0];
      if (mail) firsts.email.push(mail.at - due);
    }
    const all = [...firsts.slack, ...firsts.push, ...firsts.email];
    rows.push({
      what: `${PAGES} pages due at once: due → each first notification handed to its provider (Slack, push, e-mail)`,
      n: all.length,
      median: percentile(all, 50),
      p99: percentile(all, 99),
      target: 'p99 < 2000 ms',
      ok: all.length === 3 * PAGES && percentile(all, 99) < 2000,
    });
    for (const method of ['slack', 'push', 'email'] as const) {
      rows.push({
        what: `… of which ${method === 'slack' ? 'the Slack DM' : method}`,
        n: firsts[method].length,
        median: percentile(firsts[method], 50),
        p99: percentile(firsts[method], 99),
        target: '',
        ok: true,
      });
    }

    // Acknowledge every page from its e-mail's link, 50 at a time, and time it to the SMS's cancellation.
    const links = Array.from({ length: PAGES }, (_, i) => /\/ack\/([A-Za-z0-9_.-]+)/.exec(smtp.to(emailOf(i))[0]?.mail.text ?? '')?.[0]);
    const ackedAt = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < PAGES) {
        const i = next++;
        const link = links[i];
        if (!link) continue;
        ackedAt.set(pageIds[i]!.id, Date.now());
        const res = await fetch(`${app.url}${link}`, { method: 'POST' });
        await res.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: ACKS_IN_FLIGHT }, worker));
    const cancelled = await database.db
      .select({ pageId: notificationAttempts.pageId, last: sql<string>`max(${notificationAttempts.updatedAt})` })
      .from(notificationAttempts)
      .where(sql`${notificationAttempts.state} = 'cancelled'`)
      .groupBy(notificationAttempts.pageId);
    const toCancel = cancelled.flatMap((c) => {
      const at = ackedAt.get(c.pageId);
      return at === undefined ? [] : [new Date(c.last).getTime() - at];
    });
    rows.push({
      what: `acknowledgement by e-mailed link → last pending notification (the SMS) cancelled, ${ACKS_IN_FLIGHT} in flight`,
      n: toCancel.length,
      median: percentile(toCancel, 50),
      p99: percentile(toCancel, 99),
      target: `p99 < 1000 ms, no SMS sent`,
      ok: toCancel.length === PAGES && percentile(toCancel, 99) < 1000 && twilio.messages.length === 0,
    });
    await sleep(2_000);
    if (twilio.messages.length > 0)
      throw new Error(`paging bench: ${twilio.messages.length} SMS went out after their pages were acknowledged`);
  } finally {
    await app.kill('SIGTERM');
    await Promise.all([smtp.stop(), ntfy.stop(), twilio.stop()]);
  }
}
