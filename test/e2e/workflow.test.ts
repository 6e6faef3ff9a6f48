import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { followups, incidents, outbox } from '../../src/db/schema.js';
import { ANNOUNCE, GENERAL } from '../support/app.js';
import { useFirewatch } from '../support/harness.js';
import { settledOutbox } from '../support/outbox.js';
import type { EmuMessage } from '../support/slack-emulator/index.js';
import { ackText, clickButton, slashCommand, submitView } from '../support/slack-requests.js';

const fw = useFirewatch();

function summaryOf(channel: string): EmuMessage {
  const summary = fw.slack
    .messagesIn(channel)
    .find((m) => JSON.stringify(m.blocks).includes('incident_actions') || /^INC-\d+:/.test(m.text));
  if (!summary) throw new Error(`no summary in ${channel}`);
  return summary;
}

/** Opens a form from the incident's summary, as a click on its button does, and returns the view Slack shows. */
async function openSummaryForm(id: number, channel: string, actionId: string, callbackId: string) {
  await clickButton(fw.app.url, fw.slack, summaryOf(channel), actionId);
  return (
    await fw.slack.waitFor(() =>
      fw.slack.views.find((v) => v.view.callback_id === callbackId && String(v.view.private_metadata).includes(`"incidentId":${id}`)),
    )
  ).view;
}

const openChangeStatusForm = (id: number, channel: string) => openSummaryForm(id, channel, 'incident_change_status', 'change_status');
const openUpdateForm = (id: number, channel: string) => openSummaryForm(id, channel, 'incident_post_update', 'status_update');

/** The change-status form filled in with a new status and no message. */
const statusValues = (status: string) => ({
  status: { value: { type: 'static_select', selected_option: { value: status, text: { type: 'plain_text', text: status } } } },
  message: { value: { type: 'plain_text_input', value: null } },
});

/**
 * Another transaction holds the incident for longer than Slack's 3 s, as a struggling database would.
 * Resolves once the lock is taken, with the transaction's end to wait for.
 */
async function holdIncident(id: number): Promise<{ released: Promise<void> }> {
  let locked = () => {};
  const taken = new Promise<void>((resolve) => (locked = resolve));
  const released = fw.db.transaction(async (tx) => {
    await tx.select().from(incidents).where(eq(incidents.id, id)).for('update');
    locked();
    await new Promise((r) => setTimeout(r, 3_500));
  });
  await Promise.race([taken, released]);
  return { released };
}

const lastPostIn = (channel: string) => fw.slack.messagesIn(channel).at(-1)!;

async function triageIncident(title: string) {
  const incidentId = await fw.declareDirect(title, {
    severity: 'sev2',
    description: 'Opened from an alert',
    initialStatus: 'triage',
    source: 'alert',
  });
  await settledOutbox(fw.db, incidentId);
  return fw.incident(incidentId);
}

