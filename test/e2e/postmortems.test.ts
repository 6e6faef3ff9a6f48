import { and, asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { followups, incidents, jobRuns, outbox, postmortemAnswers, postmortems, timelineEvents } from '../../src/db/schema.js';
import { sweepOverdueFollowups } from '../../src/incidents/followups.js';
import { publishPostmortem } from '../../src/postmortems/store.js';
import { canvasMarkdown } from '../../src/slack/canvas-markdown.js';
import { GENERAL, MANIFEST_SCOPES, startApp, startEmulator, testConfig } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';
import { useFirewatch } from '../support/harness.js';
import { settledOutbox } from '../support/outbox.js';
import type { EmuMessage } from '../support/slack-emulator/index.js';
import { ackText, clickButton, slashCommand, submitView } from '../support/slack-requests.js';

const TOKEN = 'postmortem-api-token-0123456789';
const DIGEST = 'C0DIGESTPM';
const CONFIG = { api_token: TOKEN, digest: { channel: DIGEST, schedule: '0 9 * * 1' } };

const fw = useFirewatch({ config: CONFIG, channels: [{ id: DIGEST, name: 'stakeholders-pm' }], captureLogs: true });
async function command(channel: string, text: string, user = 'U0ALICE') {
  return slashCommand(fw.app.url, fw.slack, text, { channel, user });
}

const uploadsFor = (id: number) => fw.slack.files.filter((f) => f.filename.startsWith(`INC-${id}-postmortem`));

describe('postmortems', () => {
  it('says why not before the incident is resolved', async () => {
    const { channel } = await fw.declare('Not resolved yet', { severity: 'sev3' });
    expect(ackText(await command(channel, 'postmortem'))).toContain('a postmortem is compiled once it is resolved');
  });

  it('compiles the timeline with the answers from the form, uploads it, links it, and versions a rerun', async () => {
    const { id, channel } = await fw.declare('Card payments failing', { severity: 'sev2' });
    await command(channel, 'status identified Expired TLS certificate on the gateway');
    await command(channel, 'update Rotating the certificate now\nETA 10 minutes');
    const human = {
      channel,
      ts: `${Math.floor(Date.now() / 1000)}.000777`,
      text: 'cert expired at 09:58, see <@U0BOB>',
      blocks: [],
      user: 'U0BOB',
      edited: 0,
    };
    fw.slack.messages.push(human);
    await command(channel, 'note Added monitoring for certificate expiry');
    await command(channel, 'followup Alert 30 days before certificates expire <@U0BOB>');
    await command(channel, 'resolve Certificate rotated; payments recovered');
    await settledOutbox(fw.db, id);

    const resolution = fw.slack.messagesIn(channel).find((m: EmuMessage) => JSON.stringify(m.blocks).includes('postmortem_write'))!;
    expect(fw.slack.textOf(resolution)).toContain('resolved');
    await clickButton(fw.app.url, fw.slack, resolution, 'postmortem_write');
    const view = (
      await fw.slack.waitFor(() =>
        fw.slack.views.find(
          (v) => v.view.callback_id === 'postmortem_answers' && String(v.view.private_metadata).includes(`"incidentId":${id}`),
        ),
      )
    ).view;
    const labels = (view.blocks as Array<{ label: { text: string } }>).map((b) => b.label.text);
    expect(labels).toEqual([
      'Summary',
      'Impact',
      'Root cause',
      'Trigger',
      'Resolution',
      'What went well',
      'What went wrong',
      'Where we got lucky',
    ]);
    const value = (text: string) => ({ value: { type: 'plain_text_input', value: text } });
    const saved = await submitView(fw.app.url, fw.slack, view, {
      summary: value('Card payments failed for 40 minutes.'),
      rootCause: value('Certificate rotation was manual and forgotten.'),
      wentWell: value('Fast detection by alerting.'),
      lucky: value('It happened at low traffic.'),
    });
    expect(saved.text).toBe('');
    const [answers] = await fw.db.select().from(postmortemAnswers).where(eq(postmortemAnswers.incidentId, id));
    expect(answers?.answers).toEqual({
      summary: 'Card payments failed for 40 minutes.',
      rootCause: 'Certificate rotation was manual and forgotten.',
      wentWell: 'Fast detection by alerting.',
      lucky: 'It happened at low traffic.',
    });

    const responseUrl = fw.slack.responseUrl({ channel, user: 'U0ALICE' });
    const ack = await slashCommand(fw.app.url, fw.slack, 'postmortem', { channel, responseUrl });
    expect(ackText(ack)).toContain(`Compiling the postmortem of INC-${id}`);
    const compiled = await fw.slack.waitFor(() => fw.slack.responses.find((r) => r.id === responseUrl.split('/').at(-1)));
    expect(JSON.stringify(compiled.body)).toContain('version 1, the first');
    const file = await fw.slack.waitFor(() => uploadsFor(id)[0]);
    expect(file.channel).toBe(channel);
    const markdown = file.content.toString('utf8');
    for (const part of [
      `# Postmortem: INC-${id}`,
      'Card payments failing',
      'Key metrics',
      'Time to acknowledge',
      'Time to resolve',
      'Card payments failed for 40 minutes.',
      'Certificate rotation was manual and forgotten.',
      'Expired TLS certificate on the gateway',
      'Rotating the certificate now',
      'ETA 10 minutes',
      'Added monitoring for certificate expiry',
      'Alert 30 days before certificates expire',
      'Certificate rotated; payments recovered',
    ]) {
      expect(markdown).toContain(part);
    }
    const events = await fw.db.select().from(timelineEvents).where(eq(timelineEvents.incidentId, id)).orderBy(asc(timelineEvents.id));
    expect(events.length).toBeGreaterThan(5);
    await settledOutbox(fw.db, id);
    const summary = fw.slack
      .messagesIn(channel)
      .find((m) => JSON.stringify(m.blocks).includes('incident_actions') || /Postmortem:/.test(fw.slack.textOf(m)))!;
    // Slack's answer to completing an upload carries no permalink: the summary's link comes from files.info.
    expect(fw.slack.textOf(summary)).toContain(`📝 Postmortem: <https://firewatch-test.slack.com/files/${fw.slack.botUserId}/${file.id}/`);

    await command(channel, 'note One more thing learned');
    const again = fw.slack.responseUrl({ channel, user: 'U0ALICE' });
    await slashCommand(fw.app.url, fw.slack, 'postmortem', { channel, responseUrl: again });
    const second = await fw.slack.waitFor(() => fw.slack.responses.find((r) => r.id === again.split('/').at(-1)));
    expect(JSON.stringify(second.body)).toMatch(/version 2: \d+ lines? added and \d+ removed since version 1/);
    await fw.slack.waitFor(() => uploadsFor(id)[1]);
    expect(uploadsFor(id)[1]!.content.toString('utf8')).toContain('One more thing learned');
    const versions = await fw.db.select({ version: postmortems.version }).from(postmortems).where(eq(postmortems.incidentId, id));
    expect(versions.map((v) => v.version).sort()).toEqual([1, 2]);
  });

  it('refuses to close a SEV1 without a postmortem, offering the form, and closes once one exists', async () => {
    const { id, channel } = await fw.declare('Closing needs a postmortem', { severity: 'sev1' });
    await command(channel, 'resolve Done');
    const refused = await command(channel, 'close');
    expect(ackText(refused)).toContain('needs a postmortem before it can close');
    expect(ackText(refused)).toContain('postmortem_write');
    const responseUrl = fw.slack.responseUrl({ channel, user: 'U0ALICE' });
    await slashCommand(fw.app.url, fw.slack, 'postmortem', { channel, responseUrl });
    await fw.slack.waitFor(() => fw.slack.responses.find((r) => r.id === responseUrl.split('/').at(-1)));
    expect(ackText(await command(channel, 'close'))).toContain(`INC-${id} is now closed.`);
  });

  it('lets a SEV3 close without a postmortem', async () => {
    const { id, channel } = await fw.declare('Minor needs none', { severity: 'sev3' });
    await command(channel, 'resolve Done');
    expect(ackText(await command(channel, 'close'))).toContain(`INC-${id} is now closed.`);
  });

  it('uploads a postmortem once when the answer to completing its upload is lost, finding the file on the retry', async () => {
    const { id, channel } = await fw.declare('Upload answer lost', { severity: 'sev3' });
    await command(channel, 'resolve Done');
    fw.slack.fault('files.completeUploadExternal', { kind: 'lost' });
    const responseUrl = fw.slack.responseUrl({ channel, user: 'U0ALICE' });
    await slashCommand(fw.app.url, fw.slack, 'postmortem', { channel, responseUrl });
    await fw.slack.waitFor(() => fw.slack.responses.find((r) => r.id === responseUrl.split('/').at(-1)));
    const rows = await settledOutbox(fw.db, id);
    expect(rows.filter((r) => r.kind === 'postmortem.upload').map((r) => r.status)).toEqual(['done']);
    expect(fw.slack.callsOf('files.completeUploadExternal').filter((c) => c.fault === 'lost')).toHaveLength(1);
    expect(uploadsFor(id)).toHaveLength(1);
    expect(fw.slack.messagesIn(channel).filter((m) => m.files?.length)).toHaveLength(1);
    const [row] = await fw.db.select().from(postmortems).where(eq(postmortems.incidentId, id));
    expect(row?.fileId).toBe(uploadsFor(id)[0]!.id);
    // The retry found the file with files.info (other tests' uploads ask it for their permalinks).
    expect(fw.slack.okCallsOf('files.info').filter((c) => c.args.file === row?.fileId)).toHaveLength(1);
  });

  it('uploads a postmortem again when the file an earlier attempt named was never completed', async () => {
    const { id, channel } = await fw.declare('Upload never completed', { severity: 'sev3' });
    await command(channel, 'resolve Done');
    fw.slack.fault('files.completeUploadExternal', { kind: 'http', status: 500 });
    const responseUrl = fw.slack.responseUrl({ channel, user: 'U0ALICE' });
    await slashCommand(fw.app.url, fw.slack, 'postmortem', { channel, responseUrl });
    await fw.slack.waitFor(() => fw.slack.responses.find((r) => r.id === responseUrl.split('/').at(-1)));
    const rows = await settledOutbox(fw.db, id);
    expect(rows.filter((r) => r.kind === 'postmortem.upload').map((r) => r.status)).toEqual(['done']);
    expect(uploadsFor(id)).toHaveLength(1);
    const [row] = await fw.db.select().from(postmortems).where(eq(postmortems.incidentId, id));
    expect(row?.fileId).toBe(uploadsFor(id)[0]!.id);
  });

  it('serves the latest postmortem over HTTP to holders of the api_token only', async () => {
    const { id, channel } = await fw.declare('HTTP postmortem check', { severity: 'sev3' });
    await command(channel, 'resolve Done');
    const responseUrl = fw.slack.responseUrl({ channel, user: 'U0ALICE' });
    await slashCommand(fw.app.url, fw.slack, 'postmortem', { channel, responseUrl });
    await fw.slack.waitFor(() => fw.slack.responses.find((r) => r.id === responseUrl.split('/').at(-1)));
    const url = `${fw.app.url}/incidents/INC-${id}/postmortem.md`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/markdown');
    expect(await ok.text()).toContain(`# Postmortem: INC-${id}`);
    expect(
      (await fetch(`${fw.app.url}/incidents/INC-999999/postmortem.md`, { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(404);
  });
});

describe('follow-ups that pass their due date', () => {
  it('DM the owner once with a Done button', async () => {
    const { id, channel } = await fw.declare('Overdue follow-up check', { severity: 'sev3' });
    expect(ackText(await command(channel, 'followup Rotate the API keys <@U0DAVE> due:2020-01-31'))).toContain('due 2020-01-31');
    expect(ackText(await command(channel, 'followup Bad date <@U0DAVE> due:2020-02-30'))).toContain('"2020-02-30" is not a date');
    expect(await sweepOverdueFollowups(fw.db)).toBeGreaterThanOrEqual(1);
    expect(await sweepOverdueFollowups(fw.db)).toBe(0);
    fw.app.services.outbox.wake();
    await settledOutbox(fw.db, id);
    const dms = fw.dmsTo('U0DAVE').filter((m) => m.content.includes('Rotate the API keys'));
    expect(dms).toHaveLength(1);
    expect(fw.slack.textOf(dms[0]!)).toContain('overdue (due 2020-01-31)');
    await dms[0]!.button('Done').click({ user: 'U0DAVE' });
    await fw.slack.waitFor(async () => {
      const [item] = await fw.db.select().from(followups).where(eq(followups.incidentId, id));
      return item?.doneBy === 'U0DAVE';
    });
  });
});

describe('insights', () => {
  it('answers /incident insights for the default and a chosen period, and refuses an unknown one', async () => {
    const text = ackText(await command(GENERAL, 'insights'));
    expect(text).toContain('Incident insights: the last 30 days');
    expect(text).toContain('Time to acknowledge');
    expect(text).toContain('Follow-ups');
    expect(ackText(await command(GENERAL, 'insights 7d'))).toContain('the last 7 days');
    expect(ackText(await command(GENERAL, 'insights 2w'))).toContain('Unknown period "2w". Periods: 7d, 30d, 90d');
  });

  it('posts the scheduled report to the digest channel once per due time', async () => {
    const scheduled = await fw.startApp({ ...CONFIG, insights: { schedule: '* * * * * *' } });
    try {
      await fw.slack.waitFor(() => fw.slack.messagesIn(DIGEST).find((m) => fw.slack.textOf(m).includes('Incident insights')), 5_000);
    } finally {
      await scheduled.stop();
    }
    const runs = await fw.db.select().from(jobRuns).where(eq(jobRuns.job, 'insights'));
    expect(runs.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(fw.slack.messagesIn(DIGEST).filter((m) => fw.slack.textOf(m).includes('Incident insights'))).toHaveLength(runs.length);
    expect(await fw.db.select({ n: sql<number>`count(*)::int` }).from(jobRuns)).toBeTruthy();
  });
});

describe('postmortem canvases', () => {
  /** Resolves a fresh incident and publishes its postmortem; resolves once every delivery of it is done. */
  async function publish(channel: string, id: number) {
    const responseUrl = fw.slack.responseUrl({ channel, user: 'U0ALICE' });
    await slashCommand(fw.app.url, fw.slack, 'postmortem', { channel, responseUrl });
    await fw.slack.waitFor(() => fw.slack.responses.find((r) => r.id === responseUrl.split('/').at(-1)));
    const rows = await settledOutbox(fw.db, id);
    expect(rows.filter((r) => r.status !== 'done').map((r) => [r.kind, r.lastError])).toEqual([]);
  }
  const canvasesIn = (channel: string) => [...fw.slack.canvases.values()].filter((c) => c.channel === channel);
  const canvasIds = async (id: number) =>
    (
      await fw.db
        .select({ version: postmortems.version, canvasId: postmortems.canvasId })
        .from(postmortems)
        .where(eq(postmortems.incidentId, id))
        .orderBy(asc(postmortems.version))
    ).map((r) => r.canvasId);

  it('puts the postmortem into one canvas in the incident channel, made with the first version and replaced by each next one', async () => {
    const { id, channel } = await fw.declare('Canvas of a postmortem', { severity: 'sev2' });
    await command(channel, 'resolve Rolled back the release');
    await publish(channel, id);
    const [canvas] = canvasesIn(channel);
    expect(canvasesIn(channel)).toHaveLength(1);
    expect(canvas!.title).toBe(`Postmortem: INC-${id} — Canvas of a postmortem`);
    // The uploaded file's document, as a canvas takes it: no backslash escapes, no quote inside a list item.
    expect(canvas!.markdown).toBe(canvasMarkdown(uploadsFor(id)[0]!.content.toString('utf8')));
    expect(canvas!.markdown).not.toContain('\\');
    expect(canvas!.markdown).not.toMatch(/^[ \t]+>/m);
    expect(await canvasIds(id)).toEqual([canvas!.id]);

    await command(channel, 'note The rollback took 4 minutes');
    await publish(channel, id);
    expect(canvasesIn(channel)).toEqual([expect.objectContaining({ id: canvas!.id, edits: 1 })]);
    expect(canvas!.markdown).toBe(canvasMarkdown(uploadsFor(id)[1]!.content.toString('utf8')));
    expect(canvas!.markdown).toContain('The rollback took 4 minutes');
    expect(await canvasIds(id)).toEqual([canvas!.id, canvas!.id]);
  });

  it('retries a canvas Slack rate-limited or failed, and makes it once', async () => {
    const { id, channel } = await fw.declare('Canvas under faults', { severity: 'sev3' });
    await command(channel, 'resolve Done');
    fw.slack.fault('canvases.create', { kind: 'ratelimit', retryAfter: 1 }, { kind: 'http', status: 500 });
    await publish(channel, id);
    expect(
      fw.slack.calls.filter((c) => c.method === 'canvases.create' && c.args.channel_id === channel).map((c) => c.fault ?? 'ok'),
    ).toEqual(['ratelimit', 'http', 'ok']);
    expect(canvasesIn(channel)).toHaveLength(1);
    expect(await canvasIds(id)).toEqual([canvasesIn(channel)[0]!.id]);
  });

  it('makes a new canvas when the last one was deleted by hand', async () => {
    const { id, channel } = await fw.declare('Canvas deleted by hand', { severity: 'sev3' });
    await command(channel, 'resolve Done');
    await publish(channel, id);
    const [first] = canvasesIn(channel);
    fw.slack.canvases.delete(first!.id);
    await publish(channel, id);
    const [second] = canvasesIn(channel);
    expect(second?.id).not.toBe(first!.id);
    expect(second?.markdown).toBe(canvasMarkdown(uploadsFor(id)[1]!.content.toString('utf8')));
    expect(await canvasIds(id)).toEqual([first!.id, second!.id]);
  });

  it('keeps to the file, and fails nothing, when Slack cannot make the canvas or change it, logging what Slack said', async () => {
    const { id, channel } = await fw.declare('Canvas Slack refuses', { severity: 'sev3' });
    await command(channel, 'resolve Done');
    const detail = 'unsupported element: quote in list item';
    fw.slack.fault('canvases.create', { kind: 'error', error: 'canvas_creation_failed', detail });
    await publish(channel, id);
    expect(uploadsFor(id)).toHaveLength(1);
    expect(canvasesIn(channel)).toEqual([]);
    const canvasRows = async () =>
      (
        await fw.db
          .select()
          .from(outbox)
          .where(and(eq(outbox.incidentId, id), eq(outbox.kind, 'postmortem.canvas')))
          .orderBy(asc(outbox.id))
      ).map((r) => [r.status, r.result]);
    expect(await canvasRows()).toEqual([['done', { skipped: `Slack refused the canvas: canvas_creation_failed (${detail})` }]]);
    expect(fw.logs.filter((l) => l.error === 'canvas_creation_failed').map((l) => l.detail)).toEqual([detail]);

    await publish(channel, id);
    const [canvas] = canvasesIn(channel);
    fw.slack.fault('canvases.edit', { kind: 'error', error: 'canvas_editing_failed' });
    await command(channel, 'note One more line');
    await publish(channel, id);
    expect(uploadsFor(id)).toHaveLength(3);
    expect(canvasesIn(channel)).toEqual([expect.objectContaining({ id: canvas!.id, edits: 0 })]);
    expect((await canvasRows()).at(-1)).toEqual(['done', { skipped: 'Slack refused the canvas: canvas_editing_failed' }]);
  });

  it('keeps to the file, and fails nothing, in a workspace that allows no canvases', async () => {
    const { id, channel } = await fw.declare('No canvases here', { severity: 'sev3' });
    await command(channel, 'resolve Done');
    fw.slack.canvasesAllowed = false;
    try {
      await publish(channel, id);
    } finally {
      fw.slack.canvasesAllowed = true;
    }
    expect(uploadsFor(id)).toHaveLength(1);
    expect(canvasesIn(channel)).toEqual([]);
    const rows = await fw.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.incidentId, id), eq(outbox.kind, 'postmortem.canvas')));
    expect(rows.map((r) => [r.status, r.result])).toEqual([
      ['done', { skipped: 'this workspace allows the app no canvas: canvas_disabled_user_team' }],
    ]);
    expect(await canvasIds(id)).toEqual([null]);
  });

  it('keeps to the file for an app installed before it asked for canvases:write', async () => {
    // Its own database: the app of the other tests would otherwise deliver this incident's rows to its emulator.
    const own = await createTestDatabase();
    const older = await startEmulator({ scopes: MANIFEST_SCOPES.filter((s) => s !== 'canvases:write') });
    const olderApp = await startApp(older, own.database, testConfig(CONFIG));
    const dbx = () => own.database.db;
    try {
      const ack = await slashCommand(olderApp.url, older, 'declare sev3 Installed without canvases');
      const id = Number(/INC-(\d+)/.exec(ackText(ack))![1]);
      await settledOutbox(dbx(), id);
      const [incident] = await dbx().select().from(incidents).where(eq(incidents.id, id));
      await slashCommand(olderApp.url, older, 'resolve Done', { channel: incident!.channelId! });
      const responseUrl = older.responseUrl({ channel: incident!.channelId!, user: 'U0ALICE' });
      await slashCommand(olderApp.url, older, 'postmortem', { channel: incident!.channelId!, responseUrl });
      await older.waitFor(() => older.responses.find((r) => r.id === responseUrl.split('/').at(-1)));
      await settledOutbox(dbx(), id);
      expect(older.files.filter((f) => f.filename.startsWith(`INC-${id}-postmortem`))).toHaveLength(1);
      expect(older.calls.filter((c) => c.method === 'canvases.create').map((c) => c.error)).toEqual(['missing_scope']);
      const rows = await dbx()
        .select()
        .from(outbox)
        .where(and(eq(outbox.incidentId, id), eq(outbox.kind, 'postmortem.canvas')));
      expect(rows.map((r) => [r.status, r.result])).toEqual([
        ['done', { skipped: 'this workspace allows the app no canvas: missing_scope' }],
      ]);
    } finally {
      await olderApp.stop();
      await older.close();
      await own.destroy();
    }
  });

  it('asks for no canvas when postmortem_canvas is false', async () => {
    const { id, channel } = await fw.declare('Canvas turned off', { severity: 'sev3' });
    await command(channel, 'resolve Done');
    const published = await publishPostmortem(
      fw.db,
      { ...fw.app.services.config, postmortemCanvas: false },
      { incidentId: id, actor: 'U0ALICE', names: async () => ({}) },
    );
    expect(published.ok).toBe(true);
    const kinds = (await fw.db.select({ kind: outbox.kind }).from(outbox).where(eq(outbox.incidentId, id))).map((r) => r.kind);
    expect(kinds).toContain('postmortem.upload');
    expect(kinds).not.toContain('postmortem.canvas');
  });
});
