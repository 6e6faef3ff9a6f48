/**
 * The console's pages over 10,000 incidents (bench/api.ts's seed: each with a status update, 5% private,
 * 2% drills, a third with a lead), fetched one request at a time by a signed-in person from Firewatch
 * running in this process on Postgres. Server time is from Node's diagnostics channels (request headers
 * read → response finished), so it leaves out the client's share of this process. One exported function
 * per page measured, each adding its rows, so a page's benchmark sits beside the others on the same app.
 */
import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { sql } from 'drizzle-orm';
import { createSession } from '../src/console/sessions.js';
import type { Database } from '../src/db/client.js';
import { incidents } from '../src/db/schema.js';
import type { Firewatch } from '../src/firewatch.js';
import { ConsoleAuth } from '../src/http/console/auth.js';
import { startApp, startEmulator, testConfig } from '../test/support/app.js';
import type { SlackEmulator } from '../test/support/slack-emulator/index.js';
import { seedIncidents } from './api.js';
import { percentile, type Row } from './server.js';

const WARM_UP = 20;
const REQUESTS = 300;
const SECRET = 'bench-console-secret-0123456789abcdef';
const TARGET_MS = 100;

/** Firewatch with the console configured and a signed-in person's cookie, over the seeded incidents. */
export interface ConsoleBench {
  app: Firewatch;
  /** The Cookie header of U0ALICE's console session. */
  cookie: string;
  stop: () => Promise<void>;
}

export async function startConsoleBench(database: Database): Promise<ConsoleBench> {
  await seedIncidents(database);
  await database.db.execute(sql`update ${incidents} set lead_id = 'U0ALICE' where ${incidents.id} % 3 = 0`);
  const emu: SlackEmulator = await startEmulator();
  const app = await startApp(emu, database, testConfig(), {
    SLACK_CLIENT_ID: emu.openid.clientId,
    SLACK_CLIENT_SECRET: emu.openid.clientSecret,
    FIREWATCH_SECRET: SECRET,
  });
  const id = await createSession(database.db, { userId: 'U0ALICE', teamId: emu.teamId, name: 'Alice Doe', email: undefined });
  const cookie = new ConsoleAuth(database.db, SECRET, false).sessionCookie(id).split(';')[0]!;
  return {
    app,
    cookie,
    stop: async () => {
      await app.stop();
      await emu.close();
    },
  };
}

/** When each request's headers were read, for the server time of its response. */
const started = new WeakMap<IncomingMessage, number>();
let lastServerMs = NaN;
diagnostics.subscribe('http.server.request.start', (message) => {
  started.set((message as { request: IncomingMessage }).request, performance.now());
});
diagnostics.subscribe('http.server.response.finish', (message) => {
  const at = started.get((message as { request: IncomingMessage }).request);
  if (at !== undefined) lastServerMs = performance.now() - at;
});

/** Server times of `path` (headers read to response finished), one request at a time, after a warm-up. */
export async function timedPage(bench: ConsoleBench, path: string): Promise<number[]> {
  const url = `${bench.app.url}${path}`;
  const once = async () => {
    lastServerMs = NaN;
    const res = await fetch(url, { headers: { cookie: bench.cookie }, redirect: 'manual' });
    const html = await res.text();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    // A page that lists nothing would measure nothing.
    if (!html.includes('<tbody><tr>')) throw new Error(`${path} lists no incident`);
    if (Number.isNaN(lastServerMs)) throw new Error(`no server time for ${path}`);
    return lastServerMs;
  };
  for (let i = 0; i < WARM_UP; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) times.push(await once());
  return times;
}

export function pageRow(what: string, times: number[]): Row {
  const p99 = percentile(times, 99);
  return { what, n: times.length, median: percentile(times, 50), p99, target: `p99 < ${TARGET_MS} ms`, ok: p99 < TARGET_MS };
}

/** GET /incidents: the first page of 50, a filtered page and a text search that matches few. */
export async function incidentListBenchmarks(bench: ConsoleBench, rows: Row[]): Promise<void> {
  const cases = [
    ['first page (50)', '/incidents'],
    ['status + severity filter', '/incidents?status=resolved&status=closed&severity=sev2'],
    ['text search in updates, one match', '/incidents?q=deploy+7021'],
  ] as const;
  for (const [what, path] of cases)
    rows.push(pageRow(`console incident list over 10,000 incidents: ${what}`, await timedPage(bench, path)));
}
