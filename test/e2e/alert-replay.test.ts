import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayStored } from '../../src/alerts/replay-read.js';
import { differences, type ReplayDiff } from '../../src/alerts/replay.js';
import { startApp, startEmulator, testConfig } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { writeConfigFile } from '../support/process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TOKEN = 'replay-token-0123456789';
// The alerts were taken in under an older config that routed nothing; A, the running config, now sends team db to sev1.
const OLDER = {
  integrations: [{ id: 'prom', type: 'alertmanager', token: TOKEN, severity: 'sev4', rate_limit: 1_000_000 }],
  alert_grouping: { group_by: ['alertname'] },
};
const A = { ...OLDER, alert_routes: [{ match: '{team="db"}', set: { severity: 'sev1' } }] };
// B drops Watchdog, silences staging and opens an incident only for two alerts of a group within 10 minutes.
const B = {
  ...A,
  alert_routes: [{ match: '{alertname="Watchdog"}', drop: true }, ...A.alert_routes],
  alert_grouping: { group_by: ['alertname'], open_after: { count: 2, within: '10m' } },
  silences: [{ id: 'staging-maint', matchers: '{env="staging"}', starts_at: '2026-01-01T00:00:00Z', ends_at: '2099-01-01T00:00:00Z' }],
};

let database: TestDatabase;
const range = { from: new Date(Date.now() - 60_000), until: new Date(Date.now() + 3_600_000) };
const counts = (diff: ReplayDiff) => Object.fromEntries(Object.entries(diff).map(([k, v]) => [k, typeof v === 'number' ? v : v.count]));

const run = (args: string[], env: Record<string, string>) =>
  promisify(execFile)('npm', ['run', '--silent', 'replay', '--', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );

beforeAll(async () => {
  database = await createTestDatabase();
  const slack = await startEmulator();
  const app = await startApp(slack, database.database, testConfig(OLDER));
  const send = async (groupKey: string, fingerprint: string, labels: Record<string, string>) => {
    const res = await fetch(`${app.url}/webhooks/alertmanager/prom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        version: '4',
        groupKey,
        status: 'firing',
        receiver: 'firewatch',
        groupLabels: {},
        commonLabels: {},
        commonAnnotations: {},
        alerts: [{ status: 'firing', labels, annotations: {}, startsAt: new Date().toISOString(), fingerprint }],
      }),
    });
    expect(res.status).toBe(202);
  };
  try {
    await send('g1', 'watchdog-1', { alertname: 'Watchdog' });
    await send('g2', 'disk-1', { alertname: 'DiskFull', env: 'staging' });
    await send('g3', 'latency-1', { alertname: 'Latency', team: 'db' });
    await send('g4', 'errors-1', { alertname: 'Errors' });
    await send('g4', 'errors-2', { alertname: 'Errors' });
  } finally {
    await app.stop();
    await slack.close();
  }
});

afterAll(async () => {
  await database.destroy().catch(() => {});
});

describe('alert replay over alerts ingested through webhooks', () => {
  it('finds no differences replaying the running config against itself, though an older one decided the alerts', async () => {
    const diff = await replayStored(database.database.db, testConfig(A), testConfig(A), range, 5);
    expect(diff.events).toBe(5);
    expect(differences(diff), JSON.stringify(diff)).toBe(0);
    // Against what was stored, the older config's decisions show through: Latency was not routed to sev1 then.
    const stored = await replayStored(database.database.db, testConfig(A), 'stored', range, 5);
    expect(differences(stored)).toBe(1);
    expect(stored.rerouted.examples[0]).toMatchObject({
      fingerprint: 'latency-1',
      against: { set: {} },
      replayed: { set: { severity: 'sev1' } },
    });
  });

  it('names what a config with a drop route, a silence and open_after changes against the running config', async () => {
    const diff = await replayStored(database.database.db, testConfig(B), testConfig(A), range, 5);
    expect(counts(diff)).toEqual({
      events: 5,
      wouldOpen: 0,
      // Watchdog is dropped, DiskFull silenced, and Latency fired alone; Errors fired twice within 10m and still opens.
      wouldNotOpen: 3,
      merged: 0,
      split: 0,
      newlySilenced: 1,
      noLongerSilenced: 0,
      newlyDropped: 1,
      noLongerDropped: 0,
      // Both A and B send Latency to sev1.
      rerouted: 0,
    });
    expect(diff.newlyDropped.examples[0]).toMatchObject({ fingerprint: 'watchdog-1', against: { outcome: 'opened', incident: 1 } });
    expect(diff.newlySilenced.examples[0]).toMatchObject({
      fingerprint: 'disk-1',
      replayed: { outcome: 'silenced', silence: 'staging-maint' },
    });
    // Latency's is open_after's: one alert of the group, where B asks for two within 10 minutes.
    expect(diff.wouldNotOpen.examples.map((i) => i.first.fingerprint)).toEqual(['watchdog-1', 'disk-1', 'latency-1']);
  });

  it('refuses a config that is not valid, naming the file and the field', async () => {
    const file = writeConfigFile({ ...B, alert_grouping: { open_after: { count: 0, within: '10m' } } });
    const out = await run(['--config', file, '--since', '1h'], {});
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(file);
    expect(out.stderr).toContain('alert_grouping.open_after.count');
  });

  it('prints the differences from the command line, against the running config or what was stored', async () => {
    const file = writeConfigFile({ announcements_channel: 'C0ANNOUNCE', ...B });
    const running = writeConfigFile({ announcements_channel: 'C0ANNOUNCE', ...A });
    // PGlite's directory is opened by one process at a time: the test's own connection lets go first.
    if (!database.url) await database.database.close();
    const storage: Record<string, string> = database.url ? { DATABASE_URL: database.url } : { DATA_DIR: database.dataDir };
    const out = await run(['--config', file, '--since', '1h', '--limit', '2'], { ...storage, FIREWATCH_CONFIG: running });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Replay of 5 alert events from .* under .*firewatch\.yaml against .*firewatch\.yaml: 5 differences$/m);
    expect(out.stdout).toContain(`against ${running}:`);
    expect(out.stdout).toContain('Incidents that open under the running config and would not: 3');
    expect(out.stdout).toMatch(
      /Alerts newly dropped: 1\n {2}- Watchdog \[prom watchdog-1\] at .*: is opened running incident 1, would be dropped/,
    );
    expect(out.stdout).toMatch(
      /Alerts newly silenced: 1\n {2}- DiskFull \[prom disk-1\] at .*: is opened running incident 2, would be silenced by staging-maint/,
    );
    expect(out.stdout).toContain('Alerts routed to a different severity, page, type or service: 0');
    expect(out.stdout).toContain('  … and 1 more');

    const stored = await run(['--config', file, '--since', '1h', '--against', 'stored', '--json'], {
      ...storage,
      FIREWATCH_CONFIG: running,
    });
    expect(stored.code).toBe(0);
    const json = JSON.parse(stored.stdout) as ReplayDiff & { against: string };
    expect(json.against).toBe('stored');
    // What was stored came from the older config, which did not send Latency to sev1.
    expect(counts(json)).toMatchObject({ wouldNotOpen: 3, newlySilenced: 1, newlyDropped: 1, rerouted: 1 });
  });
});
