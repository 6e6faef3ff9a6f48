import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { alertEvents, alertGroups, alerts, heartbeatsState, incidents, outbox } from '../../src/db/schema.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';
import { clickButton } from '../support/slack-requests.js';

const TOKEN = 'hb-token-0123456789';

// The sweep runs on escalation_tick: every second here, so a 1s + 1s heartbeat is missed within seconds.
const CONFIG = {
  escalation_tick: '* * * * * *',
  escalation_policies: [{ id: 'primary', levels: [{ delay: '1h', targets: [{ user: 'U0ONCALL' }] }] }],
  heartbeats: [
    { id: 'quick', interval: '1s', grace: '1s', severity: 'sev2', page: 'primary', token: TOKEN },
    { id: 'steady', interval: '1h', grace: '1h', token: TOKEN },
    { id: 'guarded', interval: '1h', grace: '1h', token: TOKEN },
    { id: 'routed', interval: '1s', grace: '1s', severity: 'sev4', token: TOKEN },
    { id: 'hushed', interval: '1s', grace: '1s', severity: 'sev2', token: TOKEN },
  ],
  // Every missed heartbeat's alert has these labels; the route names one heartbeat's integration, so quick keeps its own sev2.
  alert_routes: [{ match: '{alertname="HeartbeatMissed"}', integration: 'heartbeat:routed', set: { severity: 'sev1', type: 'security' } }],
  silences: [{ id: 'backup-window', matchers: '{heartbeat="hushed"}', starts_at: '2026-01-01T00:00:00Z', ends_at: '2099-01-01T00:00:00Z' }],
};

const fw = useFirewatch({ config: CONFIG });

function beat(id: string, token: string | null = TOKEN): Promise<Response> {
  return fetch(`${fw.app.url}/heartbeats/${id}`, { method: 'POST', headers: token === null ? {} : { authorization: `Bearer ${token}` } });
}

async function state(id: string) {
  const [row] = await fw.db.select().from(heartbeatsState).where(eq(heartbeatsState.id, id));
  return row;
}

async function openGroup(id: string) {
  const [group] = await fw.db
    .select()
    .from(alertGroups)
    .where(and(eq(alertGroups.integrationId, `heartbeat:${id}`), eq(alertGroups.open, true)));
  return group?.incidentId ? group : undefined;
}

async function incident(id: number) {
  const [row] = await fw.db.select().from(incidents).where(eq(incidents.id, id));
  return row!;
}

describe('heartbeats', () => {
  it('records a beat with the right token, answering 202', async () => {
    const res = await beat('steady');
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: 'success', heartbeat: 'steady', resolved: false });
    expect((await state('steady'))?.lastBeatAt).toBeInstanceOf(Date);
  });

  it('answers 401 to a missing or wrong token and records nothing, 404 to an unknown heartbeat', async () => {
    expect((await beat('guarded')).status).toBe(202);
    const before = (await state('guarded'))!.lastBeatAt;
    const wrong = await beat('guarded', 'not-the-token-0123456789');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    expect((await beat('guarded', null)).status).toBe(401);
    expect((await state('guarded'))!.lastBeatAt).toEqual(before);
    expect((await beat('nobody')).status).toBe(404);
    expect(await state('nobody')).toBeUndefined();
  });

  it('opens an incident when a heartbeat is missed, routed by its severity and page; the next beat resolves it', async () => {
    const group = await until(() => openGroup('quick'), 'the missed heartbeat to open an incident');
    const id = group.incidentId!;
    const opened = await incident(id);
    expect(opened).toMatchObject({ severity: 'sev2', source: 'heartbeat:quick' });
    expect(opened.title).toMatch(/^Heartbeat quick missed \((never seen since|last seen) /);
    const [alert] = await fw.db.select().from(alerts).where(eq(alerts.groupId, group.id));
    expect(alert).toMatchObject({ status: 'firing', labels: { alertname: 'HeartbeatMissed', heartbeat: 'quick' } });
    expect(await state('quick')).toMatchObject({ alertOpen: true, missedSince: expect.any(Date) });
    // One alert per miss: later sweeps find it open and leave it.
    expect(await fw.db.select().from(alertGroups).where(eq(alertGroups.integrationId, 'heartbeat:quick'))).toHaveLength(1);

    await until(async () => {
      const rows = await fw.db.select().from(outbox).where(eq(outbox.incidentId, id));
      return rows.length > 0 && rows.every((r) => r.kind === 'alerts.summary' || r.status !== 'pending');
    }, `INC-${id} delivered`);
    const summary = fw.slack.messagesIn((await incident(id)).channelId!).find((m) => JSON.stringify(m.blocks).includes('incident_accept'));
    await clickButton(fw.app.url, fw.slack, summary!, 'incident_accept');
    await until(async () => (await incident(id)).status === 'investigating', `INC-${id} investigating`);

    const res = await beat('quick');
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ resolved: true });
    expect((await incident(id)).status).toBe('resolved');
    const [after] = await fw.db.select().from(alerts).where(eq(alerts.groupId, group.id));
    expect(after?.status).toBe('resolved');
  });

  it("routes a missed heartbeat's alert by alert_routes: a route naming integration heartbeat:<id> sets its severity and type", async () => {
    const group = await until(() => openGroup('routed'), 'the missed heartbeat to open an incident');
    const opened = await incident(group.incidentId!);
    expect(opened).toMatchObject({ severity: 'sev1', type: 'security', source: 'heartbeat:routed' });
    const [event] = await fw.db.select().from(alertEvents).where(eq(alertEvents.integrationId, 'heartbeat:routed'));
    expect(event).toMatchObject({ outcome: 'opened', routes: [0], set: { severity: 'sev1', type: 'security' } });
    expect(event!.reason).toMatch(/^route 1 \{alertname="HeartbeatMissed"\} → sev1, security · /);
  });

  it("holds a missed heartbeat's alert in a silence that matches it: stored with the silence, no incident", async () => {
    const [event] = await until(async () => {
      const rows = await fw.db.select().from(alertEvents).where(eq(alertEvents.integrationId, 'heartbeat:hushed'));
      return rows.length > 0 && rows;
    }, 'the missed heartbeat to be swept');
    expect(event).toMatchObject({ outcome: 'silenced', silence: 'backup-window', incidentId: null, status: 'firing' });
    expect(await state('hushed')).toMatchObject({ alertOpen: true });
    expect(await openGroup('hushed')).toBeUndefined();
    expect(await fw.db.select().from(incidents).where(eq(incidents.source, 'heartbeat:hushed'))).toEqual([]);
  });

  it('keeps quiet while beaten in time: a heartbeat beaten within interval + grace opens nothing', async () => {
    await beat('steady');
    const beaten = new Date();
    // Once a sweep after that beat has found the quick heartbeat missed, it has looked at steady too.
    await until(
      async () => ((await state('quick'))?.missedSince ?? beaten) > beaten,
      'a later sweep to find the quick heartbeat missed',
      15_000,
    );
    expect(await fw.db.select().from(alertGroups).where(eq(alertGroups.integrationId, 'heartbeat:steady'))).toEqual([]);
    expect(await state('steady')).toMatchObject({ alertOpen: false, missedSince: null });
  });
});
