/**
 * Security: every Slack request kind is refused (401, recording nothing) unless signed with the signing
 * secret within five minutes either way; webhook and API tokens are compared in constant time; and a private
 * incident never shows up for people outside it: not in announcements, digests, `list`, DMs, commands,
 * buttons, forms or the postmortem endpoint.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { followups, incidents, jobRuns, outbox, postmortems, subscriptions, timelineEvents } from '../../src/db/schema.js';
import { runDigest } from '../../src/digests/job.js';
import { sameSecret } from '../../src/http/secrets.js';
import { ANNOUNCE, GENERAL } from '../support/app.js';
import { useFirewatch } from '../support/harness.js';
import {
  blockActionsPayload,
  eventBody,
  FORM,
  httpRequest,
  interactionBody,
  JSON_TYPE,
  rowCounts,
  slackPost,
  slash,
  slashBody,
  sleep,
  until,
  viewSubmissionPayload,
} from '../support/hostile.js';
import { settledOutbox } from '../support/outbox.js';
import type {} from '../support/slack-emulator/index.js';
import { signature, submitView, type SignedResponse } from '../support/slack-requests.js';

const API_TOKEN = 'api-token-0123456789abcdef';
const PROM_TOKEN = 'prom-token-0123456789';
const PD_KEY = 'R0UTINGKEY0123456789abcdef012345';
const DIGEST = 'C0DIGESTSEC';
const CONFIG = {
  api_token: API_TOKEN,
  digest: { channel: DIGEST, schedule: '0 9 * * 1' },
  integrations: [
    { id: 'prom', type: 'alertmanager', token: PROM_TOKEN },
    { id: 'pd', type: 'pagerduty', routing_key: PD_KEY },
  ],
};
const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

const fw = useFirewatch({ config: CONFIG, channels: [{ id: DIGEST, name: 'stakeholders-sec' }], captureLogs: true });
/** A public incident the signed requests act on. */
let pub: { id: number; channel: string };

beforeAll(async () => {
  pub = await fw.declareCommand('declare sev2 Public checkout outage');
});

const now = () => Math.floor(Date.now() / 1000);