describe('status changes', () => {
  it('moves the status, records it, tells the channel, and edits the summary and topic in place', async () => {
    const { id, channel } = await fw.declare('Disk full on db-3');
    const editsBefore = summaryOf(channel).edited;
    const answer = await fw.run('status identified Found a runaway log file', { incident: id });
    expect(answer).toContain(`INC-${id} is now identified.`);
    expect((await fw.incident(id)).status).toBe('identified');
    expect(await fw.events(id, 'status_changed')).toEqual([
      expect.objectContaining({ actor: 'U0ALICE', data: { from: 'investigating', to: 'identified', message: 'Found a runaway log file' } }),
    ]);
    expect(fw.slack.textOf(lastPostIn(channel))).toMatch(/moved \*INC-\d+\* to \*Identified\*[\s\S]*Found a runaway log file/);
    const summary = summaryOf(channel);
    expect(summary.edited).toBeGreaterThan(editsBefore);
    expect(fw.slack.textOf(summary)).toContain('Identified');
    expect(fw.slack.channels.get(channel)?.topic).toBe('SEV3 · Identified · Lead: @alice');
  });

  it('refuses a forbidden move, naming the current status and the allowed moves, and changes nothing', async () => {
    const { id } = await fw.declare('Forbidden move check');
    const before = await fw.events(id);
    const answer = await fw.run('status closed', { incident: id });
    expect(answer).toContain(
      `INC-${id} is investigating and cannot move to closed. Moves allowed from investigating: \`identified\`, \`monitoring\`, \`resolved\`.`,
    );
    expect((await fw.incident(id)).status).toBe('investigating');
    expect(await fw.events(id)).toEqual(before);
  });

  it('acts on the incident named with INC-<n> from any channel, in either word order', async () => {
    const { id } = await fw.declare('Named from elsewhere');
    expect(await fw.run(`status INC-${id} monitoring`, { incident: id, channel: GENERAL })).toContain(`INC-${id} is now monitoring.`);
    expect(await fw.run(`INC-${id} status identified`, { incident: id, channel: GENERAL })).toContain(`INC-${id} is now identified.`);
    const row = await fw.incident(id);
    expect(row.status).toBe('identified');
    expect(row.mitigatedAt).not.toBeNull();
  });

  it(
    'tells the person the outcome at the response_url when the answer comes after Slack stopped waiting',
    { timeout: 20_000 },
    async () => {
      const { id, channel } = await fw.declare('Slow database on a status change');
      const held = await holdIncident(id);
      const responseUrl = fw.slack.responseUrl({ channel, user: 'U0ALICE' });
      const r = await slashCommand(fw.app.url, fw.slack, 'status monitoring', { channel, user: 'U0ALICE', responseUrl });
      await held.released;
      expect(r.text).not.toContain('is now monitoring');
      const late = await fw.slack.waitFor(() => fw.slack.responses.find((p) => responseUrl.endsWith(`/${p.id}`)));
      expect(late.body.text).toContain(`INC-${id} is now monitoring.`);
      expect((await fw.incident(id)).status).toBe('monitoring');
    },
  );

  it('DMs each person what their form came to when the answer comes after Slack stopped waiting', { timeout: 20_000 }, async () => {
    const { id, channel } = await fw.declare('Slow database under two forms');
    const view = await openChangeStatusForm(id, channel);
    const held = await holdIncident(id);
    const [alice, bob] = await Promise.all([
      submitView(fw.app.url, fw.slack, view, statusValues('identified'), 'U0ALICE'),
      submitView(fw.app.url, fw.slack, view, statusValues('monitoring'), 'U0BOB'),
    ]);
    await held.released;
    // Bolt answered Slack for both at 3 s: neither form could show its outcome.
    expect([alice.status, bob.status]).toEqual([404, 404]);
    const dmTo = (user: string) => fw.slack.waitFor(() => fw.dmsTo(user).find((m) => fw.slack.textOf(m).includes(`INC-${id}`)));
    const said = [fw.slack.textOf(await dmTo('U0ALICE')), fw.slack.textOf(await dmTo('U0BOB'))];
    const won = (await fw.incident(id)).status;
    expect(said.filter((t) => t.startsWith(`INC-${id} is now ${won}.`) && t.includes('close it, this was recorded'))).toHaveLength(1);
    expect(
      said.filter((t) => t.startsWith(`⚠️ INC-${id} is now ${won}: someone changed it`) && t.includes('could not show it')),
    ).toHaveLength(1);
    expect(await fw.events(id, 'status_changed')).toHaveLength(1);
  });

  it('says what to do when run outside an incident channel without naming one', async () => {
    const r = await slashCommand(fw.app.url, fw.slack, 'status identified', { channel: GENERAL });
    expect(ackText(r)).toContain('This is not an incident channel');
  });

  it('resolves with a summary, tells the announcement thread, reopens only with a reason, and closes', async () => {
    const { id, channel, incident } = await fw.declare('Checkout errors', { severity: 'sev3' });
    const answer = await fw.run('resolve Rolled back release 42', { incident: id });
    expect(answer).toContain(`INC-${id} is now resolved.`);
    const resolved = await fw.incident(id);
    expect(resolved.resolvedAt).not.toBeNull();
    expect(fw.slack.textOf(lastPostIn(channel))).toContain('Rolled back release 42');
    const thread = fw.slack.messagesIn(ANNOUNCE).filter((m) => m.thread_ts === incident.announcementTs);
    expect(thread).toHaveLength(1);
    expect(thread[0]?.reply_broadcast).toBe(true);
    expect(fw.slack.textOf(thread[0]!)).toContain('resolved');

    expect(await fw.run('status investigating', { incident: id })).toContain(`Reopening INC-${id} needs a reason`);
    expect((await fw.incident(id)).status).toBe('resolved');
    expect(await fw.run('status investigating Error rate is back', { incident: id })).toContain(`INC-${id} is now investigating.`);
    const reopened = await fw.incident(id);
    expect(reopened.resolvedAt).toBeNull();
    expect((await fw.events(id, 'status_changed')).at(-1)?.data).toEqual({
      from: 'resolved',
      to: 'investigating',
      message: 'Error rate is back',
      reopen: true,
    });
    expect(fw.slack.messagesIn(ANNOUNCE).filter((m) => m.thread_ts === incident.announcementTs)).toHaveLength(2);

    await fw.run('resolve Fixed for real', { incident: id });
    expect(await fw.run('close', { incident: id })).toContain(`INC-${id} is now closed.`);
    const closed = await fw.incident(id);
    expect(closed.closedAt).not.toBeNull();
    expect(closed.resolvedAt!.getTime()).toBeGreaterThan(resolved.resolvedAt!.getTime());
    expect(fw.slack.callsOf('conversations.archive')).toHaveLength(0);
    expect(fw.slack.channels.get(channel)?.is_archived).toBe(false);
    expect(await fw.run('status investigating Again?', { incident: id })).toContain(
      `INC-${id} is closed and cannot move to investigating. Moves allowed from closed: none: it is final.`,
    );
  });

  it('gives one clean winner when two people resolve at the same moment', async () => {
    const { id } = await fw.declare('Racing resolvers');
    const channel = (await fw.incident(id)).channelId!;
    const [a, b] = await Promise.all([
      slashCommand(fw.app.url, fw.slack, 'resolve Fixed by alice', { channel, user: 'U0ALICE' }),
      slashCommand(fw.app.url, fw.slack, 'resolve Fixed by bob', { channel, user: 'U0BOB' }),
    ]);
    const answers = [ackText(a!), ackText(b!)];
    expect(answers.filter((t) => t.includes(`INC-${id} is now resolved.`))).toHaveLength(1);
    expect(answers.filter((t) => /already resolved|is now resolved: someone changed it/.test(t))).toHaveLength(1);
    expect(await fw.events(id, 'status_changed')).toHaveLength(1);
  });

  it('lets only one of two forms submitted from the same status win, telling the other what it is now', async () => {
    const { id, channel } = await fw.declare('Racing forms');
    const view = await openChangeStatusForm(id, channel);
    const [x, y] = await Promise.all([
      submitView(fw.app.url, fw.slack, view, statusValues('identified')),
      submitView(fw.app.url, fw.slack, view, statusValues('monitoring'), 'U0BOB'),
    ]);
    const results = [x!, y!];
    expect(results.filter((r) => r.text === '')).toHaveLength(1);
    const loser = results.find((r) => r.text !== '')!;
    expect(loser.json).toEqual({
      response_action: 'errors',
      errors: { status: expect.stringMatching(new RegExp(`INC-${id} is now (identified|monitoring): someone changed it`)) },
    });
    expect(await fw.events(id, 'status_changed')).toHaveLength(1);
  });
});

