// The status page form through the real Bolt app and the emulator's modals: the summary's Status page
// button opens it, a submission answers with a preview of exactly what the public page will show (nothing
// is public yet), Back returns to the form as it was filled, Publish publishes and records it on the
// timeline. Resolving offers Publish resolution, prefilled. Private incidents and drills are refused at
// every step, a forged click or submission included.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { incidents, statusPublications } from '../../src/db/schema.js';
import { useFirewatch } from '../support/harness.js';
import type { EmuMessage } from '../support/slack-emulator/index.js';
import { buttonClickPayload, clickButton, interaction, slashCommand, submitView } from '../support/slack-requests.js';

const fw = useFirewatch({
  config: {
    status_page: {
      title: 'Acme Status',
      components: [
        { id: 'api', name: 'API' },
        { id: 'web', name: 'Website' },
        { id: 'db', name: 'Database' },
      ],
    },
  },
});

const summaryOf = (channel: string): EmuMessage => {
  const summary = fw.slack.messagesIn(channel).find((m) => JSON.stringify(m.blocks).includes('incident_actions'));
  if (!summary) throw new Error(`no summary in ${channel}`);
  return summary;
};
const hasButton = (message: { blocks: unknown[] }, actionId: string) => JSON.stringify(message.blocks).includes(`"${actionId}"`);
const publicationsOf = (id: number) => fw.db.select().from(statusPublications).where(eq(statusPublications.incidentId, id));
const statusPage = async () => (await fetch(`${fw.app.url}/status`)).text();

/** The view Alice sees once `act` (a click) has opened or replaced one with the callback id. */
async function modalAfter(act: () => Promise<unknown>, callbackId: string) {
  const seen = fw.slack.modal('U0ALICE')?.record.hash;
  await act();
  return fw.slack.waitFor(() => {
    const modal = fw.slack.modal('U0ALICE');
    return modal?.callbackId === callbackId && modal.record.hash !== seen ? modal : undefined;
  });
}

