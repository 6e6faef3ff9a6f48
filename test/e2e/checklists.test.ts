// Checklists (issue 18) through Slack: `/incident checklist`, the checkbox message, clicks (Slack's
// block_actions with the group's selected_options), the summary's progress and the postmortem.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { checklistTicks, incidentChecklists, postmortems } from '../../src/db/schema.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';
import { settledOutbox } from '../support/outbox.js';
import type { MessageView } from '../support/slack-emulator/index.js';
import { interaction, TEAM_ID } from '../support/slack-requests.js';

const STEPS = ['Name a lead', 'Post the first update', 'Open a status page entry'];
const fw = useFirewatch({
  config: {
    checklists: [
      { id: 'sev1-basics', title: 'Sev1 basics', steps: STEPS },
      { id: 'comms', steps: ['Tell support'] },
    ],
  },
});

type Option = { value: string; text: unknown };
type Block = {
  type: string;
  block_id?: string;
  elements?: Array<{ type: string; action_id?: string; options?: Option[]; initial_options?: Option[] }>;
};

/** The block_actions payload Slack sends when `user` leaves `values` selected in checkbox group `group` of `message`. */
function tick(message: MessageView, group: number, values: string[], user = 'U0ALICE'): Record<string, unknown> {
  const groups = (message.blocks as Block[]).filter((b) => b.elements?.[0]?.type === 'checkboxes');
  const block = groups[group];
  const box = block?.elements?.[0];
  if (!block || !box) throw new Error(`no checkbox group ${group} in message ${message.ts}`);
  const selected = (box.options ?? []).filter((o) => values.includes(o.value));
  return {
    type: 'block_actions',
    team: { id: TEAM_ID, domain: 'acme' },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM_ID },
    api_app_id: 'A0FIREWATCH',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: fw.slack.triggerId({ user }),
    channel: { id: message.channel, name: 'channel' },
    message: { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks },
    response_url: fw.slack.responseUrl({ channel: message.channel, user }),
    state: { values: {} },
    actions: [
      {
        type: 'checkboxes',
        action_id: box.action_id,
        block_id: block.block_id,
        selected_options: selected,
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

const ticked = (message: MessageView) =>
  (message.blocks as Block[]).flatMap((b) =>
    b.elements?.[0]?.type === 'checkboxes' ? (b.elements[0].initial_options ?? []).map((o) => o.value) : [],
  );

/** What the app answered on the click's response_url. */
async function answerTo(payload: Record<string, unknown>): Promise<string> {
  const id = String(payload.response_url).split('/').at(-1);
  const answer = await fw.slack.waitFor(() => fw.slack.responses.find((p) => p.id === id));
  return JSON.stringify(answer.body);
}

function checklistMessageIn(channel: string): MessageView {
  const found = fw.slack
    .channel(channel)
    .messages()
    .find((m) => m.text.startsWith('Checklist Sev1 basics'));
  if (!found) throw new Error('no checklist message');
  return found;
}

const current = (channel: string, ts: string) => {
  const found = fw.slack
    .channel(channel)
    .messages()
    .find((m) => m.ts === ts);
  if (!found) throw new Error('the checklist message is gone');
  return found;
};

describe('checklists in Slack', () => {
  it('adds a checklist, ticks and unticks steps, and shows them in the summary and the postmortem', async () => {
    const { id, channel } = await fw.declare('Payments down', { severity: 'sev1' });
    expect(await fw.run('checklist', { incident: id })).toMatch(/sev1-basics.*Sev1 basics \(3 steps\)[\s\S]*comms/);
    expect(await fw.run('checklist sev1-basics', { incident: id })).toContain(`Added the checklist sev1-basics to INC-${id} (3 steps)`);
    expect(await fw.run('checklist sev1-basics', { incident: id })).toContain(`INC-${id} already has the checklist sev1-basics`);
    expect(await fw.events(id, 'checklist_added')).toHaveLength(1);
    expect(await fw.run('checklist', { incident: id })).toContain(`on INC-${id}, 0/3 done`);

    const message = checklistMessageIn(channel);
    const box = (message.blocks as Block[]).find((b) => b.elements?.[0]?.type === 'checkboxes')?.elements?.[0];
    expect(box?.options?.map((o) => o.value)).toEqual(['0', '1', '2']);

    // Bob ticks the first two; Slack delivers the same click twice.
    const click = tick(message, 0, ['0', '1'], 'U0BOB');
    expect((await interaction(fw.app.url, click)).status).toBe(200);
    expect((await interaction(fw.app.url, click)).status).toBe(200);
    // The listener acks first and records after: wait for what it records, then for what it sends.
    const done = await until(async () => {
      const events = await fw.events(id, 'checklist_step_done');
      return events.length >= 2 && events;
    }, 'the two ticks on the timeline');
    await settledOutbox(fw.db, id);
    expect(done.map((e) => [e.actor, e.data])).toEqual([
      ['U0BOB', { checklist: 'sev1-basics', step: 0, text: STEPS[0] }],
      ['U0BOB', { checklist: 'sev1-basics', step: 1, text: STEPS[1] }],
    ]);
    expect(done.every((e) => e.occurredAt instanceof Date)).toBe(true);
    const updated = await until(() => {
      const m = current(channel, message.ts);
      return ticked(m).length === 2 && m;
    }, 'the checklist message showing two ticks');
    expect(updated.content).toContain('2/3 done');
    const summaryTs = (await fw.incident(id)).summaryTs;
    const summary = () =>
      fw.slack
        .channel(channel)
        .messages()
        .find((m) => m.ts === summaryTs)?.content ?? '';
    await until(() => summary().includes('Sev1 basics: 2/3 done'), 'the summary showing 2/3');

    // Alice unticks the second step.
    expect((await interaction(fw.app.url, tick(updated, 0, ['0']))).status).toBe(200);
    const undone = await until(async () => {
      const events = await fw.events(id, 'checklist_step_undone');
      return events.length > 0 && events;
    }, 'the untick on the timeline');
    await settledOutbox(fw.db, id);
    expect(undone.map((e) => [e.actor, e.data])).toEqual([['U0ALICE', { checklist: 'sev1-basics', step: 1, text: STEPS[1] }]]);
    await until(() => ticked(current(channel, message.ts)).join() === '0', 'the message showing one tick');
    // The repeated click, long since handled, recorded nothing of its own.
    expect(await fw.events(id, 'checklist_step_done')).toHaveLength(2);
    await until(() => summary().includes('Sev1 basics: 1/3 done'), 'the summary showing 1/3');

    await fw.run('resolve Rolled back', { incident: id });
    await fw.run('postmortem', { incident: id });
    const [postmortem] = await until(async () => {
      const rows = await fw.db.select().from(postmortems).where(eq(postmortems.incidentId, id));
      return rows.length > 0 && rows;
    }, 'the postmortem');
    expect(postmortem?.markdown).toMatch(
      /## Checklists\n\n### Sev1 basics\n\n- \[x\] Name a lead — done by @\S+ at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n- \[ \] Post the first update — not done\n- \[ \] Open a status page entry — not done/,
    );
  });

  it('refuses a checklist that is not configured, naming the ones that are', async () => {
    const { id } = await fw.declare('Unknown checklist');
    const answer = await fw.run('checklist nope', { incident: id });
    expect(answer).toContain('There is no checklist "nope". Configured checklists: sev1-basics, comms.');
    expect(await fw.events(id, 'checklist_added')).toHaveLength(0);
  });

  it('refuses a click by someone who cannot see the private incident, and a forged block', async () => {
    const id = await fw.declareDirect('Private checklist', { severity: 'sev2', isPrivate: true });
    await settledOutbox(fw.db, id);
    const { channelId } = await fw.incident(id);
    expect(await fw.run('checklist sev1-basics', { incident: id })).toContain('Added the checklist');
    const message = checklistMessageIn(channelId!);
    const [row] = await fw.db
      .select()
      .from(incidentChecklists)
      .where(and(eq(incidentChecklists.incidentId, id), eq(incidentChecklists.checklistId, 'sev1-basics')));

    const outsider = tick(message, 0, ['0'], 'U0CAROL');
    await interaction(fw.app.url, outsider);
    expect(await answerTo(outsider)).toContain('That checklist is not on any incident you can see.');

    const forged = tick(message, 0, ['0'], 'U0ALICE');
    (forged.actions as Array<{ block_id: string }>)[0]!.block_id = `checklist:${row!.id}:3`;
    await interaction(fw.app.url, forged);
    expect(await answerTo(forged)).toContain('does not have');

    expect(await fw.events(id, 'checklist_step_done')).toHaveLength(0);
    expect(await fw.db.select().from(checklistTicks).where(eq(checklistTicks.incidentChecklistId, row!.id))).toHaveLength(0);
  });
});