describe('triage and decline', () => {
  it('shows Accept and Decline on a triage incident; Accept starts the investigation', async () => {
    const incident = await triageIncident('High CPU alert');
    const summary = summaryOf(incident.channelId!);
    const text = JSON.stringify(summary.blocks);
    expect(text).toContain('incident_accept');
    expect(text).toContain('incident_decline');
    expect(text).not.toContain('incident_post_update');
    await clickButton(fw.app.url, fw.slack, summary, 'incident_accept');
    await fw.slack.waitFor(() =>
      fw.slack.responses.find((r) => JSON.stringify(r.body).includes(`INC-${incident.id} is now investigating`)),
    );
    const row = await fw.incident(incident.id);
    expect(row.status).toBe('investigating');
    expect(row.acknowledgedAt).not.toBeNull();
  });

  it('declines with a reason from the form, after which nothing moves it', async () => {
    const incident = await triageIncident('Flapping disk alert');
    const view = await openSummaryForm(incident.id, incident.channelId!, 'incident_decline', 'decline_incident');
    const empty = await submitView(fw.app.url, fw.slack, view, { message: { value: { type: 'plain_text_input', value: '' } } });
    expect(empty.json).toEqual({ response_action: 'errors', errors: { message: expect.stringContaining('Declining needs a reason') } });
    const ok = await submitView(fw.app.url, fw.slack, view, {
      message: { value: { type: 'plain_text_input', value: 'Known flapping sensor' } },
    });
    expect(ok.text).toBe('');
    await settledOutbox(fw.db, incident.id);
    expect((await fw.incident(incident.id)).status).toBe('declined');
    expect((await fw.events(incident.id, 'status_changed')).at(-1)?.data).toEqual({
      from: 'triage',
      to: 'declined',
      message: 'Known flapping sensor',
    });
    expect(await fw.run('status investigating Actually real', { incident: incident.id })).toContain(
      'Moves allowed from declined: none: it is final.',
    );
  });
});

