import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Matcher } from '../../src/alerts/matchers.js';
import { createSilence, type NewSilence } from '../../src/alerts/silences.js';
import { sweepEndedSilences } from '../../src/alerts/silence-end.js';
import { alertEvents, alerts, incidentMembers, incidents, pageNotifications, pages, timelineEvents } from '../../src/db/schema.js';
import type { Firewatch } from '../../src/firewatch.js';
import { alertDecisionsOf } from '../../src/workflow/alert-decisions.js';
import { changeStatusIn } from '../../src/workflow/changes.js';
import { silenceCreated, sweepStartedSilences } from '../../src/workflow/silences.js';
import { postAlertmanager, type TestAlert } from '../support/alertmanager.js';
import { testConfig } from '../support/app.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';

/** A silence as /incident silence stores it, made by U0ALICE, letting pages go on. */
const slackSilence = (matchers: Matcher[], startsAt: Date, endsAt: Date, comment: string): NewSilence => ({
  matchers,
  startsAt,
  endsAt,
  createdBy: 'U0ALICE',
  comment,
  source: 'slack',
  stopPages: false,
});

const TOKEN = 'pipe-token-0123456789';
const CONFIG = {
  escalation_tick: '* * * * * *',
  escalation_policies: [
    { id: 'primary', levels: [{ delay: '1h', targets: [{ user: 'U0ONCALL' }] }] },
    { id: 'db-primary', levels: [{ delay: '1h', targets: [{ user: 'U0DBA' }] }] },
  ],
  services: [{ id: 'postgres', name: 'Postgres', tier: 1 }],
  integrations: [{ id: 'prom', type: 'alertmanager', token: TOKEN, severity: 'sev4', page: 'primary', rate_limit: 1_000_000 }],
  alert_routes: [
    { match: '{alertname="Watchdog"}', drop: true },
    { match: '{team="db"}', set: { severity: 'sev1', type: 'data' }, continue: true },
    { match: '{team="db"}', set: { severity: 'sev3', page: 'db-primary', service: 'postgres' } },
    // RE2, as Alertmanager reads it: case-insensitive, and \Q.\E a literal dot.
    { match: '{alertname=~"(?i)noise\\\\Q.\\\\E.*"}', drop: true },
  ],
  silences: [{ id: 'maint', matchers: '{env="staging"}', starts_at: '2026-01-01T00:00:00Z', ends_at: '2099-01-01T00:00:00Z' }],
};

const fw = useFirewatch({ config: CONFIG });

let seq = 0;
const unique = (base: string) => `${base}-${++seq}-${Date.now()}`;

type Alert = Omit<TestAlert, 'annotations'>;

async function send(groupKey: string, alerts: Alert[], url = fw.app.url): Promise<{ status: number; incident: string | undefined }> {
  const summarised = alerts.map((a) => ({ ...a, annotations: { summary: `${a.labels.alertname ?? 'Alert'} ${a.fingerprint}` } }));
  const res = await postAlertmanager(url, TOKEN, groupKey, summarised);
  const json = (await res.json()) as { incident?: string };
  return { status: res.status, incident: json.incident };
}

const eventsOf = (fingerprint: string) =>
  fw.db.select().from(alertEvents).where(eq(alertEvents.fingerprint, fingerprint)).orderBy(asc(alertEvents.id));
const notesOf = async (incidentId: number) => (await fw.events(incidentId, 'note')).map((e) => JSON.stringify(e.data));
const pageStates = async (incidentId: number) =>
  (await fw.db.select({ state: pages.state }).from(pages).where(eq(pages.incidentId, incidentId))).map((p) => p.state);
const idOf = (key: string | undefined) => Number(/^INC-(\d+)$/.exec(key ?? '')?.[1]);

