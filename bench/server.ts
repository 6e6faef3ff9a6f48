/**
 * Benchmarks of Firewatch running as its own process (`src/main.ts`), against Postgres and the emulator:
 * the load comes from this process, as Slack's would, so it does not compete with the server's event loop.
 */
import { readFileSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../src/db/client.js';
import { incidents, outbox, pages, timelineEvents, type NewIncident } from '../src/db/schema.js';
import type { FrozenPolicy } from '../src/paging/policy.js';
import { ANNOUNCE } from '../test/support/app.js';
import { spawnApp } from '../test/support/process.js';
import type { SlackEmulator } from '../test/support/slack-emulator/index.js';
import { slashCommand } from '../test/support/slack-requests.js';

export interface Row {
  what: string;
  n: number;
  median: number;
  p99: number;
  target: string;
  ok: boolean;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

const MASS_POLICY: FrozenPolicy = {
  id: 'bench',
  repeat: 0,
  levels: [
    { delayMs: 3_600_000, targets: [{ user: 'U0BENCHONE' }] },
    { delayMs: 3_600_000, targets: [{ user: 'U0BENCHTWO' }] },
  ],
};

/** Waits until the server has delivered everything queued, so one benchmark's backlog does not slow the next. */
export async function drained(database: Database, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const [row] = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(outbox)
      .where(eq(outbox.status, 'pending'));
    if (Number(row?.n ?? 0) === 0) return;
    if (Date.now() - started > timeoutMs) {
      // Say what is stuck and why, not only how much: a stuck row is usually one error repeated.
      const left = await database.db
        .select({ kind: outbox.kind, error: outbox.lastError, attempts: outbox.attempts })
        .from(outbox)
        .where(eq(outbox.status, 'pending'))
        .limit(3);
      throw new Error(`outbox still has ${row?.n} pending rows, such as ${JSON.stringify(left)}`);
    }
    await sleep(200);
  }
}

export async function serverBenchmarks(emu: SlackEmulator, database: Database, url: string, rows: Row[]): Promise<void> {
  // As `npm start` runs it: the compiled build (bench/run.ts builds it first).
  const app = await spawnApp(
    emu,
    { url, dataDir: '' },
    { announcements_channel: ANNOUNCE, escalation_tick: '* * * * * *' },
    { LOG_LEVEL: 'warn' },
    { compiled: true },
  );
  try {
    // A process that has served a few requests: its code compiled by the JIT and its connections open.
    for (let round = 0; round < 2; round++)
      await Promise.all(Array.from({ length: 50 }, (_, i) => slashCommand(app.url, emu, `declare sev4 Warm-up ${round} ${i}`)));
    await drained(database);

    // Slash-command acks with 100 commands in flight at once.
    const burst = await Promise.all(
      Array.from({ length: 100 }, (_, i) => slashCommand(app.url, emu, `declare sev3 Concurrent bench ${i}`)),
    );
    const burstMs = burst.map((r) => r.ms);
    await drained(database);
    rows.push({
      what: 'slash-command ack latency, 100 concurrent declares (server process)',
      n: burstMs.length,
      median: percentile(burstMs, 50),
      p99: percentile(burstMs, 99),
      target: 'p99 < 100 ms',
      ok: percentile(burstMs, 99) < 100,
    });
    // The same burst of a command that touches no database: what HTTP, the signature check and Bolt cost here.
    const floor = (await Promise.all(Array.from({ length: 100 }, () => slashCommand(app.url, emu, 'help')))).map((r) => r.ms);
    rows.push({
      what: '… for comparison, 100 concurrent `/incident help` (no database)',
      n: floor.length,
      median: percentile(floor, 50),
      p99: percentile(floor, 99),
      target: '',
      ok: true,
    });

    // Declares at 20 a second: time from the command to the channel created, pinned and announced.
    const sent: Array<{ at: number; key: string }> = [];
    const pending: Array<Promise<void>> = [];
    for (let i = 0; i < 100; i++) {
      const at = Date.now();
      pending.push(
        slashCommand(app.url, emu, `declare sev3 Paced bench ${i}`).then((r) => {
          sent.push({ at, key: /INC-\d+/.exec(r.text)?.[0] ?? '' });
        }),
      );
      await sleep(50);
    }
    await Promise.all(pending);
    const setUp: number[] = [];
    for (const { at, key } of sent) {
      const announced = await emu.waitFor(
        () =>
          emu.calls.find(
            (c) => c.method === 'chat.postMessage' && c.ok && c.args.channel === ANNOUNCE && JSON.stringify(c.args).includes(`${key}*`),
          ),
        60_000,
      );
      const channel = emu.calls.find(
        (c) => c.method === 'conversations.create' && c.ok && String(c.args.name).startsWith(`${key.toLowerCase()}-`),
      );
      const pinned = channel
        ? emu.calls.find(
            (c) => c.method === 'pins.add' && c.ok && c.args.channel === (c.response as { channel?: string } | undefined)?.channel,
          )
        : undefined;
      setUp.push(Math.max(announced.at, pinned?.at ?? 0) - at);
    }
    await drained(database);
    rows.push({
      what: 'declare → channel created, pinned and announced, at 20 declares/s',
      n: setUp.length,
      median: percentile(setUp, 50),
      p99: percentile(setUp, 99),
      target: 'p99 < 1000 ms',
      ok: percentile(setUp, 99) < 1000,
    });

    // 10,000 active pages coming due over 20 seconds, swept every second.
    const count = 10_000;
    const batchSize = 500;
    const base = Date.now() + 15_000;
    for (let i = 0; i < count; i += batchSize) {
      const made = await database.db
        .insert(incidents)
        .values(
          Array.from({ length: batchSize }, (_, j): NewIncident => ({
            title: `Paging bench ${i + j}`,
            severity: 'sev1',
            status: 'investigating',
            declaredBy: 'U0ALICE',
            leadId: 'U0ALICE',
            channelId: `CPAGEBENCH${i + j}`,
            channelName: `paging-bench-${i + j}`,
          })),
        )
        .returning({ id: incidents.id });
      await database.db.insert(pages).values(
        made.map((m, j) => ({
          incidentId: m.id,
          policyId: MASS_POLICY.id,
          policy: MASS_POLICY,
          triggeredBy: 'U0ALICE',
          nextEscalationAt: new Date(base + ((i + j) % 20) * 1_000 + ((i + j) % 997)),
        })),
      );
    }
    for (let i = 0; i < count; i++) emu.addChannel({ id: `CPAGEBENCH${i}`, name: `paging-bench-${i}`, members: new Set([emu.botUserId]) });
    const deadline = base + 20_000 + 30_000;
    for (;;) {
      const [row] = await database.db
        .select({ n: sql<number>`count(*)::int` })
        .from(pages)
        .where(sql`${pages.state} = 'triggered' and ${pages.level} = 0`);
      if (Number(row?.n ?? 0) === 0 || Date.now() > deadline) break;
      await sleep(1_000);
    }
    const late = (
      await database.db
        .select({ data: timelineEvents.data })
        .from(timelineEvents)
        .where(sql`${timelineEvents.kind} = 'page_escalated'`)
    )
      .map((e) => Number(e.data.lateMs))
      .filter((v) => Number.isFinite(v));
    rows.push({
      what: `escalation lateness, ${count} active pages, 1 s tick (${late.length} escalated)`,
      n: late.length,
      median: percentile(late, 50),
      p99: percentile(late, 99),
      target: 'p99 < 1500 ms',
      ok: late.length === count && percentile(late, 99) < 1500,
    });

    const rss = residentMb(app.child.pid ?? 0);
    rows.push({
      what: 'resident memory of the server after 10,000+ incidents (MB)',
      n: 1,
      median: Math.round(rss),
      p99: Math.round(rss),
      target: '< 250 MB',
      ok: rss < 250,
    });
  } finally {
    await app.kill('SIGTERM');
  }
}
