/**
 * Sustained alert ingest on Postgres: Alertmanager notifications of 100 alerts each from several concurrent
 * senders, through 50 routes, grouping by alertname and cluster, with 20 stored silences in force, into
 * Firewatch running in this process. Reports alerts a second and the latency of each POST, for two loads:
 * every alert new (each joins an incident: an alert event, an alert row and a timeline line each), and
 * Alertmanager's steady state, where each group_interval sends a group's firing alerts again with a few new.
 */
import { createSilence } from '../src/alerts/silences.js';
import type { Database } from '../src/db/client.js';
import { startApp, startEmulator, testConfig } from '../test/support/app.js';
import { percentile, type Row } from './server.js';

const TOKEN = 'bench-ingest-token-0123456789';
const ROUTES = 50;
const SILENCES = 20;
const SENDERS = 4;
const PER_POST = 100;
const POSTS = 400;
const WARM_UP_POSTS = 20;
const TARGET_PER_SECOND = 5_000;
const ALERTNAMES = 10;
const CLUSTERS = 5;

const config = testConfig({
  integrations: [{ id: 'am', type: 'alertmanager', token: TOKEN, rate_limit: 100_000_000 }],
  // Routes that mostly do not match come first, as a real routing table's specific rules do.
  alert_routes: Array.from({ length: ROUTES }, (_, i) =>
    i === ROUTES - 1
      ? { match: '{severity=~"critical|page"}', set: { severity: 'sev2' } }
      : { match: `{team="team-${i}", service=~"svc-${i}-.*"}`, set: { severity: i % 2 ? 'sev3' : 'sev1' }, continue: i % 5 === 0 },
  ),
  alert_grouping: { group_by: ['alertname', 'cluster'] },
});

const GROUPS = ALERTNAMES * CLUSTERS;
/** Of a repeat POST's alerts, how many Alertmanager sends again (still firing, already recorded): the rest are new. */
const REPEATED_PER_POST = 90;

let firstPassPosts = 0;
/** The alerts of POST `post` of the first pass: one Alertmanager group a POST, going round the groups. */
const firstPass = (post: number) => Array.from({ length: PER_POST }, (_, i) => post * PER_POST + i);
const groupOfPost = (post: number) => post % GROUPS;

function notification(group: number, numbers: readonly number[]) {
  const alerts = numbers.map((n) => ({
    status: 'firing',
    labels: {
      alertname: `Bench${group % ALERTNAMES}`,
      cluster: `c${Math.floor(group / ALERTNAMES)}`,
      team: `team-${n % 60}`,
      service: `svc-${n % 60}-api`,
      instance: `host-${n}`,
      severity: n % 3 ? 'warning' : 'critical',
    },
    annotations: { summary: `bench alert ${n}` },
    // Alertmanager sends an alert's own start again with each repeat.
    startsAt: new Date(1_800_000_000_000 + n).toISOString(),
    fingerprint: `bench-${n}`,
  }));
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{group="${group}"}`,
    status: 'firing',
    receiver: 'fw',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    alerts,
  });
}

/** A POST of new alerts: each alert fires for the first time and joins (or opens) its group's incident. */
function newAlerts() {
  const post = firstPassPosts++;
  return notification(groupOfPost(post), firstPass(post));
}

/**
 * A POST as Alertmanager's group_interval repeats look: most alerts of the group fire still and come again
 * (duplicates: stored as events, no timeline line), a few are new.
 */
let repeatPosts = 0;
let freshAlerts = 0;
function repeats() {
  const again = repeatPosts++ % firstPassPosts;
  // Numbered past the first pass's alerts, so they are new to every group.
  const fresh = Array.from({ length: PER_POST - REPEATED_PER_POST }, () => 1_000_000 + freshAlerts++);
  return notification(groupOfPost(again), [...firstPass(again).slice(0, REPEATED_PER_POST), ...fresh]);
}

export async function ingestBenchmarks(database: Database, rows: Row[]): Promise<void> {
  // Silences in force that hold a few alerts (instance host-7, host-107, …) and match nothing else.
  await database.db.transaction(async (tx) => {
    for (let i = 0; i < SILENCES; i++)
      await createSilence(tx, {
        matchers: [{ name: 'instance', op: '=~', value: `host-${i}7|maint-${i}` }],
        startsAt: new Date(Date.now() - 60_000),
        endsAt: new Date(Date.now() + 3_600_000),
        createdBy: 'bench',
        comment: 'bench',
        source: 'api',
        stopPages: false,
      });
  });
  const emu = await startEmulator();
  const app = await startApp(emu, database, config);
  const url = `${app.url}/webhooks/alertmanager/am`;
  const post = async (body: string) => {
    const started = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body,
    });
    await res.text();
    if (res.status !== 202) throw new Error(`ingest answered ${res.status}`);
    return performance.now() - started;
  };
  const sustained = async (what: string, body: () => string) => {
    const times: number[] = [];
    let left = POSTS;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        while (left-- > 0) times.push(await post(body()));
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const perSecond = Math.round((POSTS * PER_POST) / seconds);
    rows.push({
      what: `${POSTS * PER_POST} ${what} in POSTs of ${PER_POST}, ${SENDERS} senders, ${ROUTES} routes, ${SILENCES} silences: ${perSecond.toLocaleString('en-US')} alerts/s (latency of a POST, ms)`,
      n: times.length,
      median: percentile(times, 50),
      p99: percentile(times, 99),
      target: `≥ ${TARGET_PER_SECOND.toLocaleString('en-US')} alerts/s`,
      ok: perSecond >= TARGET_PER_SECOND,
    });
  };
  try {
    for (let i = 0; i < WARM_UP_POSTS; i++) await post(newAlerts());
    await sustained('new alerts', newAlerts);
    await sustained(`alerts, ${REPEATED_PER_POST}% repeats of firing ones`, repeats);
  } finally {
    await app.stop();
    await emu.close();
  }
}