describe('status updates', () => {
  it('posts an update in the channel and the announcement thread, records it and shows it on the summary', async () => {
    const { id, channel, incident } = await fw.declare('Search latency', { severity: 'sev2' });
    expect(await fw.run('update Rolled back the index change; latency recovering', { incident: id })).toContain(
      `Update posted to INC-${id}.`,
    );
    const post = fw.slack.textOf(lastPostIn(channel));
    expect(post).toContain(`Update on INC-${id}`);
    expect(post).toContain('latency recovering');
    const thread = fw.slack.messagesIn(ANNOUNCE).filter((m) => m.thread_ts === incident.announcementTs);
    expect(thread.map((m) => fw.slack.textOf(m)).join(' ')).toContain('latency recovering');
    expect(await fw.events(id, 'status_update')).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ message: 'Rolled back the index change; latency recovering', status: 'investigating' }),
      }),
    ]);
    expect(fw.slack.textOf(summaryOf(channel))).toContain('Last update');
    expect(fw.slack.textOf(summaryOf(channel))).toContain('latency recovering');
    expect((await fw.incident(id)).acknowledgedAt).not.toBeNull();
  });

  it('opens the update form, whose submission can move status, severity and the next update time', async () => {
    const { id, channel } = await fw.declare('Queue consumers stuck');
    const triggerId = fw.slack.triggerId({ user: 'U0ALICE' });
    const r = await slashCommand(fw.app.url, fw.slack, 'update', { channel, triggerId });
    expect(r.text).toBe('');
    const opened = await fw.slack.waitFor(() => fw.slack.okCallsOf('views.open').find((c) => c.args.trigger_id === triggerId));
    const view = opened.args.view as Record<string, unknown>;
    const blocks = view.blocks as Array<{ block_id: string; label: { text: string }; element: { options?: Array<{ value: string }> } }>;
    expect(blocks.map((b) => b.label.text)).toEqual(['Update', 'Status', 'Severity', 'Next update in']);
    expect(blocks[3]!.element.options!.map((o) => o.value)).toEqual(['15m', '30m', '1h', '4h', 'none']);
    expect(blocks[1]!.element.options!.map((o) => o.value)).toEqual(['investigating', 'identified', 'monitoring', 'resolved']);
    const submitted = await submitView(fw.app.url, fw.slack, view, {
      message: { value: { type: 'plain_text_input', value: 'Consumers restarted; watching the backlog drain' } },
      status: { value: { type: 'static_select', selected_option: { value: 'monitoring' } } },
      severity: { value: { type: 'static_select', selected_option: { value: 'sev2' } } },
      next_update: { value: { type: 'static_select', selected_option: { value: '30m' } } },
    });
    expect(submitted.text).toBe('');
    await settledOutbox(fw.db, id);
    const row = await fw.incident(id);
    expect(row).toMatchObject({ status: 'monitoring', severity: 'sev2' });
    expect(row.mitigatedAt).not.toBeNull();
    expect((await fw.events(id, 'status_update'))[0]?.data).toEqual({
      message: 'Consumers restarted; watching the backlog drain',
      status: 'monitoring',
      severity: 'sev2',
      nextUpdateMs: 1_800_000,
    });
    expect(fw.slack.channels.get(channel)?.topic).toBe('SEV2 · Monitoring · Lead: @alice');
  });

  it('posts an update from a form opened before a status change without moving the status back, and refuses a move from the old one', async () => {
    const { id, channel } = await fw.declare('Cache stampede');
    const view = await openUpdateForm(id, channel);
    await fw.run('status monitoring Hit rate back up', { channel });
    const update = (text: string, status: string) => ({
      message: { value: { type: 'plain_text_input', value: text } },
      status: { value: { type: 'static_select', selected_option: { value: status } } },
    });
    // The form still shows investigating, as it did when opened: the person chose no move.
    const kept = await submitView(fw.app.url, fw.slack, view, update('Warming the cache by hand', 'investigating'));
    expect(kept.text).toBe('');
    expect((await fw.incident(id)).status).toBe('monitoring');
    expect((await fw.events(id, 'status_update')).at(-1)?.data).toMatchObject({
      message: 'Warming the cache by hand',
      status: 'monitoring',
    });
    const moved = await submitView(fw.app.url, fw.slack, view, update('Found the culprit', 'identified'));
    expect(moved.json).toEqual({
      response_action: 'errors',
      errors: {
        message: `INC-${id} is now monitoring: someone changed it meanwhile. Moves allowed from monitoring: investigating, identified, resolved.`,
      },
    });
    expect((await fw.incident(id)).status).toBe('monitoring');
    expect(await fw.events(id, 'status_changed')).toHaveLength(1);
  });

  it('refuses an update that would close the incident, which must wait for its postmortem', async () => {
    const { id, channel } = await fw.declare('Disk full on db-2', { severity: 'sev1' });
    await fw.run('resolve Space freed', { channel });
    const view = await openUpdateForm(id, channel);
    // The form never offers closed; a submission naming it anyway is refused.
    const r = await submitView(fw.app.url, fw.slack, view, {
      message: { value: { type: 'plain_text_input', value: 'Closing it' } },
      status: { value: { type: 'static_select', selected_option: { value: 'closed' } } },
    });
    expect(r.json).toEqual({
      response_action: 'errors',
      errors: { message: `An update cannot move INC-${id} to closed; change the status on its own.` },
    });
    expect((await fw.incident(id)).status).toBe('resolved');
  });

  it('refuses an empty update from the form on its field', async () => {
    const { id, channel } = await fw.declare('Empty update check');
    const view = await openUpdateForm(id, channel);
    const r = await submitView(fw.app.url, fw.slack, view, { message: { value: { type: 'plain_text_input', value: '   ' } } });
    expect(r.json).toEqual({ response_action: 'errors', errors: { message: expect.stringContaining('Write the update') } });
  });
});