describe('the Status page form', () => {
  it('previews exactly what will be public, goes Back to the form as filled, and publishes on Publish', async () => {
    const { id, channel } = await fw.declare('Primary failover of pg-main-3 broke checkout', { severity: 'sev2' });
    await fw.run('update Internal only: the quokka migration locked the orders table', { incident: id });
    const summary = summaryOf(channel);
    expect(hasButton(summary, 'incident_status_page')).toBe(true);

    const form = await modalAfter(() => clickButton(fw.app.url, fw.slack, summary, 'incident_status_page'), 'statuspage_form');
    expect(form.initial('title')).toBe('Primary failover of pg-main-3 broke checkout');
    expect(form.text()).toContain('Nothing is public until you press *Publish*');

    const typed = {
      title: 'Checkout problems',
      components: ['api', 'web'],
      state: 'partial_outage',
      message: 'Some <b>payments</b> fail & we are on it',
    };
    const previewed = await form.submit(typed);
    expect(previewed.errors).toBeUndefined();
    const preview = fw.slack.modal('U0ALICE')!;
    expect(preview.callbackId).toBe('statuspage_preview');
    expect(preview.view.submit).toMatchObject({ text: 'Publish' });
    const shown = preview.text();
    for (const line of [
      'Acme Status',
      'Partial System Outage',
      'API: *Partial outage*',
      'Website: *Partial outage*',
      'Database: *Operational*',
    ]) {
      expect(shown).toContain(line);
    }
    expect(shown).toContain('*Checkout problems*');
    expect(shown).toContain('Some &lt;b&gt;payments&lt;/b&gt; fail &amp; we are on it');
    expect(shown).not.toMatch(/quokka|pg-main-3/);
    // A preview publishes nothing.
    expect(await publicationsOf(id)).toEqual([]);
    expect(await statusPage()).not.toContain('Checkout problems');

    const back = await modalAfter(() => preview.click('statuspage_back'), 'statuspage_form');
    expect(back.initial('title')).toBe('Checkout problems');
    expect(back.initial('message')).toBe(typed.message);
    const again = await back.submit({});
    expect(again.errors).toBeUndefined();
    const published = await fw.slack.modal('U0ALICE')!.submit({});
    expect(published.errors).toBeUndefined();
    expect(fw.slack.modal('U0ALICE')).toBeUndefined();

    const [row] = await publicationsOf(id);
    expect(row).toMatchObject({
      title: 'Checkout problems',
      status: 'investigating',
      message: typed.message,
      publishedBy: 'U0ALICE',
      components: [
        { id: 'api', state: 'partial_outage' },
        { id: 'web', state: 'partial_outage' },
      ],
    });
    const [event] = await fw.events(id, 'statuspage_published');
    expect(event).toMatchObject({ actor: 'U0ALICE', data: { title: 'Checkout problems', publicationId: row!.id } });
    const page = await statusPage();
    expect(page).toContain('Checkout problems');
    expect(page).toContain('Some &lt;b&gt;payments&lt;/b&gt; fail &amp; we are on it');
    expect(page).not.toMatch(/quokka|pg-main-3/);
  });

  it('shows what is wrong under the field: no component chosen', async () => {
    const { channel } = await fw.declare('Nothing chosen');
    const form = await modalAfter(() => clickButton(fw.app.url, fw.slack, summaryOf(channel), 'incident_status_page'), 'statuspage_form');
    const refused = await form.submit({ components: [], state: 'major_outage', message: 'Down' });
    expect(refused.errors).toEqual({ components: 'Say which components are affected: api, web, db.' });
    form.close();
  });

  it('offers Publish resolution on resolve, prefilled with operational for what the page still shows affected', async () => {
    const { id, channel } = await fw.declare('Search is down');
    await fw.run('statuspage api,db major_outage Search is down', { incident: id });
    const resolved = await slashCommand(fw.app.url, fw.slack, 'resolve Index rebuilt', { channel });
    const reply = resolved.json as { text: string; blocks: unknown[] };
    expect(reply.text).toContain('The status page still shows api, db as affected.');
    expect(hasButton(reply, 'statuspage_publish_resolution')).toBe(true);

    const form = await modalAfter(
      () => clickButton(fw.app.url, fw.slack, { channel, ts: '', blocks: reply.blocks }, 'statuspage_publish_resolution'),
      'statuspage_form',
    );
    const field = (blockId: string) => (form.blocks.find((b) => b.block_id === blockId)?.element ?? {}) as Record<string, unknown>;
    expect((field('components').initial_options as Array<{ value: string }>).map((o) => o.value)).toEqual(['api', 'db']);
    expect(field('state').initial_option).toMatchObject({ value: 'operational' });
    expect(form.initial('title')).toBe('Search is down');
    await form.submit({ message: 'Search works again.' });
    // The API stays as another published incident (the first test's) left it; the database is back.
    const preview = fw.slack.modal('U0ALICE')!.text();
    expect(preview).toContain('Database: *Operational*');
    expect(preview).toContain('*Resolved* · Search works again.\n_API: Operational, Database: Operational_');
    await fw.slack.modal('U0ALICE')!.submit({});

    const unresolved = (await (await fetch(`${fw.app.url}/api/v2/incidents/unresolved.json`)).json()) as {
      incidents: Array<{ name: string }>;
    };
    expect(unresolved.incidents.map((i) => i.name)).not.toContain('Search is down');
    expect((await publicationsOf(id)).map((p) => p.status)).toEqual(['investigating', 'resolved']);
  });

  it('offers no button on a drill, and refuses a forged click and a forged Publish on a private incident', async () => {
    const drill = await fw.declareCommand('drill sev3 Wombat failover practice');
    expect(hasButton(summaryOf(drill.channel), 'incident_status_page')).toBe(false);

    const { id, channel } = await fw.declare('Wombatleak credential exposure');
    const summary = summaryOf(channel);
    await fw.db.update(incidents).set({ isPrivate: true }).where(eq(incidents.id, id));
    const before = fw.slack.views.length;
    const responseUrl = fw.slack.responseUrl({ channel, user: 'U0ALICE' });
    await interaction(fw.app.url, buttonClickPayload(fw.slack, summary, 'incident_status_page', 'U0ALICE', responseUrl));
    const told = await fw.slack.waitFor(() => fw.slack.ephemerals.find((e) => e.channel === channel && e.text.includes('private')));
    expect(told.text).toBe(`⚠️ INC-${id} is private: private incidents are never published to the status page.`);
    expect(fw.slack.views.length).toBe(before);

    const draft = { incidentId: id, title: 'Wombatleak', components: ['api'], state: 'major_outage', message: 'Keys exposed' };
    const forged = await submitView(
      fw.app.url,
      fw.slack,
      { callback_id: 'statuspage_preview', private_metadata: JSON.stringify(draft) },
      {},
    );
    expect(forged.json).toMatchObject({ response_action: 'update' });
    expect(JSON.stringify(forged.json)).toContain(`INC-${id} is private: private incidents are never published to the status page.`);
    expect(await publicationsOf(id)).toEqual([]);
    expect(await statusPage()).not.toMatch(/wombat/i);
  });
});
