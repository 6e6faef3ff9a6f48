/**
 * The console's incident page on Postgres, Firewatch in this process: the whole page of an incident with
 * 5,000 timeline events, one request at a time (server time as the client sees it on loopback), and the
 * live timeline's fan-out: 200 streams open on one incident, one update, the time until all 200 have it.
 */
import { incidents, timelineEvents } from '../src/db/schema.js';
import type { Database } from '../src/db/client.js';
import { startApp, startEmulator, testConfig } from '../test/support/app.js';
import { consoleEnv, visitAs } from '../test/support/console.js';
import { openEventStream, type EventStream } from '../test/support/event-stream.js';
import { postStatusUpdate } from '../src/workflow/changes.js';
import { percentile, type Row } from './server.js';

const EVENTS = 5_000;
const WARM_UP = 5;
const REQUESTS = 60;
const STREAMS = 200;
const ROUNDS = 5;
const KINDS = [
  (i: number) => ({
    kind: 'status_update',
    data: { message: `Update ${i}: rolled back <deploy> ${i * 7}`, status: 'investigating', severity: 'sev2' },
  }),
  (i: number) => ({ kind: 'note', data: { text: `Note ${i}: the cache hit rate is ${i % 100}%` } }),
  (i: number) => ({ kind: 'role_assigned', data: { role: 'comms', user: `U0P${i % 40}`, previous: null } }),
  () => ({ kind: 'severity_changed', data: { from: 'sev3', to: 'sev2' } }),
];

async function seed(database: Database): Promise<number> {
  const [incident] = await database.db
    .insert(incidents)
    .values({ title: 'Checkout down in EU', severity: 'sev2', status: 'investigating', declaredBy: 'U0ALICE', leadId: 'U0ALICE' })
    .returning();
  const id = incident!.id;
  for (let from = 0; from < EVENTS; from += 1_000) {
    await database.db.insert(timelineEvents).values(
      Array.from({ length: 1_000 }, (_, k) => ({
        incidentId: id,
        actor: 'U0ALICE',
        occurredAt: new Date(Date.now() - (EVENTS - from - k) * 60_000),
        ...KINDS[(from + k) % KINDS.length]!(from + k),
      })),
    );
  }
  return id;
}

export async function incidentPageBenchmarks(database: Database, rows: Row[]): Promise<void> {
  const id = await seed(database);
  const emu = await startEmulator();
  const config = testConfig({});
  const app = await startApp(emu, database, config, await consoleEnv(emu));
  const streams: EventStream[] = [];
  try {
    const alice = await visitAs(emu, app.url, 'U0ALICE');
    const once = async () => {
      const started = performance.now();
      const res = await alice.get(`/incidents/INC-${id}`);
      const body = await res.text();
      if (res.status !== 200 || !body.includes('Update 4996')) throw new Error(`the page answered ${res.status}`);
      return performance.now() - started;
    };
    for (let i = 0; i < WARM_UP; i++) await once();
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) times.push(await once());
    const p99 = percentile(times, 99);
    rows.push({
      what: `incident page with ${EVENTS.toLocaleString('en')} timeline events`,
      n: times.length,
      median: percentile(times, 50),
      p99,
      target: 'p99 < 150 ms',
      ok: p99 < 150,
    });

    for (let i = 0; i < STREAMS; i++)
      streams.push(await openEventStream(`${app.url}/incidents/INC-${id}/events?after=${Number.MAX_SAFE_INTEGER}`, alice.cookies));
    const fanOut: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const text = `Fan-out round ${round}`;
      const started = performance.now();
      const done = await postStatusUpdate(database.db, config, { incidentId: id, actor: 'U0ALICE', message: text });
      if (!done.ok) throw new Error('the update was refused');
      await Promise.all(streams.map((s) => s.next((e) => e.data.includes(text), 10_000)));
      fanOut.push(performance.now() - started);
    }
    const worst = percentile(fanOut, 99);
    rows.push({
      what: `live timeline: one update reaching all ${STREAMS} open streams (commit to last received)`,
      n: fanOut.length,
      median: percentile(fanOut, 50),
      p99: worst,
      target: 'all < 1 s',
      ok: worst < 1_000,
    });
  } finally {
    for (const s of streams) s.close();
    await app.stop();
    await emu.close();
  }
}
