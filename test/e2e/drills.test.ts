// Drills: `/incident drill` declares a practice incident that pages exactly as a real one does (in Slack
// and by e-mail through a real SMTP server), marked DRILL everywhere a person sees it, and left out of the
// announcement channel, subscriber DMs, the digest, insights, the metrics and `/incident list`.
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.js';
import { subscribe } from '../../src/digests/subscriptions.js';
import { previewDigest } from '../../src/digests/job.js';
import { insightsFor } from '../../src/postmortems/insights-job.js';
import { ANNOUNCE, GENERAL } from '../support/app.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';
import { ackText } from '../support/slack-requests.js';
import { SmtpTestServer } from '../support/smtp-server.js';

const PROM_TOKEN = 'prom-token-0123456789';
const AM_FIRING = JSON.parse(readFileSync(new URL('../fixtures/alerts/alertmanager-firing.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;

const smtp = new SmtpTestServer();
beforeAll(() => smtp.start());
afterAll(() => smtp.stop());

const fw = useFirewatch({
  env: () => ({ SMTP_URL: smtp.url, SMTP_FROM: 'pager@firewatch.test', PUBLIC_URL: 'https://firewatch.example.com' }),
  config: {
    escalation_tick: '* * * * * *',
    severities: [
      { id: 'sev1', label: 'Critical', page: 'primary' },
      { id: 'sev2', label: 'Major', page: 'primary' },
      { id: 'sev3', label: 'Minor' },
    ],
    escalation_policies: [{ id: 'primary', levels: [{ delay: '10m', targets: [{ user: 'U0BOB' }] }] }],
    people: [{ user: 'U0BOB', email: 'bob@example.com', rules: [{ after: '0m', via: ['slack', 'email'] }] }],
    integrations: [{ id: 'prom', type: 'alertmanager', token: PROM_TOKEN, severity: 'sev3' }],
  },
});

const announcementsAbout = (id: number) => fw.slack.messagesIn(ANNOUNCE).filter((m) => fw.slack.textOf(m).includes(`INC-${id}`));
const pageDmAbout = (id: number) =>
  fw.slack.waitFor(() =>
    fw.dmsTo('U0BOB').find((m) => fw.slack.textOf(m).includes(`*INC-${id}*`) && JSON.stringify(m.blocks).includes('page_acknowledge')),
  );
const mailAbout = (id: number) =>
  fw.slack.waitFor(() => smtp.to('bob@example.com').find((r) => r.mail.subject?.includes(`INC-${id} `)), 15_000);

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${fw.app.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('/incident drill', () => {
  it('opens drill-<n>-<slug> with its summary, topic and reply marked DRILL, and announces nothing', async () => {
    const { id, channel, incident, ack } = await fw.declareCommand('drill sev2 Failover practice');
    expect(ackText(ack)).toContain(`🧪 Declaring the drill *INC-${id}*: setting up its channel…`);
    expect(incident).toMatchObject({ drill: true, severity: 'sev2', title: 'Failover practice', announcementChannel: null });
    const room = fw.slack.channels.get(channel)!;
    expect(room.name).toBe(`drill-${id}-failover-practice`);
    expect(room.topic).toBe('🧪 DRILL · SEV2 · Investigating · Lead: @alice');

    const summary = fw.slack.channel(channel).pins()[0]!;
    expect(summary.blocks[0]).toMatchObject({ type: 'header', text: { text: `🧪 DRILL · INC-${id}: Failover practice` } });
    expect(fw.slack.textOf(summary)).toContain('a practice incident');
    expect(JSON.stringify(summary.blocks)).not.toContain('incident_subscribe');

    const reply = fw.slack.responses.find((r) => JSON.stringify(r.body).includes(`INC-${id} declared`));
    expect(JSON.stringify(reply?.body)).toContain('🧪 DRILL · ');
    expect(announcementsAbout(id)).toEqual([]);
    expect((await fw.events(id, 'declared'))[0]?.data).toMatchObject({ drill: true });
  });

  it('pages as a real incident does, the DM and the e-mail saying DRILL, and the e-mail’s link acknowledges', async () => {
    const { id, channel } = await fw.declareCommand('drill sev2 Failover practice');
    const dm = await pageDmAbout(id);
    expect(dm.blocks[0]).toMatchObject({ type: 'header', text: { text: '🧪 DRILL: practice page' } });
    expect(dm.text).toMatch(/^🧪 DRILL · You are being paged for a practice incident\. \*INC-\d+\*/);

    const received = await mailAbout(id);
    expect(received.mail.subject).toBe(`🧪 DRILL · Paged: INC-${id} · SEV2 · Major · Failover practice`);
    expect(received.mail.text).toContain('DRILL: this is a practice incident.');
    expect(received.mail.text).toContain(`You are being paged for INC-${id} (SEV2 · Major): Failover practice.`);

    const link = /Acknowledge: (https:\/\/firewatch\.example\.com\/ack\/\S+)/.exec(received.mail.text ?? '')?.[1];
    const local = link!.replace('https://firewatch.example.com', fw.app.url);
    const shown = await (await fetch(local)).text();
    expect(shown).toContain(`<title>Acknowledge DRILL · INC-${id}</title>`);
    expect(shown).toContain(`<h1>DRILL · INC-${id}: Failover practice</h1>`);
    expect((await fetch(local, { method: 'POST' })).status).toBe(200);
    expect((await fw.incident(id)).acknowledgedAt).not.toBeNull();
    await fw.slack.waitFor(() => fw.slack.messagesIn(channel).find((m) => /acked by e-mail/.test(m.text ?? '')));
  });

  it('without a title is a paging drill at the default severity; an unknown severity is refused listing the severities', async () => {
    const { id, channel, incident } = await fw.declareCommand('drill');
    expect(incident).toMatchObject({ drill: true, title: 'Paging drill', severity: 'sev3' });
    expect(fw.slack.channels.get(channel)?.name).toBe(`drill-${id}-paging-drill`);
    expect(await fw.run('drill sev9 Failover practice')).toContain('⚠️ Unknown severity "sev9". Choose one of: sev1, sev2, sev3.');
  });

  it('tells no subscriber and no announcement thread of its updates and resolution', async () => {
    const { id, channel } = await fw.declareCommand('drill sev3 Runbook walk-through');
    expect(await fw.run('subscribe', { channel, user: 'U0CAROL' })).toContain(
      `INC-${id} is a drill: it sends nobody DMs about its updates. Follow it in its channel.`,
    );
    // A subscription that exists all the same (made in the database, or by a future console) hears nothing either.
    await subscribe(fw.db, 'U0CAROL', id);
    await fw.run('update Failing over to the standby', { incident: id });
    await fw.run('resolve Standby took the traffic', { incident: id });
    expect(fw.slack.messagesIn(channel).some((m) => fw.slack.textOf(m).includes('Failing over to the standby'))).toBe(true);
    expect(fw.dmsTo('U0CAROL').filter((m) => fw.slack.textOf(m).includes(`INC-${id}`))).toEqual([]);
    expect(announcementsAbout(id)).toEqual([]);
    const rows = await fw.db.select().from(outbox).where(eq(outbox.incidentId, id));
    expect(rows.filter((r) => r.kind === 'subscriber.dm' || JSON.stringify(r.payload).includes('announcement_thread'))).toEqual([]);
  });

  it('is left out of the digest, insights, the metrics and /incident list, which real incidents are in', async () => {
    /** Everything that reports on incidents, as numbers: each must move for the real incident and not for the drill. */
    const counts = async () => {
      const insights = await insightsFor(fw.db, fw.config, 30);
      const pagesByState = await Promise.all(
        ['triggered', 'acknowledged', 'resolved', 'exhausted'].map((state) => metric('firewatch_pages', `state="${state}"`)),
      );
      return {
        insights: insights.incidents.current,
        insightFollowups: insights.followups.opened,
        overdue: (await previewDigest(fw.db, fw.config)).overdueFollowups ?? 0,
        open: await metric('firewatch_incidents_open', 'severity="sev2",status="investigating"'),
        declares: await metric('firewatch_declares_total', 'source="slack"'),
        pages: pagesByState.reduce((a, b) => a + b, 0),
      };
    };
    const before = await counts();

    const drill = await fw.declareCommand('drill sev2 Quarterly game day');
    await fw.run('followup Rehearse the rollback due:2020-01-01', { incident: drill.id });
    await pageDmAbout(drill.id);
    expect(await counts()).toEqual(before);

    const real = await fw.declare('Checkout errors in EU', { severity: 'sev2' });
    await fw.run('followup Alert on checkout errors due:2020-01-01', { incident: real.id });
    await pageDmAbout(real.id);
    expect(await counts()).toEqual({
      insights: before.insights + 1,
      insightFollowups: before.insightFollowups + 1,
      overdue: before.overdue + 1,
      open: before.open + 1,
      declares: before.declares + 1,
      pages: before.pages + 1,
    });
    expect(real.incident.drill).toBe(false);
    expect(announcementsAbout(real.id)).toHaveLength(1);

    const digest = await previewDigest(fw.db, fw.config);
    const inDigest = digest.open.flatMap((g) => g.incidents.map((i) => i.id));
    expect(inDigest).toContain(real.id);
    expect(inDigest).not.toContain(drill.id);
    expect(await fw.run('digest', { channel: GENERAL })).not.toContain(`INC-${drill.id}`);

    const listed = await fw.run('list', { channel: GENERAL });
    expect(listed).toContain(`INC-${real.id}`);
    expect(listed).not.toContain(`INC-${drill.id}`);
    const drills = await fw.run('list drills', { channel: GENERAL });
    expect(drills).toContain(`INC-${drill.id}`);
    expect(drills).not.toContain(`INC-${real.id}`);
  });

  it('is never opened by an alert or by /incident declare', async () => {
    const res = await fetch(`${fw.app.url}/webhooks/alertmanager/prom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PROM_TOKEN}` },
      body: JSON.stringify({ ...AM_FIRING, groupKey: `drill-test-${Date.now()}` }),
    });
    expect(res.status).toBe(202);
    const key = ((await res.json()) as { incident?: string }).incident ?? '';
    const opened = await fw.incident(Number(/^INC-(\d+)$/.exec(key)?.[1]));
    expect(opened.drill).toBe(false);
    expect(opened.channelName).toMatch(/^inc-/);

    const declared = await fw.declare('drill practice channel');
    expect(declared.incident.drill).toBe(false);
    expect(fw.slack.channels.get(declared.channel)?.name).toBe(`inc-${declared.id}-drill-practice-channel`);
  });

  it('marks its postmortem DRILL', async () => {
    const { id, channel } = await fw.declareCommand('drill sev3 Postmortem practice');
    await fw.run('resolve Practised', { incident: id });
    await fw.run('postmortem', { incident: id });
    const file = await until(
      () => fw.slack.files.find((f) => f.title === `Postmortem of the drill INC-${id} (version 1)`),
      `the postmortem of INC-${id}`,
    );
    const markdown = file.content.toString('utf8');
    expect(markdown).toContain(`# Postmortem: DRILL · INC-${id} — Postmortem practice`);
    expect(markdown).toContain('> **DRILL:** this was a practice incident.');
    expect(file.channel).toBe(channel);
  });
});