describe('the alert pipeline through Alertmanager webhooks', () => {
  it('routes with set and continue: the first route sets severity, the continued one adds what is unset', async () => {
    const fp = unique('db');
    const reply = await send(unique('g'), [{ fingerprint: fp, labels: { alertname: 'DiskFull', team: 'db' } }]);
    expect(reply.status).toBe(202);
    const incident = await fw.incident(idOf(reply.incident));
    expect(incident).toMatchObject({ severity: 'sev1', type: 'data', status: 'triage' });
    const [event] = await eventsOf(fp);
    expect(event).toMatchObject({
      outcome: 'opened',
      routes: [1, 2],
      set: { severity: 'sev1', type: 'data', page: 'db-primary', service: 'postgres' },
    });
    expect(event!.reason).toMatch(
      /^route 2 \{team="db"\} \+ route 3 \{team="db"\} → sev1, data, postgres, db-primary · group .* · opened INC-\d+$/,
    );
  });

  it("pages the escalation policy a route's set names, not the integration's page", async () => {
    const routed = idOf(
      (await send(unique('g'), [{ fingerprint: unique('lag'), labels: { alertname: 'ReplicationLag', team: 'db' } }])).incident,
    );
    // The control: an alert no route sets a page for pages the integration's policy.
    const plain = idOf((await send(unique('g'), [{ fingerprint: unique('cpu'), labels: { alertname: 'CpuHigh' } }])).incident);
    const policiesOf = async (id: number) => (await fw.db.select().from(pages).where(eq(pages.incidentId, id))).map((p) => p.policyId);
    expect(await policiesOf(routed)).toEqual(['db-primary']);
    expect(await policiesOf(plain)).toEqual(['primary']);
    await fw.drained(routed);
    await fw.drained(plain);
    const paged = async (id: number) =>
      (
        await fw.db
          .select({ user: pageNotifications.userId })
          .from(pageNotifications)
          .innerJoin(pages, eq(pages.id, pageNotifications.pageId))
          .where(eq(pages.incidentId, id))
      ).map((n) => n.user);
    expect(await paged(routed)).toEqual(['U0DBA']);
    expect(await paged(plain)).toEqual(['U0ONCALL']);
    const dmed = (user: string, id: number) =>
      fw.slack
        .dm(user)
        .messages()
        .some((m) => m.content.includes(`INC-${id}`));
    expect(dmed('U0DBA', routed)).toBe(true);
    expect(dmed('U0ONCALL', routed)).toBe(false);
  });

  it("ends each alert line in the incident channel with the pipeline's reason: the route it matched, or the group it joined", async () => {
    const group = unique('lines');
    const first = unique('l1');
    const second = unique('l2');
    const id = idOf((await send(group, [{ fingerprint: first, labels: { alertname: 'DiskFull', team: 'db' } }])).incident);
    expect((await send(group, [{ fingerprint: second, labels: { alertname: 'DiskFull', team: 'db' } }])).incident).toBe(`INC-${id}`);
    const [opened] = await eventsOf(first);
    const [joined] = await eventsOf(second);
    expect(opened!.reason).toMatch(new RegExp(`^route 2 \\{team="db"\\} \\+ route 3 .* · opened INC-${id}$`));
    expect(joined!.reason).toMatch(new RegExp(`^route 2 .* · joined INC-${id}$`));
    await fw.drained(id);
    const channel = (await fw.incident(id)).channelId!;
    // The posted text, as Slack shows it in notifications (the section block carries the same, the Silence 2h button after it).
    const lines = fw.slack
      .messagesIn(channel)
      .map((m) => m.text)
      .filter((t) => t.startsWith('🔔 Alert firing from *prom*'));
    expect(lines).toEqual([
      `🔔 Alert firing from *prom*: DiskFull ${first} — _${opened!.reason}_`,
      `🔔 Alert firing from *prom*: DiskFull ${second} — _${joined!.reason}_`,
    ]);
  });

  it('drops what a drop route matches: stored, nothing opened', async () => {
    const fp = unique('wd');
    const reply = await send(unique('g'), [{ fingerprint: fp, labels: { alertname: 'Watchdog' } }]);
    expect(reply.incident).toBeFalsy();
    expect(await eventsOf(fp)).toMatchObject([
      { outcome: 'dropped', incidentId: null, routes: [0], reason: 'route 1 {alertname="Watchdog"} → dropped · dropped' },
    ]);
  });

  it('reads route regexes as RE2: (?i) and \\Q…\\E match as in Alertmanager', async () => {
    const loud = unique('loud');
    expect((await send(unique('g'), [{ fingerprint: loud, labels: { alertname: 'NOISE.probe' } }])).incident).toBeFalsy();
    expect(await eventsOf(loud)).toMatchObject([{ outcome: 'dropped', routes: [3] }]);
    const other = unique('other');
    expect((await send(unique('g'), [{ fingerprint: other, labels: { alertname: 'noisexprobe' } }])).incident).toMatch(/^INC-/);
    expect(await eventsOf(other)).toMatchObject([{ outcome: 'opened', routes: [] }]);
  });

  it('joins the open incident of a group, and opens a new one after it is resolved', async () => {
    const group = unique('join');
    const first = await send(group, [{ fingerprint: unique('a'), labels: { alertname: 'Latency' } }]);
    const id = idOf(first.incident);
    const b = unique('b');
    expect((await send(group, [{ fingerprint: b, labels: { alertname: 'Latency' } }])).incident).toBe(`INC-${id}`);
    expect((await eventsOf(b))[0]).toMatchObject({ outcome: 'joined', incidentId: id });
    // Accepted, then resolved: the group closes with its incident.
    for (const to of ['investigating', 'resolved'] as const)
      expect(
        (
          await fw.db.transaction((tx) =>
            changeStatusIn(tx, testConfig(CONFIG), { incidentId: id, actor: 'U0ALICE', to, message: 'fixed' }),
          )
        ).ok,
      ).toBe(true);
    const again = await send(group, [{ fingerprint: unique('c'), labels: { alertname: 'Latency' } }]);
    expect(idOf(again.incident)).toBeGreaterThan(id);
  });

  it('stores an alert a config maintenance window holds, opening nothing', async () => {
    const fp = unique('stg');
    expect((await send(unique('g'), [{ fingerprint: fp, labels: { alertname: 'X', env: 'staging' } }])).incident).toBeFalsy();
    expect(await eventsOf(fp)).toMatchObject([{ outcome: 'silenced', silence: 'maint', incidentId: null }]);
  });

  it('holds an alert while a stored silence lasts, and opens it when the silence ends while it still fires', async () => {
    const label = unique('quiet');
    const silence = await fw.db.transaction((tx) =>
      createSilence(
        tx,
        slackSilence([{ name: 'quiet', op: '=', value: label }], new Date(Date.now() - 1000), new Date(Date.now() + 3000), 'deploy'),
      ),
    );
    const fp = unique('held');
    expect((await send(unique('g'), [{ fingerprint: fp, labels: { alertname: 'Held', quiet: label } }])).incident).toBeFalsy();
    expect(await eventsOf(fp)).toMatchObject([{ outcome: 'silenced', silence: `#${silence.id}` }]);
    await until(async () => (await eventsOf(fp)).length === 2, 'the silence to end and release the alert', 20_000);
    const [, released] = await eventsOf(fp);
    expect(released).toMatchObject({ outcome: 'opened' });
    expect(released!.incidentId).not.toBeNull();
  });

  it('notes an open incident whose firing alerts a new silence matches, leaving its pages alone', async () => {
    const cluster = unique('eu');
    const reply = await send(unique('g'), [{ fingerprint: unique('n'), labels: { alertname: 'Noisy', cluster } }]);
    const id = idOf(reply.incident);
    const noted = await fw.db.transaction(async (tx) => {
      const silence = await createSilence(
        tx,
        slackSilence([{ name: 'cluster', op: '=', value: cluster }], new Date(Date.now() - 1000), new Date(Date.now() + 3_600_000), ''),
      );
      return silenceCreated(tx, testConfig(CONFIG), silence);
    });
    expect(noted).toEqual([id]);
    const notes = await fw.db
      .select()
      .from(timelineEvents)
      .where(and(eq(timelineEvents.incidentId, id), eq(timelineEvents.kind, 'note')));
    expect(JSON.stringify(notes[0]?.data)).toMatch(/matches 1 firing alert of this incident.*its pages go on/);
  });

  it('notes an open incident once when a scheduled stored silence starts, its page left running', async () => {
    const cluster = unique('sched');
    const id = idOf((await send(unique('g'), [{ fingerprint: unique('s'), labels: { alertname: 'Later', cluster } }])).incident);
    const startsAt = new Date(Date.now() + 3_600_000);
    const silence = await fw.db.transaction(async (tx) => {
      const row = await createSilence(
        tx,
        slackSilence([{ name: 'cluster', op: '=', value: cluster }], startsAt, new Date(startsAt.getTime() + 3_600_000), 'window'),
      );
      expect(await silenceCreated(tx, fw.config, row)).toEqual([]);
      return row;
    });
    expect(await notesOf(id)).toEqual([]);
    const at = new Date(startsAt.getTime() + 1000);
    expect(await sweepStartedSilences(fw.db, fw.config, at)).toBeGreaterThanOrEqual(1);
    await sweepStartedSilences(fw.db, fw.config, at);
    const notes = await notesOf(id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(new RegExp(`Silence #${silence.id} .*matches 1 firing alert of this incident.*its pages go on`));
    expect(await pageStates(id)).toEqual(['triggered']);
  });

  it('notes an open incident once when a config maintenance window with stop_pages starts, and stops its page', async () => {
    const cluster = unique('win');
    const id = idOf((await send(unique('g'), [{ fingerprint: unique('w'), labels: { alertname: 'Window', cluster } }])).incident);
    expect(await pageStates(id)).toEqual(['triggered']);
    const startsAt = new Date(Date.now() + 3_600_000);
    const window = unique('upgrade');
    const config = testConfig({
      ...CONFIG,
      silences: [
        ...CONFIG.silences,
        {
          id: window,
          matchers: `{cluster="${cluster}"}`,
          starts_at: startsAt.toISOString(),
          ends_at: new Date(startsAt.getTime() + 3_600_000).toISOString(),
          stop_pages: true,
        },
      ],
    });
    const at = new Date(startsAt.getTime() + 1000);
    await sweepStartedSilences(fw.db, config, at);
    await sweepStartedSilences(fw.db, config, at);
    const notes = await fw.events(id, 'note');
    expect(notes).toHaveLength(1);
    expect(notes[0]!.actor).toBe('config:Config');
    expect(JSON.stringify(notes[0]!.data)).toMatch(new RegExp(`maintenance window ${window} .*its pages are stopped \\(stop_pages\\)`));
    expect(await pageStates(id)).toEqual(['acknowledged']);
  });

  it('releases a config window’s alerts again when its ends_at is moved past an end already handled', async () => {
    const window = unique('ext');
    const label = unique('extended');
    const endedAt = new Date(Date.now() - 3_600_000);
    const entry = (endsAt: Date) => ({
      id: window,
      matchers: `{ext="${label}"}`,
      starts_at: new Date(endsAt.getTime() - 7_200_000).toISOString(),
      ends_at: endsAt.toISOString(),
    });
    // The first end passes and is handled with nothing held.
    await sweepEndedSilences(fw.db, testConfig({ ...CONFIG, silences: [entry(endedAt)] }), new Date());
    // Then the file moves the end to later; an app on it holds a new alert under the same window.
    const later = new Date(Date.now() + 3_600_000);
    const extended = { ...CONFIG, silences: [entry(later)] };
    const app: Firewatch = await fw.startApp(extended);
    try {
      const fp = unique('x');
      expect((await send(unique('g'), [{ fingerprint: fp, labels: { alertname: 'Ext', ext: label } }], app.url)).incident).toBeFalsy();
      expect(await eventsOf(fp)).toMatchObject([{ outcome: 'silenced', silence: window }]);
      expect(await sweepEndedSilences(fw.db, testConfig(extended), new Date(later.getTime() + 1000))).toBeGreaterThanOrEqual(1);
      expect((await eventsOf(fp)).map((e) => e.outcome)).toEqual(['silenced', 'opened']);
    } finally {
      await app.stop();
    }
  });

  it('shows each alert with its reason in /incident alerts', async () => {
    const group = unique('why');
    const reply = await send(group, [
      { fingerprint: unique('w1'), labels: { alertname: 'Why' } },
      { fingerprint: unique('w2'), labels: { alertname: 'Why' } },
    ]);
    const id = idOf(reply.incident);
    const text = await fw.run(`alerts INC-${id}`);
    expect(text).toContain(`INC-${id}: 2 alerts`);
    expect(text).toContain(`opened INC-${id}`);
    expect(text).toContain(`joined INC-${id}`);
    expect(text).not.toContain('events');
  });

  it('counts the repeats of an alert in /incident alerts, in the incident channel as with INC-n', async () => {
    const group = unique('rep');
    const fp = unique('r1');
    const id = idOf((await send(group, [{ fingerprint: fp, labels: { alertname: 'Rep' } }])).incident);
    await send(group, [{ fingerprint: fp, labels: { alertname: 'Rep' } }]);
    await send(group, [{ fingerprint: fp, labels: { alertname: 'Rep' } }]);
    expect((await eventsOf(fp)).map((e) => e.outcome)).toEqual(['opened', 'duplicate', 'duplicate']);
    await fw.drained(id);
    const text = await fw.run('alerts', { incident: id });
    expect(text).toContain(`INC-${id}: 1 alert`);
    expect(text).toContain('· 3 events');
  });
});

describe('/incident alerts outside an incident', () => {
  const outside = (user = 'U0ALICE') => fw.run('alerts', { user });
  const title = (fp: string, name: string) => `${name} ${fp}`;
  const quietSilence = (label: string, comment: string) =>
    fw.db.transaction((tx) =>
      createSilence(
        tx,
        slackSilence([{ name: 'quiet', op: '=', value: label }], new Date(Date.now() - 1000), new Date(Date.now() + 3_600_000), comment),
      ),
    );

  it('lists the last 24 h of silenced, dropped and waiting alerts, each with why, and nothing older', async () => {
    const maint = unique('m');
    await send(unique('g'), [{ fingerprint: maint, labels: { alertname: 'Maint', env: 'staging' } }]);
    const label = unique('quiet');
    const silence = await quietSilence(label, 'deploy of the day');
    const quiet = unique('q');
    await send(unique('g'), [{ fingerprint: quiet, labels: { alertname: 'Quiet', quiet: label } }]);
    await send(unique('g'), [{ fingerprint: quiet, labels: { alertname: 'Quiet', quiet: label } }]);
    const dropped = unique('wd');
    await send(unique('g'), [{ fingerprint: dropped, labels: { alertname: 'Watchdog' } }]);
    const old = unique('wd-old');
    await send(unique('g'), [{ fingerprint: old, labels: { alertname: 'Watchdog' } }]);
    await fw.db
      .update(alertEvents)
      .set({ receivedAt: new Date(Date.now() - 25 * 3_600_000) })
      .where(eq(alertEvents.fingerprint, old));
    const app = await fw.startApp({ ...CONFIG, alert_grouping: { group_by: ['alertname'], open_after: { count: 3, within: '5m' } } });
    const waiting = unique('w');
    const slow = unique('Slow');
    try {
      await send(unique('s'), [{ fingerprint: waiting, labels: { alertname: slow } }], app.url);
    } finally {
      await app.stop();
    }

    const text = await outside();
    expect(text).toMatch(/\d+ alerts? of the last 24 h opened or joined no incident/);
    expect(text).toContain(title(maint, 'Maint'));
    expect(text).toContain('silenced by maint');
    expect(text).toContain(title(quiet, 'Quiet'));
    expect(text).toContain(`silenced by #${silence.id}`);
    expect(text).toContain('deploy of the day');
    expect(text).toContain('· 2 times');
    expect(text).toContain(title(dropped, 'Watchdog'));
    expect(text).toContain('route 1 {alertname=\\"Watchdog\\"} → dropped · dropped');
    expect(text).toContain(title(waiting, slow));
    expect(text).toContain('waiting (3 alerts in 5m open an incident)');
    expect(text).not.toContain(old);
    // The latest first: the waiting alert came last.
    expect(text.indexOf(waiting)).toBeLessThan(text.indexOf(dropped));
    expect(text.indexOf(dropped)).toBeLessThan(text.indexOf(maint));
  });

  it('never shows an outsider an alert of a private incident, before or after it was in it', async () => {
    // Opened a private incident, then silenced on a repeat: shown to the incident's member only.
    const name = unique('Secret');
    const label = unique('hush');
    const secret = unique('s');
    const id = idOf((await send(unique('g'), [{ fingerprint: secret, labels: { alertname: name, quiet: label } }])).incident);
    await fw.db.update(incidents).set({ isPrivate: true }).where(eq(incidents.id, id));
    await fw.db.insert(incidentMembers).values({ incidentId: id, userId: 'U0ALICE' });
    await quietSilence(label, 'hush');
    await send(unique('g'), [{ fingerprint: secret, labels: { alertname: name, quiet: label } }]);
    expect((await eventsOf(secret)).map((e) => e.outcome)).toEqual(['opened', 'silenced']);
    expect(await outside('U0ALICE')).toContain(secret);
    expect(await outside('U0BOB')).not.toContain(secret);

    // Waited for open_after, then taken into an incident made private: on that incident's list, on nobody's here.
    const app = await fw.startApp({ ...CONFIG, alert_grouping: { group_by: ['alertname'], open_after: { count: 2, within: '5m' } } });
    const later = unique('Later');
    const [first, second] = [unique('l1'), unique('l2')];
    try {
      await send(unique('s'), [{ fingerprint: first, labels: { alertname: later } }], app.url);
      expect(await outside('U0BOB')).toContain(first);
      const opened = idOf((await send(unique('s'), [{ fingerprint: second, labels: { alertname: later } }], app.url)).incident);
      await fw.db.update(incidents).set({ isPrivate: true }).where(eq(incidents.id, opened));
    } finally {
      await app.stop();
    }
    for (const user of ['U0ALICE', 'U0BOB']) {
      const text = await outside(user);
      expect(text).not.toContain(first);
      expect(text).not.toContain(second);
    }
    expect(await fw.run(`alerts INC-${id}`, { user: 'U0BOB' })).toContain(`There is no INC-${id} that you can see`);
  });
});

describe('open_after', () => {
  it('takes along an alert that waited longer than the window and still fires', async () => {
    const app: Firewatch = await fw.startApp({
      ...CONFIG,
      alert_grouping: { group_by: ['alertname'], open_after: { count: 2, within: '5m' } },
    });
    try {
      const name = unique('Slow');
      const [old, a, b] = [unique('x0'), unique('x1'), unique('x2')];
      await send(unique('s'), [{ fingerprint: old, labels: { alertname: name } }], app.url);
      // It fired ten minutes ago, out of the window: it does not count towards open_after, but it still fires.
      await fw.db
        .update(alerts)
        .set({ lastFiringAt: new Date(Date.now() - 600_000) })
        .where(eq(alerts.fingerprint, old));
      expect((await send(unique('s'), [{ fingerprint: a, labels: { alertname: name } }], app.url)).incident).toBeFalsy();
      const id = idOf((await send(unique('s'), [{ fingerprint: b, labels: { alertname: name } }], app.url)).incident);
      const decisions = await fw.db.transaction((tx) => alertDecisionsOf(tx, id));
      expect(decisions.map((d) => d.fingerprint).sort()).toEqual([old, a, b].sort());
      expect(decisions.find((d) => d.fingerprint === b)?.reason).toContain(`opened INC-${id} (2 alerts in 5m)`);
    } finally {
      await app.stop();
    }
  });

  it('waits for the third alert of a group within the window, then opens one incident holding all three', async () => {
    const app: Firewatch = await fw.startApp({
      ...CONFIG,
      alert_grouping: { group_by: ['alertname'], open_after: { count: 3, within: '5m' } },
    });
    try {
      const name = unique('Burst');
      const fps = [unique('o1'), unique('o2'), unique('o3')];
      expect((await send(unique('s'), [{ fingerprint: fps[0]!, labels: { alertname: name } }], app.url)).incident).toBeFalsy();
      expect((await send(unique('s'), [{ fingerprint: fps[1]!, labels: { alertname: name } }], app.url)).incident).toBeFalsy();
      expect((await eventsOf(fps[1]!))[0]).toMatchObject({ outcome: 'waiting', incidentId: null });
      const third = await send(unique('s'), [{ fingerprint: fps[2]!, labels: { alertname: name } }], app.url);
      const id = idOf(third.incident);
      const decisions = await fw.db.transaction((tx) => alertDecisionsOf(tx, id));
      expect(decisions.map((d) => d.fingerprint).sort()).toEqual([...fps].sort());
      expect(decisions.find((d) => d.fingerprint === fps[2])?.reason).toBe(
        `no route · group alertname=${name} · opened INC-${id} (3 alerts in 5m)`,
      );
      expect(decisions.find((d) => d.fingerprint === fps[0])?.reason).toContain(`→ taken into INC-${id}`);
      const [row] = await fw.db.select().from(incidents).where(eq(incidents.id, id));
      expect(row?.severity).toBe('sev4');
    } finally {
      await app.stop();
    }
  });

  it('neither counts nor takes along a waiting alert that a silence made since holds', async () => {
    const app: Firewatch = await fw.startApp({
      ...CONFIG,
      alert_grouping: { group_by: ['alertname'], open_after: { count: 3, within: '5m' } },
    });
    try {
      const name = unique('Held');
      const host = unique('host');
      const [held, b, c, d] = [unique('h'), unique('b'), unique('c'), unique('d')];
      expect((await send(unique('s'), [{ fingerprint: held, labels: { alertname: name, host } }], app.url)).incident).toBeFalsy();
      await fw.db.transaction((tx) =>
        createSilence(
          tx,
          slackSilence([{ name: 'host', op: '=', value: host }], new Date(Date.now() - 1000), new Date(Date.now() + 3_600_000), ''),
        ),
      );
      expect((await send(unique('s'), [{ fingerprint: b, labels: { alertname: name } }], app.url)).incident).toBeFalsy();
      // The held alert would have been the third: two count, nothing opens.
      expect((await send(unique('s'), [{ fingerprint: c, labels: { alertname: name } }], app.url)).incident).toBeFalsy();
      const id = idOf((await send(unique('s'), [{ fingerprint: d, labels: { alertname: name } }], app.url)).incident);
      const decisions = await fw.db.transaction((tx) => alertDecisionsOf(tx, id));
      expect(decisions.map((x) => x.fingerprint).sort()).toEqual([b, c, d].sort());
      expect(await eventsOf(held)).toMatchObject([{ outcome: 'waiting', incidentId: null }]);
    } finally {
      await app.stop();
    }
  });
});
