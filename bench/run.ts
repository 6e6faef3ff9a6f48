/**
 * Benchmarks: `npm run bench`. Prints a table and writes it to bench/results.md. Runs against the Slack
 * emulator and a fresh database of its own on Postgres (the server named by DATABASE_URL, else the local
 * one at 127.0.0.1:5432); the server-process rows (bench/server.ts) need Postgres, as several processes
 * share the database. `npm run bench -- <section>` runs one section alone and rewrites only its part of
 * bench/results.md:
 *   storm            the alert storm under Slack's rate limits (bench/storm.ts, minutes long)
 *   paging           the 1,000 pages that wake people (bench/paging.ts)
 *   coverage         the coverage diff of 20 schedules (bench/coverage.ts, no database)
 *   calendar         the calendar feed over HTTP (bench/calendar.ts)
 *   api              the JSON API's list over 10,000 incidents (bench/api.ts)
 *   oncall           the console's on-call page over 10 schedules (bench/oncall.ts)
 *   console          the console's incident list over 10,000 incidents (bench/console.ts)
 *   incident-page    the console's incident page with 5,000 events, and its live timeline's fan-out to 200
 *                    streams (bench/incident-page.ts)
 *   console-insights the queries of the insights, follow-up and audit pages (bench/console-insights.ts)
 *   status           the status page under 50 concurrent clients (bench/status-page.ts)
 *   generic          mapping generic JSON bodies by JSON pointers (bench/generic.ts, no database)
 *   ingest           sustained alert ingest through routes, grouping and silences (bench/ingest.ts)
 *   replay           100,000 stored alert events replayed under another config (bench/replay.ts)
 *   workflows        the declare ack with 20 workflows against none (bench/workflow-declares.ts), and sweeping
 *                    10,000 open incidents for duration triggers (bench/workflows.ts)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { openDatabase, type Database } from '../src/db/client.js';
import { incidents, timelineEvents, type NewIncident } from '../src/db/schema.js';
import { buildDigest } from '../src/digests/build.js';
import { renderDigest } from '../src/slack/blocks/digest.js';
import { compilePostmortem } from '../src/postmortems/compile.js';
import { insightsFor } from '../src/postmortems/insights-job.js';
import { ANNOUNCE, startApp, startEmulator, testConfig } from '../test/support/app.js';
import { slashCommand } from '../test/support/slack-requests.js';
import { percentile, serverBenchmarks, type Row } from './server.js';
import { calendarBenchmarks } from './calendar.js';
import { apiBenchmarks } from './api.js';
import { oncallBenchmarks } from './oncall.js';
import { incidentListBenchmarks, startConsoleBench } from './console.js';
import { incidentPageBenchmarks } from './incident-page.js';
import { consoleInsightsBenchmarks } from './console-insights.js';
import { ingestBenchmarks } from './ingest.js';
import { REPLAY_HEADING, replayBenchmarks } from './replay.js';
import { pagingBenchmarks } from './paging.js';
import { alertStorm, stormSection } from './storm.js';
import { COVERAGE_HEADING, coverageBenchmarks } from './coverage.js';
import { GENERIC_HEADING, genericBenchmarks } from './generic.js';
import { STATUS_HEADING, statusPageSection } from './status-page.js';
import { WORKFLOWS_HEADING, workflowsSection } from './workflows.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const BENCH_DB = `firewatch_bench_${process.pid}`;

const POSTGRES = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function onPostgresAdmin(statement: string): Promise<void> {
  const admin = new URL(POSTGRES);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  await sql.unsafe(statement);
  await sql.end();
}

/** On Postgres, a fresh database of its own next to the one named, so a bench never touches real data. */
async function benchDatabaseUrl(): Promise<string> {
  const base = POSTGRES;
  const name = BENCH_DB;
  await onPostgresAdmin(`DROP DATABASE IF EXISTS ${name}`);
  await onPostgresAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

const INGEST_TOKEN = 'bench-ingest-token-0123456789';

function alertPayload(group: number, batch: number, size: number) {
  const alerts = Array.from({ length: size }, (_, i) => ({
    status: 'firing',
    labels: { alertname: `BenchAlert${group}`, instance: `host-${batch}-${i}`, severity: 'warning' },
    annotations: { summary: `Bench alert ${group}` },
    startsAt: new Date().toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.example/graph',
    fingerprint: `g${group}-b${batch}-a${i}`,
  }));
  return {
    version: '4',
    groupKey: `{}:{alertname="BenchAlert${group}"}`,
    status: 'firing',
    receiver: 'firewatch',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: { summary: `Bench group ${group}` },
    externalURL: 'http://am',
    truncatedAlerts: 0,
    alerts,
  };
}

/** Sustained alerts per second into incidents that already exist (their groups were opened first). */
async function alertIngestRate(
  appUrl: string,
  groups: number,
  durationMs: number,
): Promise<{ rate: number; alerts: number; requests: number }> {
  const post = (body: unknown) =>
    fetch(`${appUrl}/webhooks/alertmanager/bench`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => {
      await r.arrayBuffer();
      if (r.status !== 202) throw new Error(`ingest answered ${r.status}`);
    });
  for (let g = 0; g < groups; g++) await post(alertPayload(g, -1, 1));
  let batch = 0;
  let alerts = 0;
  let requests = 0;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() - started < durationMs) {
      const n = batch++;
      await post(alertPayload(n % groups, n, 50));
      alerts += 50;
      requests++;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { rate: Math.round(alerts / ((performance.now() - started) / 1000)), alerts, requests };
}

const RESULTS = path.join(HERE, 'results.md');
const STORM_HEADING = "## Alert storm under Slack's rate limits";
const PAGING_HEADING = '## Pages that wake people';
const CALENDAR_HEADING = '## Calendar feeds';

/** results.md with a section put in place of the one with its heading (up to the next section), or added at the end. */
function withSection(current: string, heading: string, section: string): string {
  // A whole heading line, so '## Console' is not found inside '## Console incident page'.
  const line = current.indexOf(`\n${heading}\n`);
  if (line === -1) return `${current.trimEnd()}\n\n${section.trimEnd()}\n`;
  const at = line + 1;
  const next = current.indexOf('\n## ', at + heading.length);
  const rest = next === -1 ? '\n' : `\n\n${current.slice(next + 1)}`;
  return `${current.slice(0, at)}${section.trimEnd()}${rest}`;
}

const TABLE_HEADER = '| what | n | median ms | p99 ms | target | met |\n|---|---|---|---|---|---|';
const tableOf = (rows: Row[]) =>
  [
    TABLE_HEADER,
    ...rows.map(
      (r) =>
        `| ${r.what} | ${r.n} | ${r.median.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.target} | ${r.target ? (r.ok ? 'yes' : 'no') : ''} |`,
    ),
  ].join('\n');

function pagingSection(rows: Row[], when: string): string {
  return `${PAGING_HEADING}\n\n${when}, \`npm run bench -- paging\`, Postgres, the compiled server process, a real SMTP server and the ntfy and Twilio emulators on loopback.\n\n${tableOf(rows)}\n`;
}

function coverageSection(when: string): string {
  const { rows, notes } = coverageBenchmarks();
  return `${COVERAGE_HEADING}\n\n${when}, \`npm run bench -- coverage\`, in-process, no database.\n\n${tableOf(rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`;
}

/** Rewrites one section of results.md. */
function writeSection(heading: string, section: string): void {
  console.log(section);
  writeFileSync(RESULTS, withSection(existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n', heading, section));
}

function genericSection(when: string): string {
  const { rows, notes } = genericBenchmarks();
  return `${GENERIC_HEADING}\n\n${when}, \`npm run bench -- generic\`, in-process, no database.\n\n${tableOf(rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`;
}

function calendarSection(rows: Row[], when: string): string {
  return `${CALENDAR_HEADING}\n\n${when}, \`npm run bench -- calendar\`, Postgres, Firewatch in the benchmark's process, one request at a time on loopback.\n\n${tableOf(rows)}\n`;
}

const API_HEADING = '## JSON API incident list';

async function apiOnly(database: Database): Promise<string> {
  const rows: Row[] = [];
  // A shared machine's load shows in the p99s; the section says what it was.
  const load = os.loadavg()[0]!.toFixed(1);
  await apiBenchmarks(database, rows);
  return `${API_HEADING}\n\n${new Date().toISOString()}, \`npm run bench -- api\`, Postgres, Firewatch in the benchmark's process, one request at a time on loopback (so p99 includes the client), load average ${load} on ${os.cpus().length} cores at the start.\n\n${tableOf(rows)}\n`;
}

const ONCALL_HEADING = '## Console on-call page';

async function oncallOnly(database: Database): Promise<string> {
  const rows: Row[] = [];
  const load = os.loadavg()[0]!.toFixed(1);
  await oncallBenchmarks(database, rows);
  return `${ONCALL_HEADING}\n\n${new Date().toISOString()}, \`npm run bench -- oncall\`, Postgres, Firewatch in the benchmark's process, one signed-in request at a time on loopback, load average ${load} on ${os.cpus().length} cores at the start.\n\n${tableOf(rows)}\n`;
}

const CONSOLE_HEADING = '## Console';

async function consoleOnly(database: Database): Promise<string> {
  const rows: Row[] = [];
  const load = os.loadavg()[0]!.toFixed(1);
  const bench = await startConsoleBench(database);
  try {
    await incidentListBenchmarks(bench, rows);
  } finally {
    await bench.stop();
  }
  return `${CONSOLE_HEADING}\n\n${new Date().toISOString()}, \`npm run bench -- console\`, Postgres, Firewatch in the benchmark's process, a signed-in console session, one request at a time on loopback, server time (request headers read to response finished), load average ${load} on ${os.cpus().length} cores at the start.\n\n${tableOf(rows)}\n`;
}

const INCIDENT_PAGE_HEADING = '## Console incident page';

async function incidentPageOnly(database: Database): Promise<string> {
  const rows: Row[] = [];
  const load = os.loadavg()[0]!.toFixed(1);
  await incidentPageBenchmarks(database, rows);
  return `${INCIDENT_PAGE_HEADING}\n\n${new Date().toISOString()}, \`npm run bench -- incident-page\`, Postgres, Firewatch in the benchmark's process, pages fetched one at a time on loopback (so times include the client), load average ${load} on ${os.cpus().length} cores at the start.\n\n${tableOf(rows)}\n`;
}

const CONSOLE_INSIGHTS_HEADING = '## Console insights, follow-ups and audit log';

async function consoleInsightsOnly(database: Database): Promise<string> {
  const rows: Row[] = [];
  const load = os.loadavg()[0]!.toFixed(1);
  await consoleInsightsBenchmarks(database, rows);
  return `${CONSOLE_INSIGHTS_HEADING}\n\n${new Date().toISOString()}, \`npm run bench -- console-insights\`, Postgres, the pages' queries called in the benchmark's process, load average ${load} on ${os.cpus().length} cores at the start.\n\n${tableOf(rows)}\n`;
}

const INGEST_HEADING = '## Alert ingest';

async function ingestOnly(database: Database): Promise<string> {
  const rows: Row[] = [];
  const load = os.loadavg()[0]!.toFixed(1);
  await ingestBenchmarks(database, rows);
  return `${INGEST_HEADING}\n\n${new Date().toISOString()}, \`npm run bench -- ingest\`, Postgres, Firewatch in the benchmark's process, senders on loopback, load average ${load} on ${os.cpus().length} cores at the start.\n\n${tableOf(rows)}\n`;
}

async function replayOnly(database: Database): Promise<string> {
  const rows: Row[] = [];
  const load = os.loadavg()[0]!.toFixed(1);
  const notes = await replayBenchmarks(database, rows);
  return `${REPLAY_HEADING}\n\n${new Date().toISOString()}, \`npm run bench -- replay\`, Postgres, the replay in the benchmark's process (seeding not counted), load average ${load} on ${os.cpus().length} cores at the start.\n\n${tableOf(rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`;
}

async function calendarOnly(database: Database): Promise<string> {
  const rows: Row[] = [];
  await calendarBenchmarks(database, rows);
  return calendarSection(rows, new Date().toISOString());
}

/** Runs one benchmark that has a section of its own against a fresh database, and rewrites only that section. */
async function sectionOnly(heading: string, run: (database: Database, url: string) => Promise<string>): Promise<void> {
  if (heading === PAGING_HEADING || heading === STATUS_HEADING || heading === WORKFLOWS_HEADING)
    execFileSync('npm', ['run', 'build'], { cwd: path.join(HERE, '..'), stdio: 'inherit' });
  const url = await benchDatabaseUrl();
  const database = await openDatabase({ url, dataDir: '' });
  try {
    await database.migrate();
    writeSection(heading, await run(database, url));
  } finally {
    await database.close();
    await onPostgresAdmin(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
  }
}

async function pagingOnly(database: Database, url: string): Promise<string> {
  const emu = await startEmulator();
  const rows: Row[] = [];
  try {
    await pagingBenchmarks(emu, database, url, rows);
  } finally {
    await emu.close();
  }
  return pagingSection(rows, new Date().toISOString());
}

async function main(): Promise<void> {
  // The server-process rows run the compiled build, as `npm start` does.
  execFileSync('npm', ['run', 'build'], { cwd: path.join(HERE, '..'), stdio: 'inherit' });
  const url = await benchDatabaseUrl();
  const database = await openDatabase({ url, dataDir: '' });
  await database.migrate();
  const emu = await startEmulator();
  const app = await startApp(
    emu,
    database,
    testConfig({ integrations: [{ id: 'bench', type: 'alertmanager', token: INGEST_TOKEN, rate_limit: 100_000_000 }] }),
  );
  const rows: Row[] = [];
  let storm: Awaited<ReturnType<typeof alertStorm>> | undefined;
  const paging: Row[] = [];
  const calendar: Row[] = [];
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
        emu.calls.find(
          (c) => c.method === 'chat.postMessage' && c.ok && c.args.channel === ANNOUNCE && JSON.stringify(c.args).includes(`${key}*`),
        ),
      );
      toAnnouncement.push(announced.at - sent - r.ms);
    }
    rows.push({
      what: 'declare ack latency, one at a time',
      n: sequential,
      median: percentile(acks, 50),
      p99: percentile(acks, 99),
      target: 'p99 < 3000 ms (Slack)',
      ok: percentile(acks, 99) < 3000,
    });
    rows.push({
      what: 'declare ack → announcement posted',
      n: sequential,
      median: percentile(toAnnouncement, 50),
      p99: percentile(toAnnouncement, 99),
      target: 'p99 < 1000 ms',
      ok: percentile(toAnnouncement, 99) < 1000,
    });

    // Digest of 1,000 open incidents: build (queries) and render (Block Kit), each timed separately.
    const severities = ['sev1', 'sev2', 'sev3', 'sev4'];
    for (let i = 0; i < 1_000; i += 100) {
      const batch = await database.db
        .insert(incidents)
        .values(
          Array.from({ length: 100 }, (_, j): NewIncident => ({
            title: `Digest bench incident ${i + j} with a realistically long title`,
            severity: severities[(i + j) % 4]!,
            status: 'investigating',
            declaredBy: 'U0ALICE',
            leadId: 'U0BOB',
          })),
        )
        .returning({ id: incidents.id });
      await database.db.insert(timelineEvents).values(
        batch.map((b) => ({
          incidentId: b.id,
          kind: 'status_update',
          actor: 'U0BOB',
          data: { message: 'Mitigation in progress; next update in 30 minutes' },
        })),
      );
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
    const both = builds.map((b, i) => b + (renders[i] ?? 0));
    rows.push({
      what: 'digest of 1,000+ open incidents: build + render',
      n: both.length,
      median: percentile(both, 50),
      p99: percentile(both, 99),
      target: 'p99 < 200 ms',
      ok: percentile(both, 99) < 200,
    });
    rows.push({
      what: '… of which build (queries)',
      n: builds.length,
      median: percentile(builds, 50),
      p99: percentile(builds, 99),
      target: '',
      ok: true,
    });
    rows.push({
      what: '… of which render (Block Kit)',
      n: renders.length,
      median: percentile(renders, 50),
      p99: percentile(renders, 99),
      target: '',
      ok: true,
    });

    // Postmortem of an incident with 10,000 timeline events (the pure compiler).
    const start = Date.parse('2026-11-01T08:00:00Z');
    const kinds = ['status_update', 'note', 'page_notified', 'message_pinned', 'status_changed'];
    const events = Array.from({ length: 10_000 }, (_, i) => ({
      id: i + 1,
      kind: kinds[i % kinds.length]!,
      actor: `U0USER${i % 25}`,
      occurredAt: new Date(start + i * 30_000),
      data: {
        message: `Update ${i}: still mitigating <@U0USER${i % 7}>`,
        text: `Note ${i}`,
        user: `U0USER${i % 9}`,
        level: 0,
        loop: 0,
        ts: `${start / 1000 + i}.000100`,
        author: 'U0USER1',
        permalink: 'https://acme.slack.com/archives/C1/p1',
        from: 'investigating',
        to: i % 2 ? 'identified' : 'investigating',
      },
    }));
    const compileInput = {
      incident: {
        id: 1,
        title: 'Bench incident',
        severity: 'sev1',
        severityLabel: 'Critical',
        status: 'resolved',
        type: 'availability',
        impact: 'EU checkout',
        description: 'Long one',
        leadId: 'U0USER1',
        declaredBy: 'U0USER2',
        source: 'slack',
        createdAt: new Date(start),
      },
      roles: [{ role: 'comms', userId: 'U0USER3' }],
      events,
      followups: Array.from({ length: 50 }, (_, i) => ({ text: `Follow-up ${i}`, ownerId: 'U0USER4', dueAt: null, doneAt: null })),
      answers: { summary: 'Summary', rootCause: 'Root cause' },
      names: Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`U0USER${i}`, `user${i}`])),
      version: 1,
    };
    const compiles: number[] = [];
    for (let run = 0; run < 5; run++) {
      const t0 = performance.now();
      compilePostmortem(compileInput);
      compiles.push(performance.now() - t0);
    }
    rows.push({
      what: 'postmortem compile, 10,000 timeline events',
      n: compiles.length,
      median: percentile(compiles, 50),
      p99: percentile(compiles, 99),
      target: 'p99 < 300 ms',
      ok: percentile(compiles, 99) < 300,
    });

    // Insights over 10,000 incidents spread across the last 60 days (query and computation).
    const day = 86_400_000;
    for (let i = 0; i < 9_000; i += 500) {
      await database.db.insert(incidents).values(
        Array.from({ length: 500 }, (_, j): NewIncident => {
          const created = new Date(Date.now() - ((i + j) % 60) * day - j * 1000);
          return {
            title: `Insights bench ${i + j} database latency`,
            severity: severities[(i + j) % 4]!,
            type: ['availability', 'performance', 'data'][(i + j) % 3]!,
            status: (i + j) % 10 === 0 ? 'declined' : 'resolved',
            declaredBy: 'U0ALICE',
            createdAt: created,
            acknowledgedAt: new Date(created.getTime() + 60_000 * (1 + ((i + j) % 30))),
            resolvedAt: new Date(created.getTime() + 3_600_000 * (1 + ((i + j) % 5))),
          };
        }),
      );
    }
    const insightTimes: number[] = [];
    for (let run = 0; run < 5; run++) {
      const t0 = performance.now();
      await insightsFor(database.db, app.services.config, 30);
      insightTimes.push(performance.now() - t0);
    }
    rows.push({
      what: 'insights over 10,000 incidents (30d vs previous 30d)',
      n: insightTimes.length,
      median: percentile(insightTimes, 50),
      p99: percentile(insightTimes, 99),
      target: 'p99 < 2000 ms',
      ok: percentile(insightTimes, 99) < 2000,
    });

    // Alert ingest into existing incidents: 20 open groups, payloads of 50 new alerts, 8 in flight.
    const ingest = await alertIngestRate(app.url, 20, 10_000);
    rows.push({
      what: `alert ingest into existing incidents (${ingest.alerts} alerts, alerts/s)`,
      n: ingest.requests,
      median: ingest.rate,
      p99: ingest.rate,
      target: '≥ 2000 alerts/s',
      ok: ingest.rate >= 2000,
    });

    await app.stop();
    // A fresh emulator: the one above holds every call and message so far, and this process's garbage
    // collector pausing over them would be counted as the server's latency.
    await emu.close();
    const serverEmu = await startEmulator();
    try {
      await serverBenchmarks(serverEmu, database, url, rows);
    } finally {
      await serverEmu.close();
    }
    const pagingEmu = await startEmulator();
    try {
      await pagingBenchmarks(pagingEmu, database, url, paging);
    } finally {
      await pagingEmu.close();
    }
    await calendarBenchmarks(database, calendar);
    storm = await alertStorm(database);
  } finally {
    await app.stop().catch(() => {});
    await emu.close().catch(() => {});
    await database.close();
    await onPostgresAdmin(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
  }

  const table = tableOf(rows);
  const db = 'Postgres';
  console.log(table);
  const when = new Date().toISOString();
  let results = `# Benchmark results\n\n${when}, ${db}, Slack emulator on loopback.\n\n${table}\n`;
  if (paging.length) results = withSection(results, PAGING_HEADING, pagingSection(paging, when));
  results = withSection(results, COVERAGE_HEADING, coverageSection(when));
  results = withSection(results, GENERIC_HEADING, genericSection(when));
  if (calendar.length) results = withSection(results, CALENDAR_HEADING, calendarSection(calendar, when));
  writeFileSync(RESULTS, storm ? withSection(results, STORM_HEADING, stormSection(storm, when)) : results);
}