describe('severity, type, impact and notes', () => {
  it('changes severity, recording old and new, and updates the topic', async () => {
    const { id, channel } = await fw.declare('Severity change check', { severity: 'sev3' });
    expect(await fw.run('severity sev1', { incident: id })).toContain(`INC-${id} is now sev1.`);
    expect((await fw.events(id, 'severity_changed'))[0]?.data).toEqual({ from: 'sev3', to: 'sev1' });
    expect(fw.slack.channels.get(channel)?.topic).toMatch(/^SEV1 · Investigating/);
    expect(await fw.run('severity sev9', { incident: id })).toContain('Unknown severity "sev9". Choose one of: sev1, sev2, sev3, sev4.');
    expect(await fw.run('severity sev1', { incident: id })).toContain('already sev1');
  });

  it('sets the type and the impact, shown on the summary and recorded', async () => {
    const { id, channel } = await fw.declare('Type and impact check');
    expect(await fw.run('type security', { incident: id })).toContain(`INC-${id} is now of type security.`);
    expect(await fw.run('type weather', { incident: id })).toContain('Types: availability, performance, security, data, other.');
    expect(await fw.run('impact EU customers cannot pay by card', { incident: id })).toContain('Impact recorded');
    const summary = fw.slack.textOf(summaryOf(channel));
    expect(summary).toContain('security');
    expect(summary).toContain('EU customers cannot pay by card');
    expect((await fw.events(id)).map((e) => e.kind)).toEqual(expect.arrayContaining(['type_changed', 'impact_set']));
  });

  it('adds a note to the timeline', async () => {
    const { id } = await fw.declare('Note check');
    expect(await fw.run('note Restarted the pods on node 7', { incident: id })).toContain('Noted');
    expect((await fw.events(id, 'note'))[0]?.data).toEqual({ text: 'Restarted the pods on node 7' });
  });

  it('lets the declare form set the type', async () => {
    const before = fw.slack.views.length;
    await slashCommand(fw.app.url, fw.slack, 'declare');
    const view = (await fw.slack.waitFor(() => fw.slack.views[before])).view;
    const labels = (view.blocks as Array<{ label?: { text: string } }>).map((b) => b.label?.text);
    expect(labels).toContain('Type');
    await submitView(fw.app.url, fw.slack, view, {
      title: { value: { type: 'plain_text_input', value: 'Typed from the form' } },
      severity: { value: { type: 'static_select', selected_option: { value: 'sev3' } } },
      type: { value: { type: 'static_select', selected_option: { value: 'data' } } },
    });
    const created = await fw.slack.waitFor(() =>
      fw.slack.okCallsOf('conversations.create').find((c) => String(c.args.name).endsWith('-typed-from-the-form')),
    );
    const id = Number(/^inc-(\d+)-/.exec(String(created.args.name))![1]);
    expect((await fw.incident(id)).type).toBe('data');
  });
});

