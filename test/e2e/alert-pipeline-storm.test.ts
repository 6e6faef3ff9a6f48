import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { alertGroups, alerts, incidents } from '../../src/db/schema.js';
import type { Firewatch } from '../../src/firewatch.js';
import { startApp, startEmulator, testConfig } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import type { SlackEmulator } from '../support/slack-emulator/index.js';

const TOKEN = 'storm-token-0123456789';
const CONFIG = {
  integrations: [{ id: 'storm', type: 'alertmanager', token: TOKEN, rate_limit: 1_000_000 }],
  alert_routes: [
    { match: '{alertname="Watchdog"}', drop: true },
    { match: '{team="db"}', set: { severity: 'sev2' } },
  ],
  alert_grouping: { group_by: ['alertname', 'cluster'] },
};
const GROUPS = 10;
const PER_GROUP = 30;

let db: TestDatabase;
let emu: SlackEmulator;
const pools: Database[] = [];
const apps: Firewatch[] = [];

// Replicas share one database only on Postgres; PGlite is one process by design.
describe.runIf(process.env.DATABASE_URL)('an alert storm across 3 replicas on one Postgres', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    emu = await startEmulator();
    for (let i = 0; i < 3; i++) {
      // Each replica with its own pool, as separate processes would have.
      const pool = i === 0 ? db.database : await openDatabase({ url: db.url, dataDir: db.dataDir });
      if (i > 0) pools.push(pool);
      apps.push(await startApp(emu, pool, testConfig(CONFIG)));
    }
  });

  afterAll(async () => {
    for (const app of apps) await app.stop();
    for (const pool of pools) await pool.close();
    await emu?.close();
    await db?.destroy();
  });

  it('opens exactly one incident per group for 300 alerts in 10 groups sent at once to any of them', { timeout: 120_000 }, async () => {
    const sends = Array.from({ length: GROUPS * PER_GROUP }, (_, n) => {
      const group = n % GROUPS;
      const alert = {
        status: 'firing',
        labels: { alertname: `Storm${group}`, cluster: 'eu', team: group % 2 ? 'db' : 'web', instance: `i${n}` },
        annotations: { summary: `storm ${n}` },
        startsAt: new Date().toISOString(),
        fingerprint: `storm-${n}`,
      };
      // Alertmanager's own groupKey differs per delivery here: the config's group_by decides.
      const body = {
        version: '4',
        groupKey: `{}:{n="${n}"}`,
        status: 'firing',
        receiver: 'fw',
        groupLabels: {},
        commonLabels: {},
        commonAnnotations: {},
        alerts: [alert],
      };
      return fetch(`${apps[n % apps.length]!.url}/webhooks/alertmanager/storm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(body),
      }).then((r) => r.status);
    });
    expect(new Set(await Promise.all(sends))).toEqual(new Set([202]));

    const opened = await db.database.db.select().from(incidents).where(eq(incidents.source, 'storm'));
    expect(opened).toHaveLength(GROUPS);
    const perGroup = await db.database.db
      .select({ key: alertGroups.groupKey, incidentId: alertGroups.incidentId, n: count() })
      .from(alerts)
      .innerJoin(alertGroups, eq(alerts.groupId, alertGroups.id))
      .groupBy(alertGroups.groupKey, alertGroups.incidentId);
    expect(perGroup).toHaveLength(GROUPS);
    expect(perGroup.every((g) => g.n === PER_GROUP && g.incidentId !== null)).toBe(true);
    expect(new Set(perGroup.map((g) => g.incidentId)).size).toBe(GROUPS);
    expect(opened.filter((i) => i.severity === 'sev2')).toHaveLength(GROUPS / 2);
  });
});