const only = process.argv[2] ?? process.env.BENCH;
const alone: Record<string, () => Promise<void>> = {
  storm: () => sectionOnly(STORM_HEADING, async (database) => stormSection(await alertStorm(database), new Date().toISOString())),
  paging: () => sectionOnly(PAGING_HEADING, pagingOnly),
  coverage: async () => writeSection(COVERAGE_HEADING, coverageSection(new Date().toISOString())),
  calendar: () => sectionOnly(CALENDAR_HEADING, calendarOnly),
  api: () => sectionOnly(API_HEADING, apiOnly),
  oncall: () => sectionOnly(ONCALL_HEADING, oncallOnly),
  console: () => sectionOnly(CONSOLE_HEADING, consoleOnly),
  'incident-page': () => sectionOnly(INCIDENT_PAGE_HEADING, incidentPageOnly),
  generic: async () => writeSection(GENERIC_HEADING, genericSection(new Date().toISOString())),
  status: () => sectionOnly(STATUS_HEADING, statusPageSection),
  'console-insights': () => sectionOnly(CONSOLE_INSIGHTS_HEADING, consoleInsightsOnly),
  ingest: () => sectionOnly(INGEST_HEADING, ingestOnly),
  replay: () => sectionOnly(REPLAY_HEADING, replayOnly),
  workflows: () => sectionOnly(WORKFLOWS_HEADING, workflowsSection),
};
if (only !== undefined && !alone[only])
  throw new Error(`unknown benchmark ${only}: the ones that run alone are ${Object.keys(alone).join(', ')}`);
(only === undefined ? main() : alone[only]!()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