describe('roles', () => {
  it('makes someone the lead: invited, told by DM what it means, shown in topic and summary', async () => {
    const { id, channel } = await fw.declare('Lead change check');
    expect(await fw.run('lead <@U0BOB|bob>', { incident: id })).toContain(`<@U0BOB> is now the lead on INC-${id}.`);
    expect((await fw.incident(id)).leadId).toBe('U0BOB');
    expect(fw.slack.channels.get(channel)?.members.has('U0BOB')).toBe(true);
    expect(fw.slack.channels.get(channel)?.topic).toBe('SEV3 · Investigating · Lead: @bob');
    const dm = fw.dmsTo('U0BOB').find((m) => m.content.includes(`INC-${id}`));
    expect(dm?.content).toContain('coordinate the response');
    expect(fw.slack.textOf(summaryOf(channel))).toContain('<@U0BOB>');
    expect((await fw.events(id, 'role_assigned'))[0]?.data).toEqual({ role: 'lead', user: 'U0BOB', previous: 'U0ALICE' });
  });

  it('assigns a configured role and lists the roles for an unknown one', async () => {
    const { id, channel } = await fw.declare('Role assignment check');
    expect(await fw.run('role comms <@U0CAROL>', { incident: id })).toContain(`<@U0CAROL> is now comms on INC-${id}.`);
    expect(fw.slack.textOf(summaryOf(channel))).toContain('Comms');
    const dm = fw.dmsTo('U0CAROL').find((m) => m.content.includes(`INC-${id}`));
    expect(dm?.content).toContain('stakeholders');
    expect(await fw.run('role janitor <@U0CAROL>', { incident: id })).toContain('Unknown role "janitor". Roles: lead, comms, scribe, ops.');
    expect(await fw.run('role scribe @carol', { incident: id })).toContain('"@carol" is not a mention');
  });
});

