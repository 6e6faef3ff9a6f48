/**
 * The JSON API's incident list over 10,000 incidents (each with a status update, 5% private, 2% drills),
 * fetched one request at a time from Firewatch running in this process on Postgres: the first page, a
 * filtered page, a text search that matches few, a deep page by key and a full page of 100.
 */
import type { Database } from '../src/db/client.js';
import { incidents, timelineEvents, type NewIncident } from '../src/db/schema.js';
import { STATUSES } from '../src/incidents/status.js';
import { startApp, startEmulator, testConfig } from '../test/support/app.js';
import { percentile, type Row } from './server.js';

const INCIDENTS = 10_000;
const BATCH = 1_000;
const WARM_UP = 20;
const REQUESTS = 300;
const TOKEN = 'bench-api-token-0123456789';
const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4'];
const TYPES = ['availability', 'performance', 'security', 'data', 'other'];
const WORDS = ['checkout', 'login', 'search', 'payments', 'cdn', 'queue', 'database', 'cache', 'dns', 'email'];

/** 10,000 incidents as the API and console benchmarks both read them. */
export async function seedIncidents(database: Database): Promise<void> {
  const start = Date.now() - INCIDENTS * 3_600_000;
  for (let from = 0; from < INCIDENTS; from += BATCH) {
    const rows: NewIncident[] = Array.from({ length: BATCH }, (_, k) => {
      const i = from + k;
      return {
        title: `${WORDS[i % WORDS.length]} ${i % 7 === 0 ? 'errors' : 'latency'} in region ${i % 13}`,
        severity: SEVERITIES[i % SEVERITIES.length]!,
        status: STATUSES[i % STATUSES.length]!,
        type: TYPES[i % TYPES.length]!,
        declaredBy: 'U0BENCH',
        isPrivate: i % 20 === 0,
        drill: i % 50 === 1,
        createdAt: new Date(start + i * 3_600_000),
      };
    });
    const ids = await database.db.insert(incidents).values(rows).returning({ id: incidents.id });
    await database.db.insert(timelineEvents).values(
      ids.map(({ id }) => ({
        incidentId: id,
        kind: 'status_update',
        actor: 'U0BENCH',
        data: { message: `Update ${id}: rolled back deploy ${id * 7}` },
      })),
    );
  }
}

async function timed(url: string): Promise<number[]> {
  const once = async () => {
    const started = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    await res.text();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    return performance.now() - started;
  };
  for (let i = 0; i < WARM_UP; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) times.push(await once());
  return times;
}

export async function apiBenchmarks(database: Database, rows: Row[]): Promise<void> {
  await seedIncidents(database);
  const emu = await startEmulator();
  const app = await startApp(emu, database, testConfig({ api_token: TOKEN }));
  try {
    const cases = [
      ['first page (25)', ''],
      ['status + severity filter', '?status=resolved,closed&severity=sev2'],
      ['text search, few matches', '?q=deploy%2070007'],
      ['deep page by key (after=200)', '?after=200'],
      ['page of 100', '?limit=100'],
    ] as const;
    for (const [what, query] of cases) {
      const times = await timed(`${app.url}/api/v1/incidents${query}`);
      const p99 = percentile(times, 99);
      rows.push({
        what: `API list over 10,000 incidents: ${what}`,
        n: times.length,
        median: percentile(times, 50),
        p99,
        target: 'p99 < 100 ms',
        ok: p99 < 100,
      });
    }
  } finally {
    await app.stop();
    await emu.close();
  }
}
