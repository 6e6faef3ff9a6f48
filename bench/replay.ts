/**
 * Alert replay on Postgres: 100,000 stored alert events of a week (bulk inserted, 100 a batch) replayed
 * under a config with 50 routes, grouping by alertname and cluster with open_after, and 20 stored silences
 * in force, against the running config (the same routes, coarser grouping, no open_after) replayed alongside, read page
 * by page as `npm run replay` reads them. Reports the whole replay's time.
 */
import { createSilence } from '../src/alerts/silences.js';
import { replayStored } from '../src/alerts/replay-read.js';
import { differences } from '../src/alerts/replay.js';
import type { Database } from '../src/db/client.js';
import { alertEvents } from '../src/db/schema.js';
import { testConfig } from '../test/support/app.js';
import { percentile, type Row } from './server.js';

export const REPLAY_HEADING = '## Alert replay';

const EVENTS = 100_000;
const PER_BATCH = 100;
const ROUTES = 50;
const SILENCES = 20;
const RUNS = 3;
const TARGET_MS = 10_000;
const WEEK = 7 * 86_400_000;
const ALERTNAMES = 10;
const CLUSTERS = 5;

const document = {
  integrations: [{ id: 'am', type: 'alertmanager', token: 'bench-replay-token-0123456789' }],
  alert_routes: Array.from({ length: ROUTES }, (_, i) =>
    i === ROUTES - 1
      ? { match: '{severity=~"critical|page"}', set: { severity: 'sev2' } }
      : { match: `{team="team-${i}", service=~"svc-${i}-.*"}`, set: { severity: i % 2 ? 'sev3' : 'sev1' }, continue: i % 5 === 0 },
  ),
};
const config = testConfig({ ...document, alert_grouping: { group_by: ['alertname', 'cluster'], open_after: { count: 3, within: '5m' } } });
// The running config it is compared against, as `npm run replay` does by default: the same routes, grouping
// by alertname alone and without open_after, so the two differ in what opens and what is merged.
const running = testConfig({ ...document, alert_grouping: { group_by: ['alertname'] } });

async function seed(database: Database, since: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    for (let i = 0; i < SILENCES; i++)
      await createSilence(tx, {
        matchers: [{ name: 'instance', op: '=~', value: `host-${i}7|maint-${i}` }],
        startsAt: new Date(since - 60_000),
        endsAt: new Date(since + WEEK),
        createdBy: 'bench',
        comment: 'bench',
        source: 'api',
        stopPages: false,
      });
  });
  const batches = EVENTS / PER_BATCH;
  const rows: Array<typeof alertEvents.$inferInsert> = [];
  for (let b = 0; b < batches; b++) {
    const group = b % (ALERTNAMES * CLUSTERS);
    const at = new Date(since + Math.floor((b * WEEK) / batches));
    for (let i = 0; i < PER_BATCH; i++) {
      const n = b * PER_BATCH + i;
      const labels = {
        alertname: `Bench${group % ALERTNAMES}`,
        cluster: `c${Math.floor(group / ALERTNAMES)}`,
        team: `team-${n % 60}`,
        service: `svc-${n % 60}-api`,
        instance: `host-${n % 5_000}`,
        severity: n % 3 ? 'warning' : 'critical',
      };
      rows.push({
        integrationId: 'am',
        fingerprint: `bench-${n % 5_000}`,
        status: b % 7 === 6 ? 'resolved' : 'firing',
        title: `bench alert ${n}`,
        labels,
        annotations: {},
        sourceGroupKey: `{}:{batch="${b}"}`,
        batchTitle: 'bench',
        receivedAt: at,
        routes: [],
        groupKey: `alertname=${labels.alertname},cluster=${labels.cluster}`,
        outcome: 'waiting',
        reason: 'bench',
      });
    }
  }
  for (let i = 0; i < rows.length; i += 5_000) await database.db.insert(alertEvents).values(rows.slice(i, i + 5_000));
}

export async function replayBenchmarks(database: Database, rows: Row[]): Promise<string[]> {
  const since = Date.now() - WEEK - 60_000;
  await seed(database, since);
  const range = { from: new Date(since - 1), until: new Date() };
  const times: number[] = [];
  let found = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const diff = await replayStored(database.db, config, running, range, 5);
    times.push(performance.now() - started);
    if (diff.events !== EVENTS) throw new Error(`replay read ${diff.events} events, not ${EVENTS}`);
    found = differences(diff);
  }
  const median = percentile(times, 50);
  rows.push({
    what: `replay of ${EVENTS.toLocaleString('en-US')} alert events, ${ROUTES} routes, grouping with open_after, ${SILENCES} silences (whole run, ms)`,
    n: RUNS,
    median,
    p99: Math.max(...times),
    target: `< ${TARGET_MS / 1000} s`,
    ok: median < TARGET_MS,
  });
  return [
    `${found.toLocaleString('en-US')} differences found against the running config's replay (the same routes, grouping by alertname alone, without open_after), up to 5 examples of each kind kept.`,
  ];
}
