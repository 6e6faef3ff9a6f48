/**
 * Sustained alert ingest on Postgres: Alertmanager notifications of 100 alerts each from several concurrent
 * senders, through 50 routes, grouping by alertname and cluster, with 20 stored silences in force, into
 * Firewatch running in this process. Reports alerts a second and the latency of each POST.
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

let sequence = 0;
function notification() {
  // One Alertmanager group a POST, as Alertmanager sends them, going round the groups.
  const group = Math.floor(sequence / PER_POST) % (ALERTNAMES * CLUSTERS);
  const alerts = Array.from({ length: PER_POST }, () => {
    const n = sequence++;
    return {
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
      startsAt: new Date().toISOString(),
      fingerprint: `bench-${n}`,
    };
  });
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{batch="${sequence}"}`,
    status: 'firing',
    receiver: 'fw',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    alerts,
  });
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
  const post = async () => {
    const body = notification();
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
  try {
    for (let i = 0; i < WARM_UP_POSTS; i++) await post();
    const times: number[] = [];
    let left = POSTS;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        while (left-- > 0) times.push(await post());
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const perSecond = Math.round((POSTS * PER_POST) / seconds);
    rows.push({
      what: `${POSTS * PER_POST} alerts in POSTs of ${PER_POST}, ${SENDERS} senders, ${ROUTES} routes, ${SILENCES} silences: ${perSecond.toLocaleString('en-US')} alerts/s (latency of a POST, ms)`,
      n: times.length,
      median: percentile(times, 50),
      p99: percentile(times, 99),
      target: `≥ ${TARGET_PER_SECOND.toLocaleString('en-US')} alerts/s`,
      ok: perSecond >= TARGET_PER_SECOND,
    });
  } finally {
    await app.stop();
    await emu.close();
  }
}
