/**
 * Benchmarks: `npm run bench`. Prints a table and writes it to bench/results.md. Runs against the Slack
 * emulator and a fresh database: embedded PGlite, or Postgres when DATABASE_URL is set.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../src/db/client.js';
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

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'firewatch-bench-'));
  const database = await openDatabase({ url: process.env.DATABASE_URL, dataDir });
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

    const concurrent = 100;
    const burst = await Promise.all(Array.from({ length: concurrent }, () => slashCommand(app.url, emu, 'help')));
    const burstMs = burst.map((r) => r.ms);
    rows.push({ what: 'slash-command ack latency, 100 concurrent', n: concurrent, median: percentile(burstMs, 50), p99: percentile(burstMs, 99), target: 'p99 < 100 ms', ok: percentile(burstMs, 99) < 100 });
  } finally {
    await app.stop();
    await emu.close();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
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
