import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { incidentServices, outbox, pages, postmortems } from '../../src/db/schema.js';
import { publishPostmortem } from '../../src/postmortems/store.js';
import { useFirewatch } from '../support/harness.js';
import { postAlertmanager } from '../support/alertmanager.js';
import { until } from '../support/hostile.js';

const TOKEN = 'services-token-0123456789';
const CONFIG = {
  escalation_tick: '* * * * * *',
  escalation_policies: [
    { id: 'primary', levels: [{ delay: '1h', targets: [{ user: 'U0ONCALL' }] }] },
    { id: 'payments-primary', levels: [{ delay: '1h', targets: [{ user: 'U0DAVE' }] }] },
    { id: 'search-primary', levels: [{ delay: '1h', targets: [{ user: 'U0ERIN' }] }] },
  ],
  schedules: [{ id: 'payments', time_zone: 'UTC', rotation: { start: '2026-01-05T09:00', length: '1w', users: ['U0CAROL'] } }],
  services: [
    {
      id: 'payments-api',
      name: 'Payments API',
      tier: 1,
      owners: { schedule: 'payments', policy: 'payments-primary', users: ['U0BOB'] },
      depends_on: ['postgres'],
      runbook: 'https://wiki.example.com/payments',
    },
    { id: 'postgres', name: 'Postgres', tier: 1 },
    { id: 'search', name: 'Search', tier: 3, owners: { policy: 'search-primary' } },
  ],
  integrations: [{ id: 'prom', type: 'alertmanager', token: TOKEN, severity: 'sev4', rate_limit: 1_000_000 }],
  alert_routes: [{ match: '{team="payments"}', set: { service: 'payments-api' } }],
};

const fw = useFirewatch({ config: CONFIG });

const pagesOf = (id: number) => fw.db.select().from(pages).where(eq(pages.incidentId, id));
const servicesOf = async (id: number) =>
  (await fw.db.select().from(incidentServices).where(eq(incidentServices.incidentId, id))).map((r) => r.serviceId);

describe('/incident service', () => {
  it('invites the owners and who is on call, pages a tier-1 policy, bookmarks the runbook and shows it in the summary', async () => {
    const { id, channel } = await fw.declare('Checkout failing', { severity: 'sev3' });
    const ack = await fw.run('service payments-api', { incident: id });
    expect(ack).toContain('Payments API marked affected on INC-');
    expect(ack).toContain('Paging payments-primary');

    expect(await servicesOf(id)).toEqual(['payments-api']);
    const members = fw.slack.channels.get(channel)?.members;
    expect(members?.has('U0BOB')).toBe(true);
    expect(members?.has('U0CAROL')).toBe(true);
    expect((await pagesOf(id)).map((p) => p.policyId)).toEqual(['payments-primary']);
    await until(
      () => fw.dmsTo('U0DAVE').some((m) => fw.slack.textOf(m).includes(`INC-${id}`)),
      'the page DM to the on-call of payments-primary',
    );
    expect(fw.slack.bookmarks.filter((b) => b.channel_id === channel)).toEqual([
      expect.objectContaining({ title: 'Runbook: Payments API', link: 'https://wiki.example.com/payments', type: 'link' }),
    ]);
    const added = await fw.events(id, 'service_added');
    expect(added.map((e) => e.data)).toEqual([{ services: ['payments-api'] }]);
    const texts = fw.slack.messagesIn(channel).map((m) => fw.slack.textOf(m));
    expect(texts.some((t) => t.includes('marked *Payments API* (tier 1) affected'))).toBe(true);
    const summary = fw.slack.messagesIn(channel).find((m) => JSON.stringify(m.blocks).includes('*Affected services*'));
    expect(JSON.stringify(summary?.blocks)).toContain('Payments API (tier 1)');
  });

  it('does nothing a second time for a service already affected, and says so', async () => {
    const { id, channel } = await fw.declare('Checkout failing again', { severity: 'sev3' });
    await fw.run('service payments-api', { incident: id });
    const again = await fw.run('service payments-api', { incident: id });
    expect(again).toContain('payments-api was already affected');
    expect(await pagesOf(id)).toHaveLength(1);
    expect(await fw.events(id, 'service_added')).toHaveLength(1);
    expect(fw.slack.bookmarks.filter((b) => b.channel_id === channel)).toHaveLength(1);
  });

  it('refuses an unknown service, naming it and the known ones, and changes nothing', async () => {
    const { id } = await fw.declare('Unknown service', { severity: 'sev3' });
    const ack = await fw.run('service payments-api,nope', { incident: id });
    expect(ack).toContain('Unknown service "nope"');
    expect(ack).toContain('payments-api, postgres, search');
    expect(await servicesOf(id)).toEqual([]);
  });

  it('does not page a tier outside page_tiers: the owners of a tier-3 service are only told', async () => {
    const { id } = await fw.declare('Search slow', { severity: 'sev3' });
    const ack = await fw.run('service search', { incident: id });
    expect(ack).not.toContain('Paging');
    expect(await pagesOf(id)).toEqual([]);
    expect(await servicesOf(id)).toEqual(['search']);
  });

  it('skips the bookmark, and delivers the rest, when the app is no longer in the channel', async () => {
    const { id, channel } = await fw.declare('Bot removed', { severity: 'sev3' });
    fw.slack.channels.get(channel)!.members.delete(fw.slack.botUserId);
    await fw.run('service payments-api', { incident: id });
    const rows = await fw.db.select().from(outbox).where(eq(outbox.incidentId, id));
    const bookmark = rows.find((r) => r.kind === 'channel.bookmark');
    expect(bookmark).toMatchObject({ status: 'done', result: { skipped: 'not_in_channel' } });
    expect(fw.slack.bookmarks.filter((b) => b.channel_id === channel)).toEqual([]);
  });

  it('lists the affected services and their dependencies in the postmortem', async () => {
    const { id } = await fw.declare('Ledger down', { severity: 'sev3' });
    await fw.run('service payments-api postgres', { incident: id });
    await fw.run('resolve Fixed', { incident: id });
    const published = await publishPostmortem(fw.db, fw.config, { incidentId: id, actor: 'U0ALICE', names: () => Promise.resolve({}) });
    expect(published.ok).toBe(true);
    const [row] = await fw.db.select().from(postmortems).where(eq(postmortems.incidentId, id));
    expect(row?.markdown).toContain('## Affected services');
    expect(row?.markdown).toContain('- **Payments API** (`payments-api`, tier 1) — depends on Postgres (affected too)');
    expect(row?.markdown).toContain('- **Postgres** (`postgres`, tier 1) — no dependencies');
  });
});

describe('alert routes that set a service', () => {
  it('attach the service to the incident the alert opens', async () => {
    const res = await postAlertmanager(fw.app.url, TOKEN, `payments-${Date.now()}`, [
      {
        labels: { alertname: 'CheckoutErrors', team: 'payments' },
        annotations: { summary: 'Checkout errors' },
        fingerprint: `fp-${Date.now()}`,
      },
    ]);
    const json = (await res.json()) as { incident?: string };
    const id = Number(/^INC-(\d+)$/.exec(json.incident ?? '')?.[1]);
    expect(id).toBeGreaterThan(0);
    expect(await servicesOf(id)).toEqual(['payments-api']);
    expect((await pagesOf(id)).map((p) => p.policyId)).toEqual(['payments-primary']);
    expect(await fw.events(id, 'service_added')).toHaveLength(1);
  });
});