describe('Slack request signatures', () => {
  interface Kind {
    name: string;
    contentType: string;
    body: () => string;
    /** Tables the accepted request writes to (after its ack, for actions and events). */
    writes: string[];
    accepted?: (r: SignedResponse) => void;
  }
  const KINDS: Kind[] = [
    {
      name: 'slash command',
      contentType: FORM,
      body: () => slashBody(fw.slack, { text: 'declare sev3 Forged via a slash command', user_id: 'U0BOB' }),
      writes: ['incidents', 'outbox'],
    },
    {
      name: 'block_actions',
      contentType: FORM,
      body: () =>
        interactionBody(
          blockActionsPayload(fw.slack, {
            actionId: 'incident_subscribe',
            value: `${pub.id}:investigating`,
            user: 'U0BOB',
            channel: pub.channel,
          }),
        ),
      writes: ['subscriptions'],
    },
    {
      name: 'view_submission',
      contentType: FORM,
      body: () =>
        interactionBody(
          viewSubmissionPayload(fw.slack, {
            callbackId: 'declare_incident',
            values: { title: { value: { type: 'plain_text_input', value: 'Forged via the declare form' } } },
            privateMetadata: '{}',
            user: 'U0BOB',
          }),
        ),
      writes: ['incidents', 'outbox'],
    },
    {
      name: 'event_callback',
      contentType: JSON_TYPE,
      body: () =>
        eventBody({
          type: 'member_joined_channel',
          user: 'U0DAVE',
          channel: pub.channel,
          channel_type: 'C',
          team: 'T0TEST',
          event_ts: `${now()}.000100`,
        }),
      writes: ['incident_members'],
    },
    {
      name: 'url_verification',
      contentType: JSON_TYPE,
      body: () => JSON.stringify({ token: 'deprecated-verification-token', challenge: 'challenge-3f9a', type: 'url_verification' }),
      writes: [],
      accepted: (r) => expect(r.json).toEqual({ challenge: 'challenge-3f9a' }),
    },
  ];

  for (const kind of KINDS) {
    it(`refuses a ${kind.name} that is not signed right with 401, records nothing, and still takes the signed one`, async () => {
      const body = kind.body();
      const url = fw.app.url;
      const ct = kind.contentType;
      const sig = (b: string, ts: number) => signature(b, ts)['x-slack-signature']!;
      const refusals: Array<[string, () => Promise<SignedResponse>]> = [
        ['wrong secret', () => slackPost(url, body, ct, { secret: 'not-the-signing-secret-0123456789' })],
        ['no signature headers', () => slackPost(url, body, ct, { signatureHeaders: {} })],
        [
          'a signature without a timestamp',
          () => slackPost(url, body, ct, { signatureHeaders: { 'x-slack-signature': sig(body, now()) } }),
        ],
        [
          'a timestamp without a signature',
          () => slackPost(url, body, ct, { signatureHeaders: { 'x-slack-request-timestamp': String(now()) } }),
        ],
        ['a timestamp 6 minutes old', () => slackPost(url, body, ct, { timestamp: now() - 360 })],
        ['a timestamp 6 minutes in the future', () => slackPost(url, body, ct, { timestamp: now() + 360 })],
        [
          'the old signature replayed with a new timestamp',
          () =>
            slackPost(url, body, ct, {
              signatureHeaders: { 'x-slack-request-timestamp': String(now()), 'x-slack-signature': sig(body, now() - 30) },
            }),
        ],
        [
          'the signature of another body',
          () =>
            slackPost(url, body, ct, {
              signatureHeaders: { 'x-slack-request-timestamp': String(now()), 'x-slack-signature': sig(`${body}&x=1`, now()) },
            }),
        ],
        [
          'an unknown signature version',
          () =>
            slackPost(url, body, ct, {
              signatureHeaders: {
                'x-slack-request-timestamp': String(now()),
                'x-slack-signature': sig(body, now()).replace(/^v0=/, 'v1='),
              },
            }),
        ],
        [
          'an empty v0 signature',
          () => slackPost(url, body, ct, { signatureHeaders: { 'x-slack-request-timestamp': String(now()), 'x-slack-signature': 'v0=' } }),
        ],
        [
          'a timestamp that is not a number',
          () =>
            slackPost(url, body, ct, { signatureHeaders: { 'x-slack-request-timestamp': 'soon', 'x-slack-signature': sig(body, now()) } }),
        ],
      ];
      await fw.drained();
      const before = await rowCounts(fw.db);
      const callsBefore = fw.slack.calls.length;
      const answers: string[] = [];
      for (const [name, send] of refusals) {
        const r = await send();
        if (r.status !== 401) answers.push(`${name}: ${r.status} ${r.text.slice(0, 80)}`);
      }
      expect.soft(answers, 'refusals that were not 401').toEqual([]);
      // Listeners of actions and events run after the ack: give them time to record anything.
      await sleep(400);
      expect.soft(await rowCounts(fw.db), 'rows written by refused requests').toEqual(before);
      await fw.drained();
      expect
        .soft(
          fw.slack.calls.slice(callsBefore).map((c) => c.method),
          'Slack calls made for refused requests',
        )
        .toEqual([]);

      const ok = await slackPost(url, body, ct);
      expect(ok.status).toBe(200);
      kind.accepted?.(ok);
      if (kind.writes.length) {
        const mid = await rowCounts(fw.db, kind.writes);
        await until(async () => {
          const after = await rowCounts(fw.db, kind.writes);
          return kind.writes.some((t) => after[t]! > (before[t] ?? 0) || after[t]! > mid[t]!);
        }, `the signed ${kind.name} to be recorded`);
      }
    });
  }
});