describe('follow-ups', () => {
  it('records a follow-up with its owner, lists it with a Done button, and completes it once', async () => {
    const { id, channel } = await fw.declare('Follow-up check');
    expect(await fw.run('followup Add alert on queue depth <@U0BOB|bob>', { incident: id })).toContain('owned by <@U0BOB>');
    const [item] = await fw.db.select().from(followups).where(eq(followups.incidentId, id));
    expect(item).toMatchObject({ text: 'Add alert on queue depth', ownerId: 'U0BOB', doneAt: null });
    const listed = await slashCommand(fw.app.url, fw.slack, 'followup', { channel });
    const list = listed.json as { blocks: unknown[]; text: string };
    expect(JSON.stringify(list.blocks)).toContain('Add alert on queue depth');
    const ephemeralMessage = { channel, ts: '1700000000.000001', blocks: list.blocks, text: list.text };
    await clickButton(fw.app.url, fw.slack, ephemeralMessage, 'followup_done', 'U0BOB');
    const replaced = await fw.slack.waitFor(() =>
      fw.slack.responses.find((r) => r.body.replace_original === true && JSON.stringify(r.body).includes('✅')),
    );
    expect(JSON.stringify(replaced.body)).toContain('done by <@U0BOB>');
    const [done] = await fw.db
      .select()
      .from(followups)
      .where(and(eq(followups.incidentId, id)));
    expect(done?.doneBy).toBe('U0BOB');
    await clickButton(fw.app.url, fw.slack, ephemeralMessage, 'followup_done', 'U0ALICE');
    await fw.slack.waitFor(() => fw.slack.responses.find((r) => JSON.stringify(r.body).includes('already done by <@U0BOB>')));
    expect(await fw.events(id, 'followup_done')).toHaveLength(1);
  });
});

describe('listing and private incidents', () => {
  async function declarePrivate(title: string) {
    const incidentId = await fw.declareDirect(title, { severity: 'sev1', isPrivate: true });
    await settledOutbox(fw.db, incidentId);
    return incidentId;
  }

  it('lists open incidents most severe first, with private ones only for their members', async () => {
    const minor = await fw.declare('Minor listing check', { severity: 'sev4' });
    const major = await fw.declare('Major listing check', { severity: 'sev1' });
    const secret = await declarePrivate('Secret listing check');
    const forAlice = ackText(await slashCommand(fw.app.url, fw.slack, 'list'));
    expect(forAlice.indexOf(`INC-${major.id}`)).toBeGreaterThan(-1);
    expect(forAlice.indexOf(`INC-${major.id}`)).toBeLessThan(forAlice.indexOf(`INC-${minor.id}`));
    expect(forAlice).toContain(`INC-${secret}`);
    expect(forAlice).toContain(`<#${major.channel}>`);
    const forBob = ackText(await slashCommand(fw.app.url, fw.slack, 'list', { user: 'U0BOB' }));
    expect(forBob).toContain(`INC-${major.id}`);
    expect(forBob).not.toContain(`INC-${secret}`);
    expect(forBob).not.toContain('Secret listing check');
  });

  it('refuses a non-member acting on a private incident without revealing it', async () => {
    const id = await declarePrivate('Private access check');
    const before = await fw.events(id);
    const answer = await fw.run(`status INC-${id} identified`, { incident: id, channel: GENERAL, user: 'U0BOB' });
    expect(answer).toContain(`There is no INC-${id} that you can see.`);
    expect(answer).not.toContain('Private access check');
    expect(await fw.run(`status INC-999999 identified`, { incident: id, channel: GENERAL, user: 'U0BOB' })).toContain(
      'There is no INC-999999 that you can see.',
    );
    expect(await fw.events(id)).toEqual(before);
    expect(await fw.run(`status INC-${id} identified`, { incident: id, channel: GENERAL, user: 'U0ALICE' })).toContain(
      `INC-${id} is now identified.`,
    );
  });
});

