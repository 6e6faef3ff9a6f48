/**
 * Benchmarks: `npm run bench`. Prints a table and writes it to bench/results.md. Runs against the Slack
 * emulator and a fresh database: embedded PGlite, or Postgres when DATABASE_URL is set.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { openDatabase } from '../src/db/client.js';
import { incidents, timelineEvents } from '../src/db/schema.js';
import { buildDigest } from '../src/digests/build.js';
import { renderDigest } from '../src/slack/blocks/digest.js';
import { ANNOUNCE, startApp, startEmulator, testConfig } from '../test/support/app.js';
import { slashCommand } from '../test/support/slack-requests.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

interface Row {
  what: string;
  n: number;
  median: number;
  p99: number;
  target: string;
  ok: boolean;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const BENCH_DB = `firewatch_bench_${process.pid}`;

async function onPostgresAdmin(statement: string): Promise<void> {
  const admin = new URL(process.env.DATABASE_URL ?? '');
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  await sql.unsafe(statement);
  await sql.end();
}

/** On Postgres, a fresh database of its own next to the one named, so a bench never touches real data. */
async function benchDatabaseUrl(): Promise<string | undefined> {
  const base = process.env.DATABASE_URL;
  if (!base) return undefined;
  const name = BENCH_DB;
  await onPostgresAdmin(`DROP DATABASE IF EXISTS ${name}`);
  await onPostgresAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'firewatch-bench-'));
  const database = await openDatabase({ url: await benchDatabaseUrl(), dataDir });
  await database.migrate();
  const emu = await startEmulator();
  const app = await startApp(emu, database, testConfig());
  const rows: Row[] = [];
  try {
    const sequential = 50;
    const acks: number[] = [];
    const toAnnouncement: number[] = [];
    for (let i = 0; i < sequential; i++) {
      const sent = Date.now();
      const r = await slashCommand(app.url, emu, `declare sev2 Benchmark incident ${i}`);
      acks.push(r.ms);
      const key = /INC-\d+/.exec(r.text)?.[0];
      const announced = await emu.waitFor(() =>
        emu.calls.find((c) => c.method === 'chat.postMessage' && c.ok && c.args.channel === ANNOUNCE && JSON.stringify(c.args).includes(`${key}*`)),
      );
      toAnnouncement.push(announced.at - sent - r.ms);
    }
    rows.push({ what: 'declare ack latency, one at a time', n: sequential, median: percentile(acks, 50), p99: percentile(acks, 99), target: 'p99 < 3000 ms (Slack)', ok: percentile(acks, 99) < 3000 });
    rows.push({ what: 'declare ack → announcement posted', n: sequential, median: percentile(toAnnouncement, 50), p99: percentile(toAnnouncement, 99), target: 'p99 < 1000 ms', ok: percentile(toAnnouncement, 99) < 1000 });

    // Digest of 1,000 open incidents: build (queries) and render (Block Kit), each timed separately.
    const severities = ['sev1', 'sev2', 'sev3', 'sev4'];
    for (let i = 0; i < 1_000; i += 100) {
      const batch = await database.db
        .insert(incidents)
        .values(Array.from({ length: 100 }, (_, j) => ({ title: `Digest bench incident ${i + j} with a realistically long title`, severity: severities[(i + j) % 4]!, status: 'investigating', declaredBy: 'U0ALICE', leadId: 'U0BOB' })))
        .returning({ id: incidents.id });
      await database.db.insert(timelineEvents).values(batch.map((b) => ({ incidentId: b.id, kind: 'status_update', actor: 'U0BOB', data: { message: 'Mitigation in progress; next update in 30 minutes' } })));
    }
    const builds: number[] = [];
    const renders: number[] = [];
    for (let run = 0; run < 10; run++) {
      const t0 = performance.now();
      const digest = await buildDigest(database.db, app.services.config, { now: new Date(), since: new Date(Date.now() - 86_400_000) });
      const t1 = performance.now();
      renderDigest(digest);
      builds.push(t1 - t0);
      renders.push(performance.now() - t1);
    }
    rows.push({ what: 'digest of 1,000+ open incidents: build', n: builds.length, median: percentile(builds, 50), p99: percentile(builds, 99), target: 'p99 < 1000 ms', ok: percentile(builds, 99) < 1000 });
    rows.push({ what: 'digest of 1,000+ open incidents: render', n: renders.length, median: percentile(renders, 50), p99: percentile(renders, 99), target: 'p99 < 100 ms', ok: percentile(renders, 99) < 100 });

    const concurrent = 100;
    const burst = await Promise.all(Array.from({ length: concurrent }, () => slashCommand(app.url, emu, 'help')));
    const burstMs = burst.map((r) => r.ms);
    rows.push({ what: 'slash-command ack latency, 100 concurrent', n: concurrent, median: percentile(burstMs, 50), p99: percentile(burstMs, 99), target: 'p99 < 100 ms', ok: percentile(burstMs, 99) < 100 });
  } finally {
    await app.stop();
    await emu.close();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (process.env.DATABASE_URL) await onPostgresAdmin(`DROP DATABASE IF EXISTS ${BENCH_DB}`);
  }

  const header = '| what | n | median ms | p99 ms | target | met |\n|---|---|---|---|---|---|';
  const lines = rows.map((r) => `| ${r.what} | ${r.n} | ${r.median.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.target} | ${r.ok ? 'yes' : 'no'} |`);
  const table = [header, ...lines].join('\n');
  const db = process.env.DATABASE_URL ? 'Postgres' : 'embedded PGlite';
  console.log(table);
  writeFileSync(path.join(HERE, 'results.md'), `# Benchmark results\n\n${new Date().toISOString()}, ${db}, Slack emulator on loopback.\n\n${table}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