describe('webhook and API tokens', () => {
  const CREATING = ['incidents', 'alerts', 'alert_groups', 'timeline_events', 'outbox'];
  const variants = (token: string) =>
    [
      ['the last character changed', `${token.slice(0, -1)}${token.endsWith('9') ? '8' : '9'}`],
      ['the first character changed', `${token.startsWith('p') ? 'q' : 'p'}${token.slice(1)}`],
      ['a prefix', token.slice(0, -1)],
      ['one character more', `${token}0`],
      ['the token twice', `${token}${token}`],
      ['another case', token.toUpperCase()],
    ] as const;
  const alert = (n: number) =>
    JSON.stringify({
      version: '4',
      groupKey: `{}:{alertname="TokenCheck${n}"}`,
      status: 'firing',
      receiver: 'firewatch',
      groupLabels: { alertname: `TokenCheck${n}` },
      commonLabels: { alertname: `TokenCheck${n}` },
      commonAnnotations: { summary: `Token check ${n}` },
      alerts: [
        {
          status: 'firing',
          labels: { alertname: `TokenCheck${n}` },
          annotations: {},
          startsAt: '2026-01-05T10:00:00Z',
          fingerprint: `token-${n}`,
        },
      ],
    });

  it('compares secrets with timingSafeEqual on equal-length buffers, and every token check goes through it', () => {
    const secrets = readFileSync(path.join(SRC, 'http/secrets.ts'), 'utf8');
    expect(secrets).toMatch(/import \{ timingSafeEqual \} from 'node:crypto'/);
    expect(secrets).toMatch(/a\.length === b\.length && timingSafeEqual\(a, b\)/);
    for (const file of ['alerts/routes.ts', 'http/postmortem-route.ts']) {
      const source = readFileSync(path.join(SRC, file), 'utf8');
      expect(source, file).toMatch(/sameSecret\(/);
      expect(source, file).not.toMatch(/(token|routing_key|apiToken)\s*[!=]==|[!=]==\s*(integration\.token|i\.routing_key|apiToken)/);
    }
    expect(sameSecret(PROM_TOKEN, PROM_TOKEN)).toBe(true);
    for (const [, wrong] of variants(PROM_TOKEN)) expect(sameSecret(wrong, PROM_TOKEN)).toBe(false);
    expect(sameSecret('', PROM_TOKEN)).toBe(false);
    expect(sameSecret('é', 'e\u0301')).toBe(false);
  });

  it('refuses Alertmanager webhooks without exactly the integration token with 401, creating nothing', async () => {
    const url = `${fw.app.url}/webhooks/alertmanager/prom`;
    const before = await rowCounts(fw.db, CREATING);
    const headers: Array<[string, Record<string, string>]> = [
      ...variants(PROM_TOKEN).map(([name, token]): [string, Record<string, string>] => [name, { authorization: `Bearer ${token}` }]),
      ['an empty bearer', { authorization: 'Bearer ' }],
      ['a bare "Bearer"', { authorization: 'Bearer' }],
      ['no authorization', {}],
      ['the token without a scheme', { authorization: PROM_TOKEN }],
      ['a Basic scheme', { authorization: `Basic ${Buffer.from(`prom:${PROM_TOKEN}`).toString('base64')}` }],
      ['another integration’s secret', { authorization: `Bearer ${PD_KEY}` }],
      ['the token with a trailing junk word', { authorization: `Bearer ${PROM_TOKEN} extra` }],
    ];
    const wrong: string[] = [];
    for (const [name, h] of headers) {
      const r = await httpRequest(url, { body: alert(1), headers: { 'content-type': 'application/json', ...h } });
      if (r.status !== 401) wrong.push(`${name}: ${r.status}`);
    }
    expect.soft(wrong).toEqual([]);
    expect.soft(await rowCounts(fw.db, CREATING)).toEqual(before);
    const ok = await httpRequest(url, {
      body: alert(2),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PROM_TOKEN}` },
    });
    expect(ok.status).toBe(202);
  });

  it('refuses PagerDuty events without exactly a configured routing key, creating nothing', async () => {
    const event = (key: string, n: number) =>
      JSON.stringify({
        routing_key: key,
        event_action: 'trigger',
        dedup_key: `pd-token-${n}`,
        payload: { summary: `PD token check ${n}`, source: 'db-1', severity: 'error' },
      });
    const before = await rowCounts(fw.db, CREATING);
    const wrong: string[] = [];
    for (const [name, key] of [...variants(PD_KEY), ['the Alertmanager token', PROM_TOKEN]] as const) {
      const r = await httpRequest(`${fw.app.url}/v2/enqueue`, { body: event(key, 1), headers: { 'content-type': 'application/json' } });
      if (r.status !== 404 && r.status !== 400) wrong.push(`${name}: ${r.status}`);
    }
    expect.soft(wrong).toEqual([]);
    expect.soft(await rowCounts(fw.db, CREATING)).toEqual(before);
    const ok = await httpRequest(`${fw.app.url}/v2/enqueue`, { body: event(PD_KEY, 2), headers: { 'content-type': 'application/json' } });
    expect(ok.status).toBe(202);
  });

  it('refuses the postmortem endpoint without exactly the api_token with 401', async () => {
    const url = `${fw.app.url}/incidents/INC-${pub.id}/postmortem.md`;
    const wrong: string[] = [];
    const headers: Array<[string, Record<string, string>]> = [
      ...variants(API_TOKEN).map(([name, token]): [string, Record<string, string>] => [name, { authorization: `Bearer ${token}` }]),
      ['an empty bearer', { authorization: 'Bearer ' }],
      ['no authorization', {}],
      ['the Alertmanager token', { authorization: `Bearer ${PROM_TOKEN}` }],
      ['the token as a query parameter only', {}],
    ];
    for (const [name, h] of headers) {
      const r = await httpRequest(name.includes('query') ? `${url}?token=${API_TOKEN}` : url, { headers: h });
      if (r.status !== 401) wrong.push(`${name}: ${r.status}`);
      else if (r.text.includes('Postmortem')) wrong.push(`${name}: 401 but showed the postmortem`);
    }
    expect(wrong).toEqual([]);
    // With the token it is an admin's view: no postmortem yet for this one.
    expect((await httpRequest(url, { headers: { authorization: `Bearer ${API_TOKEN}` } })).status).toBe(404);
  });
});

describe('private incidents', () => {
  const SECRET_WORD = /quokkaleak/i;
  /** Declared from the form with "Private incident" ticked, updated, resolved and given a postmortem. */
  let p1: { id: number; channel: string; followupId: number };
  /** Declared through the domain with isPrivate, still open. */
  let p2: { id: number; channel: string };
  const mentionsPrivate = (text: string) =>
    text.includes(`INC-${p1.id}`) ||
    text.includes(`INC-${p2.id}`) ||
    SECRET_WORD.test(text) ||
    text.includes(p1.channel) ||
    text.includes(p2.channel);

  beforeAll(async () => {
    // Carol takes the digest by DM; she is in neither private incident.
    expect(await fw.run('subscribe', { user: 'U0CAROL' })).toContain('digest by DM');
    await fw.run(`update Rolling back the release`, { channel: pub.channel });

    // Private incident 1, from the declare form.
    const triggerId = fw.slack.triggerId({ user: 'U0ALICE' });
    const viewsBefore = fw.slack.views.length;
    expect((await slash(fw.app.url, fw.slack, 'declare', { triggerId })).text).toBe('');
    const view = (await fw.slack.waitFor(() => fw.slack.views[viewsBefore])).view;
    const title = 'Quokkaleak credential exposure';
    const submitted = await submitView(fw.app.url, fw.slack, view, {
      title: { value: { type: 'plain_text_input', value: title } },
      severity: { value: { type: 'static_select', selected_option: { value: 'sev3' } } },
      description: { value: { type: 'plain_text_input', value: 'Quokkaleak keys found in a public gist' } },
      lead: { value: { type: 'users_select', selected_user: 'U0ALICE' } },
      private: {
        value: { type: 'checkboxes', selected_options: [{ value: 'private', text: { type: 'plain_text', text: 'Private incident' } }] },
      },
    });
    expect(submitted.text).toBe('');
    const row = await until(
      async () => (await fw.db.select().from(incidents).where(eq(incidents.title, title)))[0],
      'the private incident',
    );
    expect(row.isPrivate).toBe(true);
    await settledOutbox(fw.db, row.id);
    const channel = (await fw.incident(row.id)).channelId!;
    expect(fw.slack.channels.get(channel)?.is_private).toBe(true);
    for (const text of [
      'update Rotating the quokkaleak keys now',
      'note Quokkaleak note for the timeline',
      'status identified Found the quokkaleak source',
      'impact Quokkaleak: three API keys exposed',
      'followup Rotate every quokkaleak key <@U0ALICE>',
      'resolve Quokkaleak keys rotated',
    ]) {
      await fw.run(text, { channel });
      await settledOutbox(fw.db, row.id);
    }
    const responseUrl = fw.slack.responseUrl({ channel, user: 'U0ALICE' });
    await slash(fw.app.url, fw.slack, 'postmortem', { channel, responseUrl });
    await until(
      async () => (await fw.db.select().from(postmortems).where(eq(postmortems.incidentId, row.id)))[0],
      'the postmortem of the private incident',
    );
    await settledOutbox(fw.db, row.id);
    const [followup] = await fw.db.select().from(followups).where(eq(followups.incidentId, row.id));
    p1 = { id: row.id, channel, followupId: followup!.id };

    // Private incident 2, through the domain, still open.
    const incidentId = await fw.declareDirect('Quokkaleak second exposure', { severity: 'sev2', isPrivate: true });
    await settledOutbox(fw.db, incidentId);
    p2 = { id: incidentId, channel: (await fw.incident(incidentId)).channelId! };
    await fw.run('update Quokkaleak keys being revoked', { channel: p2.channel });
    await settledOutbox(fw.db, p2.id);
  });

  it('announces nothing about them, and DMs nobody outside them', async () => {
    const announced = fw.slack.messagesIn(ANNOUNCE).map((m) => fw.slack.textOf(m));
    expect(announced.some((t) => t.includes(`INC-${pub.id}`))).toBe(true);
    expect(announced.filter(mentionsPrivate)).toEqual([]);
    const outside = fw.slack
      .callsOf('chat.postMessage')
      .filter((c) => c.args.channel !== p1.channel && c.args.channel !== p2.channel && c.args.channel !== 'U0ALICE')
      .map((c) => `${String(c.args.channel)}: ${JSON.stringify(c.args.text).slice(0, 120)}`);
    expect(outside.filter(mentionsPrivate)).toEqual([]);
  });

  it('leaves them out of the digest preview, for outsiders and members alike', async () => {
    for (const user of ['U0CAROL', 'U0ALICE']) {
      const preview = await fw.run('digest', { user });
      expect(preview, user).toContain(`INC-${pub.id}`);
      expect(mentionsPrivate(preview), `${user}: ${preview.slice(0, 400)}`).toBe(false);
    }
  });

  it('leaves them out of a scheduled digest, in its channel and in subscribers’ DMs', async () => {
    const dueAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const callsBefore = fw.slack.calls.length;
    expect(await runDigest(fw.db, fw.config, dueAt)).toBe('posted');
    fw.app.services.outbox.wake();
    const posted = () =>
      fw.slack.calls
        .slice(callsBefore)
        .filter((c) => c.method === 'chat.postMessage' && (c.args.channel === DIGEST || c.args.channel === 'U0CAROL') && c.ok);
    await until(() => posted().length >= 2 && posted(), 'the digest in its channel and in Carol’s DM');
    for (const call of posted()) {
      const text = JSON.stringify(call.args);
      expect(text).toContain(`INC-${pub.id}`);
      expect(mentionsPrivate(text), `${String(call.args.channel)}: ${text.slice(0, 400)}`).toBe(false);
    }
    const [run] = await fw.db
      .select()
      .from(jobRuns)
      .where(and(eq(jobRuns.job, 'digest'), eq(jobRuns.dueAt, dueAt)));
    expect(mentionsPrivate(JSON.stringify(run?.data))).toBe(false);
  });

  it('leaves them out of /incident list for a non-member, and shows the open one to a member', async () => {
    const carol = await fw.run('list', { user: 'U0CAROL' });
    expect(carol).toContain(`INC-${pub.id}`);
    expect(mentionsPrivate(carol), carol.slice(0, 400)).toBe(false);
    expect(await fw.run('list', { user: 'U0ALICE' })).toContain(`INC-${p2.id}`);
  });

  it('answers a non-member’s commands naming them exactly as for an incident that does not exist, and changes nothing', async () => {
    const snapshot = async (id: number) => ({
      incident: await fw.incident(id),
      events: (await fw.db.select().from(timelineEvents).where(eq(timelineEvents.incidentId, id))).length,
      outbox: (await fw.db.select().from(outbox).where(eq(outbox.incidentId, id))).length,
      subscriptions: await fw.db.select().from(subscriptions).where(eq(subscriptions.incidentId, id)),
    });
    const before = { p1: await snapshot(p1.id), p2: await snapshot(p2.id) };
    const callsBefore = fw.slack.calls.length;
    const wrong: string[] = [];
    for (const id of [p1.id, p2.id, 999_999]) {
      for (const text of [
        `status INC-${id} identified`,
        `note INC-${id} x`,
        `subscribe INC-${id}`,
        `unsubscribe INC-${id}`,
        `postmortem INC-${id}`,
        `INC-${id} update Outsider update`,
        `INC-${id} resolve Outsider resolves`,
        `INC-${id} severity sev1`,
        `INC-${id} lead <@U0CAROL>`,
        `INC-${id} followup`,
        `INC-${id} page <@U0CAROL>`,
      ]) {
        const answer = await fw.run(text, { user: 'U0CAROL' });
        if (!answer.includes(`There is no INC-${id} that you can see.`)) wrong.push(`${text} → ${answer.slice(0, 160)}`);
        if (id !== 999_999 && SECRET_WORD.test(answer)) wrong.push(`${text} revealed the title: ${answer.slice(0, 160)}`);
      }
    }
    expect.soft(wrong).toEqual([]);
    await sleep(300);
    expect.soft({ p1: await snapshot(p1.id), p2: await snapshot(p2.id) }).toEqual(before);
    const calls = fw.slack.calls
      .slice(callsBefore)
      .filter((c) => JSON.stringify(c.args).includes('U0CAROL') || mentionsPrivate(JSON.stringify(c.args)));
    expect(calls.map((c) => `${c.method} ${JSON.stringify(c.args).slice(0, 120)}`)).toEqual([]);
  });

  it('refuses a non-member’s clicks on their buttons and submissions of their forms the same way', async () => {
    const before = { p1: await fw.incident(p1.id), p2: await fw.incident(p2.id) };
    const subsBefore = await fw.db.select().from(subscriptions).where(eq(subscriptions.userId, 'U0CAROL'));
    const viewsBefore = fw.slack.views.length;
    const clicks: Array<{ actionId: string; value: string; expect: string }> = [
      ...['incident_post_update', 'incident_change_status', 'incident_subscribe', 'incident_resolve'].map((actionId) => ({
        actionId,
        value: `${p2.id}:investigating`,
        expect: `There is no INC-${p2.id} that you can see.`,
      })),
      { actionId: 'incident_post_update', value: `${p1.id}:resolved`, expect: `There is no INC-${p1.id} that you can see.` },
      { actionId: 'postmortem_write', value: String(p1.id), expect: `There is no INC-${p1.id} that you can see.` },
      { actionId: 'reminder_snooze', value: String(p2.id), expect: `There is no INC-${p2.id} that you can see.` },
      { actionId: 'reminder_stop', value: String(p2.id), expect: `There is no INC-${p2.id} that you can see.` },
      { actionId: 'followup_done', value: String(p1.followupId), expect: 'That follow-up no longer exists.' },
    ];
    const wrong: string[] = [];
    for (const click of clicks) {
      const payload = blockActionsPayload(fw.slack, { actionId: click.actionId, value: click.value, user: 'U0CAROL', channel: GENERAL });
      const r = await slackPost(fw.app.url, interactionBody(payload), FORM);
      expect(r.status).toBe(200);
      const id = String(payload.response_url).split('/').at(-1);
      const answer = await until(() => fw.slack.responses.find((p) => p.id === id), `the answer to ${click.actionId}`).catch(
        () => undefined,
      );
      const text = JSON.stringify(answer?.body ?? null);
      if (!text.includes(click.expect)) wrong.push(`${click.actionId} ${click.value} → ${text.slice(0, 160)}`);
      if (SECRET_WORD.test(text)) wrong.push(`${click.actionId} revealed the title`);
    }
    const forms: Array<{ callbackId: string; id: number; values: Record<string, unknown>; field: string }> = [
      {
        callbackId: 'change_status',
        id: p2.id,
        values: { status: { value: { selected_option: { value: 'resolved' } } }, message: { value: { value: 'Outsider' } } },
        field: 'status',
      },
      { callbackId: 'status_update', id: p2.id, values: { message: { value: { value: 'Outsider update' } } }, field: 'message' },
      { callbackId: 'decline_incident', id: p2.id, values: { message: { value: { value: 'Outsider decline' } } }, field: 'message' },
      { callbackId: 'postmortem_answers', id: p1.id, values: { summary: { value: { value: 'Outsider summary' } } }, field: 'summary' },
    ];
    for (const form of forms) {
      const payload = viewSubmissionPayload(fw.slack, {
        callbackId: form.callbackId,
        values: form.values,
        privateMetadata: JSON.stringify({ incidentId: form.id, from: 'investigating' }),
        user: 'U0CAROL',
      });
      const r = await slackPost(fw.app.url, interactionBody(payload), FORM);
      const errors = (r.json as { errors?: Record<string, string> } | undefined)?.errors;
      if (errors?.[form.field] !== `There is no INC-${form.id} that you can see.`)
        wrong.push(`${form.callbackId} → ${r.status} ${r.text.slice(0, 160)}`);
    }
    expect.soft(wrong).toEqual([]);
    await sleep(300);
    expect
      .soft(fw.slack.views.slice(viewsBefore).filter((v) => v.user === 'U0CAROL' || JSON.stringify(v.view).match(SECRET_WORD)))
      .toEqual([]);
    expect.soft({ p1: await fw.incident(p1.id), p2: await fw.incident(p2.id) }).toEqual(before);
    expect.soft(await fw.db.select().from(subscriptions).where(eq(subscriptions.userId, 'U0CAROL'))).toEqual(subsBefore);
    const [item] = await fw.db.select().from(followups).where(eq(followups.id, p1.followupId));
    expect(item?.doneAt).toBeNull();
  });

  // DESIGN.md: a bearer api_token is a member of nothing, so a private incident's postmortem is a 404 to it.
  it('answers its postmortem over HTTP as missing, with or without the api_token', async () => {
    const url = `${fw.app.url}/incidents/INC-${p1.id}/postmortem.md`;
    const anonymous = await httpRequest(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).not.toMatch(SECRET_WORD);
    const wrong = await httpRequest(url, { headers: { authorization: `Bearer ${API_TOKEN.slice(0, -1)}X` } });
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toMatch(SECRET_WORD);
    const withToken = await httpRequest(url, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    const missing = await httpRequest(`${fw.app.url}/incidents/INC-987654/postmortem.md`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    expect(withToken.status).toBe(404);
    expect(withToken.text).toBe(missing.text);
  });

  it('keeps the words of their titles out of /incident insights for a non-member', async () => {
    const insights = await fw.run('insights 7d', { user: 'U0CAROL' });
    expect(insights).toContain('Recurring words in titles');
    expect(insights).not.toMatch(SECRET_WORD);
  });

  it('lets no error escape a handler along the way', () => {
    const escaped = fw.logs.filter((l) =>
      /unhandled error in a Slack listener|request handler failed|An unhandled error occurred/.test(String(l.msg ?? '')),
    );
    expect(escaped.map((l) => l.msg)).toEqual([]);
  });
});