describe('summary buttons', () => {
  it('resolves from the Resolve button, and a stale button says what the status is now', async () => {
    const { id, channel } = await fw.declare('Resolve button check');
    const staleSummary = { ...summaryOf(channel), blocks: structuredClone(summaryOf(channel).blocks) };
    await clickButton(fw.app.url, fw.slack, summaryOf(channel), 'incident_resolve');
    await fw.slack.waitFor(() => fw.slack.responses.find((r) => JSON.stringify(r.body).includes(`INC-${id} is now resolved.`)));
    expect((await fw.incident(id)).status).toBe('resolved');
    await settledOutbox(fw.db, id);
    expect(JSON.stringify(summaryOf(channel).blocks)).not.toContain('incident_resolve');
    await clickButton(fw.app.url, fw.slack, staleSummary, 'incident_resolve', 'U0BOB');
    await fw.slack.waitFor(() =>
      fw.slack.responses.find((r) => JSON.stringify(r.body).includes(`INC-${id} is now resolved: someone changed it meanwhile`)),
    );
    expect(await fw.events(id, 'status_changed')).toHaveLength(1);
  });

  it('opens a status form that offers only the allowed moves', async () => {
    const { id, channel } = await fw.declare('Status form check');
    await fw.run('status monitoring', { incident: id });
    const view = await openChangeStatusForm(id, channel);
    const select = (view.blocks as Array<{ block_id?: string; element?: { options?: Array<{ value: string }> } }>).find(
      (b) => b.block_id === 'status',
    );
    expect(select?.element?.options?.map((o) => o.value)).toEqual(['investigating', 'identified', 'resolved']);
  });

  it('answers a stale Change status on a closed incident that it is closed, opening no form without a move to offer', async () => {
    const { id, channel } = await fw.declare('Closed before the click', { severity: 'sev3' });
    const staleSummary = { ...summaryOf(channel), blocks: structuredClone(summaryOf(channel).blocks) };
    await fw.run('resolve Done', { incident: id });
    await fw.run('close', { incident: id });
    expect((await fw.incident(id)).status).toBe('closed');
    const opened = fw.slack.callsOf('views.open').length;
    await clickButton(fw.app.url, fw.slack, staleSummary, 'incident_change_status', 'U0BOB');
    await fw.slack.waitFor(() =>
      fw.slack.responses.find((r) => JSON.stringify(r.body).includes(`INC-${id} is closed; its status is final.`)),
    );
    expect(fw.slack.callsOf('views.open')).toHaveLength(opened);
  });
});

describe('archiving on close', () => {
  it('archives the channel on close when archive_on_close is set', async () => {
    const archiving = await fw.startApp({ archive_on_close: true });
    try {
      const r = await slashCommand(archiving.url, fw.slack, 'declare sev4 Archive on close check');
      const id = Number(/INC-(\d+)/.exec(ackText(r))![1]);
      await settledOutbox(fw.db, id);
      const channel = (await fw.incident(id)).channelId!;
      await slashCommand(archiving.url, fw.slack, 'resolve Done', { channel });
      await slashCommand(archiving.url, fw.slack, 'close', { channel });
      await settledOutbox(fw.db, id);
      expect(fw.slack.channels.get(channel)?.is_archived).toBe(true);
    } finally {
      await archiving.stop();
    }
  });
});

describe('a delivery that posted and died before it was recorded', () => {
  it('runs again without posting a timeline line, a thread reply or a role DM twice', async () => {
    const { id } = await fw.declare('Posted but not recorded');
    await fw.run('role comms <@U0CAROL>', { incident: id });
    await fw.run('resolve Restarted the queue workers', { incident: id });
    const kinds = ['timeline.post', 'role.dm'];
    const rows = await fw.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.incidentId, id), inArray(outbox.kind, kinds)));
    // In the channel, in the announcement thread, and by DM.
    expect(rows.map((r) => (r.kind === 'role.dm' ? 'dm' : String(r.payload.where))).sort()).toEqual([
      'announcement_thread',
      'channel',
      'channel',
      'dm',
    ]);
    const posted = fw.slack.okCallsOf('chat.postMessage').length;
    const lookups = fw.slack.calls.filter((c) => ['conversations.history', 'conversations.replies'].includes(c.method)).length;
    // As if each attempt died between Slack's answer and marking its row done.
    await fw.db
      .update(outbox)
      .set({ status: 'pending', attempts: 1, doneAt: null })
      .where(
        inArray(
          outbox.id,
          rows.map((r) => r.id),
        ),
      );
    fw.app.services.outbox.wake();
    await settledOutbox(fw.db, id);
    expect(fw.slack.okCallsOf('chat.postMessage')).toHaveLength(posted);
    expect(fw.slack.calls.filter((c) => ['conversations.history', 'conversations.replies'].includes(c.method)).length - lookups).toBe(
      rows.length,
    );
    const again = await fw.db
      .select()
      .from(outbox)
      .where(
        inArray(
          outbox.id,
          rows.map((r) => r.id),
        ),
      );
    expect(again.map((r) => r.status)).toEqual(rows.map(() => 'done'));
  });
});
