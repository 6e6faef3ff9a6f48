/**
 * The status page under an outage's load: 50 concurrent keep-alive clients asking `GET /status` of the
 * compiled server in its own process (10 components, 40 published incidents, Postgres) for 10 s each, once
 * fetching the whole page every time and once revalidating with If-None-Match (304s), as browsers and
 * CDNs do once they hold it. Targets: ≥ 1,000 requests/s and p99 < 50 ms on this machine.
 */
import { Agent, request } from 'node:http';
import os from 'node:os';
import type { Database } from '../src/db/client.js';
import { incidents, statusPublications, type NewIncident } from '../src/db/schema.js';
import { COMPONENT_STATES } from '../src/statuspage/states.js';
import { startEmulator } from '../test/support/app.js';
import { spawnApp } from '../test/support/process.js';
import { percentile } from './server.js';

export const STATUS_HEADING = '## Status page';

const CLIENTS = 50;
const DURATION_MS = 10_000;
const WARM_UP_MS = 1_000;
const INCIDENTS = 40;
const COMPONENTS = Array.from({ length: 10 }, (_, i) => ({ id: `c${i}`, name: `Component ${i}` }));

interface Run {
  what: string;
  requests: number;
  perSecond: number;
  median: number;
  p99: number;
  statuses: string;
}

/** Publications over the last 90 days, a third still unresolved, so the page has bars, incidents and history. */
async function seed(database: Database): Promise<void> {
  const now = Date.now();
  const rows: NewIncident[] = Array.from({ length: INCIDENTS }, (_, i) => ({
    title: `Bench incident ${i}`,
    severity: 'sev2',
    status: i % 3 === 0 ? 'investigating' : 'resolved',
    declaredBy: 'U0BENCH',
    createdAt: new Date(now - (i * 2 + 1) * 86_400_000),
  }));
  const made = await database.db.insert(incidents).values(rows).returning({ id: incidents.id, createdAt: incidents.createdAt });
  await database.db.insert(statusPublications).values(
    made.flatMap(({ id, createdAt }, i) => {
      const components = [COMPONENTS[i % 10]!.id, COMPONENTS[(i + 3) % 10]!.id].map((c) => ({
        id: c,
        state: COMPONENT_STATES[1 + (i % 4)]!,
      }));
      const first = { incidentId: id, title: `Bench incident ${i}`, components, publishedBy: 'U0BENCH' };
      const opened = { ...first, status: 'investigating' as const, message: `We are looking into incident ${i}.`, publishedAt: createdAt };
      if (i % 3 === 0) return [opened];
      const over = components.map((c) => ({ ...c, state: 'operational' as const }));
      return [
        opened,
        {
          ...first,
          components: over,
          status: 'resolved' as const,
          message: 'Fixed.',
          publishedAt: new Date(createdAt.getTime() + 3_600_000),
        },
      ];
    }),
  );
}

/** `CLIENTS` loops, each one request at a time on its own kept-alive connection, for `ms`. */
async function load(url: string, ms: number, etag: string | undefined): Promise<{ times: number[]; statuses: Map<number, number> }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const times: number[] = [];
  const statuses = new Map<number, number>();
  const until = performance.now() + ms;
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const started = performance.now();
      const req = request(url, { agent, headers: etag ? { 'if-none-match': etag } : {} }, (res) => {
        res.on('data', () => {});
        res.on('end', () => {
          times.push(performance.now() - started);
          statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1);
          resolve();
        });
      });
      req.on('error', reject);
      req.end();
    });
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < until) await once();
    }),
  );
  agent.destroy();
  return { times, statuses };
}

async function measured(what: string, url: string, etag: string | undefined): Promise<Run> {
  await load(url, WARM_UP_MS, etag);
  const started = performance.now();
  const { times, statuses } = await load(url, DURATION_MS, etag);
  const seconds = (performance.now() - started) / 1000;
  return {
    what,
    requests: times.length,
    perSecond: times.length / seconds,
    median: percentile(times, 50),
    p99: percentile(times, 99),
    statuses: [...statuses].map(([s, n]) => `${n} × ${s}`).join(', '),
  };
}

export async function statusPageSection(database: Database, url: string): Promise<string> {
  const load1 = os.loadavg()[0]!.toFixed(1);
  await seed(database);
  const emu = await startEmulator();
  const app = await spawnApp(
    emu,
    { url, dataDir: '' },
    { status_page: { title: 'Bench Status', components: COMPONENTS } },
    { LOG_LEVEL: 'warn' },
    { compiled: true, ...(process.env.BENCH_PROFILE ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] } : {}) },
  );
  const runs: Run[] = [];
  try {
    const page = await fetch(`${app.url}/status`);
    const body = await page.text();
    if (page.status !== 200 || !body.includes('Bench incident')) throw new Error(`/status answered ${page.status}`);
    runs.push(await measured(`GET /status, full page (${(body.length / 1024).toFixed(0)} KiB)`, `${app.url}/status`, undefined));
    runs.push(await measured('GET /status with If-None-Match (304)', `${app.url}/status`, page.headers.get('etag') ?? undefined));
  } finally {
    await app.kill('SIGTERM');
    await emu.close();
  }
  const rows = runs.map((r) => {
    const ok = r.perSecond >= 1_000 && r.p99 < 50;
    return `| ${r.what} | ${r.requests} (${r.statuses}) | ${r.perSecond.toFixed(0)} | ${r.median.toFixed(1)} | ${r.p99.toFixed(1)} | ≥ 1,000 req/s, p99 < 50 ms | ${ok ? 'yes' : 'no'} |`;
  });
  return (
    `${STATUS_HEADING}\n\n${new Date().toISOString()}, \`npm run bench -- status\`, Postgres, the compiled server process, ` +
    `${CLIENTS} concurrent keep-alive clients in the benchmark's process for ${DURATION_MS / 1000} s each (after ${WARM_UP_MS / 1000} s of warm-up), ` +
    `${COMPONENTS.length} components, ${INCIDENTS} published incidents; load average ${load1} on ${os.cpus().length} cores at the start.\n\n` +
    `| what | requests | req/s | median ms | p99 ms | target | met |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}\n`
  );
}
