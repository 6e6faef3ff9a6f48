/**
 * Hostile input: fast-check properties and fixed nasty cases over slash commands, interactivity (buttons and
 * forms), Events API deliveries and the alert webhooks. Whatever arrives, Firewatch answers 400 or a clear
 * ephemeral error (never a 5xx, never a hang), records nothing for garbage, lets no error escape a handler,
 * and never lets Slack markup from user text ping anyone.
 */
import http from 'node:http';
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { incidents } from '../../src/db/schema.js';
import { SUBCOMMANDS as REGISTERED } from '../../src/slack/commands/registry.js';
import { ANNOUNCE, GENERAL } from '../support/app.js';
import { useFirewatch } from '../support/harness.js';
import {
  ackText,
  big,
  blockActionsPayload,
  withinBodyLimit,
  CONTROL_CHARS,
  escapedErrors,
  eventBody,
  FORM,
  hostileText,
  hostileValue,
  httpRequest,
  interactionBody,
  JSON_TYPE,
  mrkdwnTexts,
  nodeRequest,
  PINGS,
  postedMessages,
  type PostedMessage,
  rawPings,
  rowCounts,
  slackPost,
  slash,
  slashBody,
  sleep,
  until,
  viewSubmissionPayload,
} from '../support/hostile.js';
import { settledOutbox } from '../support/outbox.js';
import { submitView, type SignedResponse } from '../support/slack-requests.js';

const PROM_TOKEN = 'prom-token-0123456789';
const PD_KEY = 'R0UTINGKEY0123456789abcdef012345';
const CONFIG = {
  integrations: [
    { id: 'prom', type: 'alertmanager', token: PROM_TOKEN },
    { id: 'pd', type: 'pagerduty', routing_key: PD_KEY },
  ],
};
/** Runs per property: enough to find the usual suspects, few enough to keep the file under a minute. */
const RUNS = 40;
const DATABASE_TROUBLE = /database is not answering/;

const fw = useFirewatch({ config: CONFIG, captureLogs: true });
/** The incident whose channel the "in an incident channel" cases run in. */
let target: { id: number; channel: string };

beforeAll(async () => {
  target = await fw.declareCommand('declare sev3 Fuzz target');
});

/** A slash-command answer is 200 with an ephemeral text, or an empty ack (a form was opened). */
function expectSlashAnswer(r: SignedResponse, input: string): void {
  const what = `/incident ${JSON.stringify(input.slice(0, 120))}${input.length > 120 ? '…' : ''}`;
  expect(r.status, `${what} answered ${r.status}: ${r.text.slice(0, 200)}`).toBe(200);
  if (r.text === '') return;
  const json = r.json as { response_type?: string; text?: unknown } | undefined;
  expect(json, `${what} answered a body that is not JSON: ${r.text.slice(0, 200)}`).toBeDefined();
  expect(json?.response_type, what).toBe('ephemeral');
  expect(typeof json?.text === 'string' && json.text.length > 0, `${what} answered without a text`).toBe(true);
  // The database is fine: telling the person it is not answering hides what was wrong with the input.
  expect(String(json?.text), what).not.toMatch(DATABASE_TROUBLE);
}

/** Runs `fn` over `items`, `width` at a time. */
async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        await fn(item);
      }
    }),
  );
}

/** Every subcommand the registry knows (a new one is covered without being listed here), the ones of two and three words, and one that does not exist. */
const SUBCOMMANDS = [
  ...REGISTERED.map((s) => s.name),
  'oncall test',
  'oncall override',
  'oncall cover',
  'oncall calendar',
  'oncall calendar reset',
  'oncall report',
  'frobnicate',
];

describe('slash commands with hostile text', () => {
  const MATRIX = [
    CONTROL_CHARS.join(''),
    PINGS.join(' '),
    "*bold* _it_ `code` ```block``` > quote <https://evil.example|click> '; DROP TABLE incidents; --",
    big(100_000),
    big(100_000, '<!channel> '),
  ];

  it('answers every subcommand followed by nasty text with 200 and an ephemeral answer, in and out of an incident channel', async () => {
    const mark = fw.logs.length;
    const cases: Array<{ text: string; channel: string }> = [];
    for (const name of SUBCOMMANDS) {
      for (const nasty of MATRIX) {
        cases.push({ text: `${name} ${nasty}`, channel: target.channel });
        cases.push({ text: `${name} ${nasty}`, channel: GENERAL });
        cases.push({ text: `${name} INC-${target.id} ${nasty}`, channel: GENERAL });
      }
    }
    const failures: string[] = [];
    await inParallel(cases, 4, async ({ text, channel }) => {
      const r = await slash(fw.app.url, fw.slack, text, { channel });
      try {
        expectSlashAnswer(r, text);
      } catch (err) {
        failures.push((err as Error).message.split('\n')[0]!);
      }
    });
    expect.soft(failures).toEqual([]);
    expect(escapedErrors(fw.logs, mark)).toEqual([]);
  });

  it('answers arbitrary text after any subcommand prefix (property)', async () => {
    const mark = fw.logs.length;
    const prefix = fc.oneof(fc.constantFrom(...SUBCOMMANDS), fc.string({ maxLength: 12 }), fc.constant(''));
    const where = fc.constantFrom('incident', 'elsewhere', 'elsewhere-with-ref');
    await fc.assert(
      fc.asyncProperty(where, prefix, hostileText, async (place, name, text) => {
        const channel = place === 'incident' ? target.channel : GENERAL;
        const full = place === 'elsewhere-with-ref' ? `${name} INC-${target.id} ${text}` : `${name} ${text}`;
        expectSlashAnswer(await slash(fw.app.url, fw.slack, full, { channel, user: 'U0ALICE' }), full);
      }),
      { numRuns: RUNS * 2 },
    );
    expect(escapedErrors(fw.logs, mark)).toEqual([]);
  });

  it('answers text with a NUL byte with a clear error, not "the database is not answering"', async () => {
    // Postgres cannot store U+0000 in text or jsonb: unless it is refused (or stripped) first, the insert fails.
    const answers: string[] = [];
    for (const [text, channel] of [
      ['declare sev3 Broken \u0000 title', GENERAL],
      [`note INC-${target.id} a note with a \u0000 in it`, GENERAL],
      ['update status with \u0000', target.channel],
    ] as const) {
      const r = await slash(fw.app.url, fw.slack, text, { channel });
      expect(r.status).toBe(200);
      answers.push(`${JSON.stringify(text)} → ${ackText(r).trim()}`);
    }
    expect(answers.filter((a) => DATABASE_TROUBLE.test(a))).toEqual([]);
  });

  it('answers slash-command bodies with missing or mis-shaped fields with 400 or a 200 ephemeral error, quickly', async () => {
    const mark = fw.logs.length;
    const cases: Array<{ name: string; body: string; contentType?: string }> = [
      { name: 'no user_id', body: slashBody(fw.slack, { user_id: undefined, user_name: 'x' }) },
      { name: 'empty user_id', body: slashBody(fw.slack, { user_id: '' }) },
      { name: 'two user_ids', body: slashBody(fw.slack, { user_id: ['U0ALICE', 'U0BOB'] }) },
      { name: 'no trigger_id', body: slashBody(fw.slack, { trigger_id: undefined }) },
      { name: 'no trigger_id on a form-opening declare', body: slashBody(fw.slack, { trigger_id: undefined, text: 'declare' }) },
      { name: 'command without a slash', body: slashBody(fw.slack, { command: 'incident' }) },
      { name: 'empty command', body: slashBody(fw.slack, { command: '' }) },
      { name: 'no command', body: slashBody(fw.slack, { command: undefined }) },
      { name: 'no text', body: slashBody(fw.slack, { text: undefined }) },
      { name: 'two texts', body: slashBody(fw.slack, { text: ['status', 'identified'] }) },
      { name: 'no channel_id', body: slashBody(fw.slack, { channel_id: undefined }) },
      { name: 'response_url is not a URL', body: slashBody(fw.slack, { response_url: 'not a url' }) },
      { name: 'no response_url', body: slashBody(fw.slack, { response_url: undefined, text: 'list' }) },
      { name: 'team_id twice', body: slashBody(fw.slack, { team_id: ['T0TEST', 'T0OTHER'] }) },
      { name: '100 KB user_id', body: slashBody(fw.slack, { user_id: big(100_000, 'U') }) },
      {
        name: 'control characters in every field',
        body: slashBody(fw.slack, { user_id: 'U0\u0001', channel_id: 'C\u0002', text: 'list', response_url: 'http://x/\u0003' }),
      },
      { name: 'empty body', body: '' },
      { name: 'garbage body', body: '%%%&&&===' },
      {
        name: 'the fields as JSON',
        body: JSON.stringify({ command: '/incident', text: 'help', user_id: 'U0ALICE' }),
        contentType: JSON_TYPE,
      },
      { name: 'form with a charset', body: slashBody(fw.slack), contentType: `${FORM}; charset=utf-8` },
      { name: 'no content type', body: slashBody(fw.slack), contentType: '' },
    ];
    const results = await Promise.all(cases.map(async (c) => ({ c, r: await slackPost(fw.app.url, c.body, c.contentType ?? FORM) })));
    const wrong = results
      .filter(({ r }) => {
        if (r.status === 400) return false;
        if (r.status !== 200) return true;
        const json = r.json as { response_type?: string; text?: string } | undefined;
        return !(r.text === '' || (json?.response_type === 'ephemeral' && !!json.text));
      })
      .map(({ c, r }) => `${c.name}: ${r.status} after ${Math.round(r.ms)} ms ${r.text.slice(0, 80)}`);
    expect.soft(wrong).toEqual([]);
    expect(escapedErrors(fw.logs, mark)).toEqual([]);
  });

  it('still serves /healthz and declares normally after all that', async () => {
    expect((await httpRequest(`${fw.app.url}/healthz`)).status).toBe(200);
    const { id, channel } = await fw.declareCommand('declare sev2 Normal declare after the fuzzing');
    expect(fw.slack.channels.get(channel)?.name).toBe(`inc-${id}-normal-declare-after-the-fuzzing`);
    expect(fw.slack.messagesIn(channel).some((m) => fw.slack.textOf(m).includes(`INC-${id}`))).toBe(true);
  });
});

/** Action ids the listeners register (src/slack/listeners/actions). */
const ACTION_IDS = [
  'incident_post_update',
  'incident_change_status',
  'incident_resolve',
  'incident_accept',
  'incident_decline',
  'incident_subscribe',
  'page_acknowledge',
  'page_escalate',
  'reminder_snooze',
  'reminder_stop',
  'postmortem_write',
  'followup_done',
  'checklist_tick',
] as const;
/** Callback ids the view listeners register (src/slack/listeners/views). */
const CALLBACK_IDS = ['declare_incident', 'status_update', 'change_status', 'decline_incident', 'postmortem_answers'] as const;
const BLOCK_IDS = [
  'title',
  'severity',
  'description',
  'type',
  'lead',
  'private',
  'message',
  'status',
  'next_update',
  'summary',
  'impact',
  'rootCause',
  'trigger',
  'resolution',
  'wentWell',
  'wentWrong',
  'lucky',
  'constructor',
] as const;

describe('interactivity with hostile payloads', () => {
  it('acks a button of every registered action id with 200 whatever its value (400 at most for a value that is not a string) (property)', async () => {
    const mark = fw.logs.length;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ACTION_IDS),
        hostileValue,
        fc.constantFrom('U0ALICE', 'U0CAROL'),
        fc.boolean(),
        async (actionId, value, user, inIncident) => {
          const body = interactionBody(
            blockActionsPayload(fw.slack, { actionId, value, user, channel: inIncident ? target.channel : GENERAL }),
          );
          // Over 1 MiB is a 413 (tested on its own connection below): not what this property is about.
          fc.pre(withinBodyLimit(body));
          const r = await slackPost(fw.app.url, body, FORM);
          const what = `${actionId} with ${JSON.stringify(value)?.slice(0, 100)}: ${r.status} ${r.text.slice(0, 100)}`;
          // Slack's button values are strings: another type is a malformed payload, which may be refused.
          if (typeof value === 'string') expect(r.status, what).toBe(200);
          else expect([200, 400], what).toContain(r.status);
        },
      ),
      {
        numRuns: RUNS * 2,
        examples: ACTION_IDS.map((id) => [id, '1; DROP TABLE incidents; --', 'U0ALICE', true] as [string, unknown, string, boolean]),
      },
    );
    // The listeners answer after the ack (on the response_url): give them a moment to finish.
    await sleep(300);
    expect(escapedErrors(fw.logs, mark)).toEqual([]);
  });

  it('answers a form of every registered callback id with 200 (errors on a field, or an empty ack) or 400 for a malformed one (property)', async () => {
    const mark = fw.logs.length;
    const fieldValue = fc.oneof(
      hostileValue,
      fc.record({ value: fc.oneof(hostileValue, fc.constant(null)) }),
      fc.record({ selected_option: fc.oneof(fc.constant(null), hostileValue, fc.record({ value: hostileValue })) }),
      fc.record({ selected_user: hostileValue }),
      fc.record({
        selected_options: fc.oneof(fc.constant(null), hostileValue, fc.array(fc.record({ value: hostileValue }), { maxLength: 3 })),
      }),
    );
    const block = fc.oneof(
      hostileValue,
      fc.record({ value: fieldValue }),
      fc.dictionary(fc.string({ maxLength: 6 }), fieldValue, { maxKeys: 2 }),
    );
    const values = fc.oneof(
      fc.constantFrom(null, [], 'values', 42, {}),
      fc.anything({ maxDepth: 2 }),
      fc.dictionary(fc.constantFrom(...BLOCK_IDS), block, { maxKeys: 6 }),
      // Well-formed forms whose text is hostile.
      fc.record({
        title: fc.record({ value: fc.record({ type: fc.constant('plain_text_input'), value: hostileText }) }),
        message: fc.record({ value: fc.record({ type: fc.constant('plain_text_input'), value: hostileText }) }),
        description: fc.record({ value: fc.record({ type: fc.constant('plain_text_input'), value: hostileText }) }),
        summary: fc.record({ value: fc.record({ type: fc.constant('plain_text_input'), value: hostileText }) }),
        status: fc.record({
          value: fc.record({
            selected_option: fc.record({ value: fc.oneof(fc.constantFrom('identified', 'resolved', 'declined'), hostileText) }),
          }),
        }),
      }),
    );
    const metadata = fc.oneof(
      hostileValue,
      fc
        .record({ incidentId: fc.oneof(hostileValue, fc.integer(), fc.constant(target.id)), from: hostileValue })
        .map((m) => JSON.stringify(m)),
      fc.record({ responseUrl: hostileText, channelId: hostileValue }).map((m) => JSON.stringify(m)),
      fc.constant(JSON.stringify({ incidentId: target.id })),
      fc.constant(big(100_000, '{')),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CALLBACK_IDS),
        values,
        metadata,
        fc.constantFrom('U0ALICE', 'U0CAROL'),
        async (callbackId, stateValues, privateMetadata, user) => {
          const body = interactionBody(viewSubmissionPayload(fw.slack, { callbackId, values: stateValues, privateMetadata, user }));
          fc.pre(withinBodyLimit(body));
          const r = await slackPost(fw.app.url, body, FORM);
          const what = `${callbackId} with ${JSON.stringify(stateValues)?.slice(0, 160)} / ${JSON.stringify(privateMetadata)?.slice(0, 80)}`;
          expect([200, 400], `${what}: ${r.status} ${r.text.slice(0, 100)}`).toContain(r.status);
          if (r.status === 400 || r.text === '') return;
          const json = r.json as { response_action?: string; errors?: Record<string, unknown> } | undefined;
          expect(json?.response_action, what).toBe('errors');
          const messages = Object.values(json?.errors ?? {});
          expect(messages.length, what).toBeGreaterThan(0);
          for (const m of messages) expect(typeof m, what).toBe('string');
          expect(messages.join(' '), what).not.toMatch(DATABASE_TROUBLE);
        },
      ),
      { numRuns: RUNS * 2 },
    );
    expect(escapedErrors(fw.logs, mark)).toEqual([]);
  });

  it('shows the declare form a field error for a 100 KB title or description and declares nothing', async () => {
    const before = await rowCounts(fw.db, ['incidents']);
    const view = { callback_id: 'declare_incident', private_metadata: '{}' };
    const long = await submitView(fw.app.url, fw.slack, view, { title: { value: { type: 'plain_text_input', value: big(100_000) } } });
    expect(long.json).toEqual({ response_action: 'errors', errors: { title: expect.stringContaining('keep it to 200 or fewer') } });
    const description = await submitView(fw.app.url, fw.slack, view, {
      title: { value: { type: 'plain_text_input', value: 'Fine title' } },
      description: { value: { type: 'plain_text_input', value: big(100_000) } },
    });
    expect(description.json).toEqual({
      response_action: 'errors',
      errors: { description: expect.stringContaining('keep it to 3000 or fewer') },
    });
    expect(await rowCounts(fw.db, ['incidents'])).toEqual(before);
  });

  it('answers interactivity payloads of the wrong shape with 400 or 200 within 5 s, never 5xx, no error escaping', async () => {
    const mark = fw.logs.length;
    const button = (over: Record<string, unknown>) => ({
      ...blockActionsPayload(fw.slack, { actionId: 'incident_resolve', value: 'x' }),
      ...over,
    });
    const form = (over: Record<string, unknown>, view: Record<string, unknown> = {}) => {
      const base = viewSubmissionPayload(fw.slack, {
        callbackId: 'change_status',
        values: {},
        privateMetadata: JSON.stringify({ incidentId: target.id }),
      });
      return { ...base, ...over, view: { ...(base.view as Record<string, unknown>), ...view } };
    };
    const cases: Array<{ name: string; body: string }> = [
      { name: 'payload is not JSON', body: 'payload=%7Bbroken' },
      { name: 'payload is null', body: interactionBody(null) },
      { name: 'payload is an array', body: interactionBody([1, 2]) },
      { name: 'payload type is a number', body: interactionBody({ type: 7 }) },
      { name: 'an unknown payload type', body: interactionBody({ type: 'hello_there', user: { id: 'U0ALICE' } }) },
      { name: 'block_actions without actions', body: interactionBody(button({ actions: undefined })) },
      { name: 'block_actions with actions null', body: interactionBody(button({ actions: null })) },
      { name: 'block_actions with actions a string', body: interactionBody(button({ actions: 'incident_resolve' })) },
      { name: 'block_actions with an empty actions list', body: interactionBody(button({ actions: [] })) },
      { name: 'block_actions with actions [null]', body: interactionBody(button({ actions: [null] })) },
      { name: 'block_actions without user', body: interactionBody(button({ user: undefined })) },
      { name: 'view_submission without view', body: interactionBody(form({ view: undefined })) },
      { name: 'view_submission with view null', body: interactionBody(form({ view: null })) },
      { name: 'view_submission without state', body: interactionBody(form({}, { state: undefined })) },
      { name: 'view_submission with state null', body: interactionBody(form({}, { state: null })) },
      { name: 'view_submission without user', body: interactionBody(form({ user: undefined })) },
      {
        name: 'declare view_submission without state',
        body: interactionBody({ ...form({}, { state: undefined }), view: { callback_id: 'declare_incident', private_metadata: '{}' } }),
      },
    ];
    const results = await Promise.all(cases.map(async (c) => ({ c, r: await slackPost(fw.app.url, c.body, FORM) })));
    const wrong = results
      .filter(({ r }) => r.status !== 200 && r.status !== 400)
      .map(({ c, r }) => `${c.name}: ${r.status} after ${Math.round(r.ms)} ms`);
    expect.soft(wrong).toEqual([]);
    await sleep(300);
    expect(escapedErrors(fw.logs, mark)).toEqual([]);
  });

  it('answers a button whose payload has no response_url (as from a modal) without an error escaping the listener', async () => {
    const mark = fw.logs.length;
    for (const actionId of ['incident_resolve', 'page_acknowledge', 'reminder_snooze', 'followup_done']) {
      const payload: Record<string, unknown> = {
        ...blockActionsPayload(fw.slack, { actionId, value: 'not-a-valid-value' }),
        container: { type: 'view', view_id: 'V0MODAL' },
      };
      delete payload.response_url;
      const r = await slackPost(fw.app.url, interactionBody(payload), FORM);
      expect.soft(r.status, actionId).toBe(200);
    }
    await sleep(300);
    expect(escapedErrors(fw.logs, mark)).toEqual([]);
  });
});

describe('Events API deliveries with hostile events', () => {
  const RECORDING = ['incidents', 'timeline_events', 'incident_members', 'message_pins'];
  const eventType = fc.oneof(
    fc.constantFrom(
      'reaction_added',
      'reaction_removed',
      'pin_added',
      'pin_removed',
      'member_joined_channel',
      'member_left_channel',
      'message',
      'app_mention',
      'channel_rename',
      'made_up_event',
    ),
    hostileText,
  );
  const inner = fc.dictionary(fc.constantFrom('ts', 'text', 'user', 'permalink', 'id'), hostileValue, { maxKeys: 4 });
  const itemFields = fc.dictionary(fc.constantFrom('type', 'channel', 'ts', 'message', 'created', 'file'), fc.oneof(hostileValue, inner), {
    maxKeys: 5,
  });
  const examples: Array<[Record<string, unknown>]> = [
    [{ type: 'reaction_added', user: 'U0BOB', reaction: 'pushpin' }],
    [{ type: 'pin_added', user: 42, channel_id: [], item: { type: 'message', message: 'not an object' } }],
    [
      {
        type: 'pin_added',
        user: 'U0BOB',
        channel_id: 'C0NOTANINCIDENT',
        item: { type: 'message', message: { ts: 5, text: big(100_000) } },
      },
    ],
    [{ type: 'reaction_added', user: 'U0BOB', reaction: 'pushpin', item: { type: 'message', channel: 'C0NOTANINCIDENT', ts: '' } }],
    [{ type: 'reaction_added', user: '', reaction: 'pushpin', item: { type: 'message', channel: 'C0NOTANINCIDENT', ts: '1.2' } }],
    [{ type: 'member_joined_channel', user: '', channel: 'C0NOTANINCIDENT' }],
    [{ type: big(100_000), text: big(100_000, '<!channel>') }],
  ];

  it('answers any event object with 200, or 400 for a malformed one, never 5xx (property)', async () => {
    // Wrong types anywhere: user null, channel a number, item a string, …
    const event = fc.record(
      {
        type: eventType,
        user: hostileValue,
        reaction: fc.oneof(fc.constant('pushpin'), hostileText),
        item: fc.oneof(hostileValue, itemFields),
        item_user: hostileValue,
        channel: hostileValue,
        channel_id: hostileValue,
        subteam: hostileValue,
        text: hostileText,
        event_ts: hostileValue,
      },
      { requiredKeys: ['type'] },
    );
    await fc.assert(
      fc.asyncProperty(event, async (e) => {
        const body = eventBody(e);
        fc.pre(withinBodyLimit(body));
        const r = await slackPost(fw.app.url, body, JSON_TYPE);
        expect([200, 400], `${JSON.stringify(e).slice(0, 200)}: ${r.status} ${r.text.slice(0, 100)}`).toContain(r.status);
      }),
      { numRuns: RUNS * 2, examples },
    );
  });

  it('answers garbage events with 200 or 400, records nothing for them, and lets no error escape a listener (property)', async () => {
    const mark = fw.logs.length;
    const before = await rowCounts(fw.db, RECORDING);
    // Only the shapes Bolt itself can route (objects where it looks for a user, a channel and an item):
    // hostile values everywhere else. The test above covers the rest.
    const event = fc.record(
      {
        type: eventType,
        user: fc.oneof(hostileText, fc.integer(), fc.boolean(), inner),
        reaction: fc.oneof(fc.constant('pushpin'), hostileText),
        item: itemFields,
        item_user: hostileValue,
        channel: fc.oneof(hostileText, fc.constant(GENERAL), inner),
        channel_id: fc.oneof(hostileText, fc.constant(GENERAL)),
        text: hostileText,
        ts: hostileValue,
        event_ts: hostileValue,
      },
      { requiredKeys: ['type'] },
    );
    await fc.assert(
      fc.asyncProperty(event, async (e) => {
        const body = eventBody(e);
        fc.pre(withinBodyLimit(body));
        const r = await slackPost(fw.app.url, body, JSON_TYPE);
        expect([200, 400], `${JSON.stringify(e).slice(0, 200)}: ${r.status} ${r.text.slice(0, 100)}`).toContain(r.status);
      }),
      { numRuns: RUNS * 2, examples },
    );
    await sleep(500);
    expect.soft(await rowCounts(fw.db, RECORDING)).toEqual(before);
    expect(escapedErrors(fw.logs, mark)).toEqual([]);
  });

  it('answers event envelopes of the wrong shape with 400 or 200 within 5 s, never 5xx', async () => {
    const mark = fw.logs.length;
    const before = await rowCounts(fw.db, RECORDING);
    const cases: Array<{ name: string; body: string }> = [
      { name: 'no event', body: eventBody(undefined) },
      { name: 'event null', body: eventBody(null) },
      { name: 'event a string', body: eventBody('reaction_added') },
      { name: 'event a number', body: eventBody(42) },
      { name: 'event an array', body: eventBody([{ type: 'reaction_added' }]) },
      {
        name: 'reaction_added with item a string',
        body: eventBody({ type: 'reaction_added', user: 'U0BOB', reaction: 'pushpin', item: 'message' }),
      },
      {
        name: 'reaction_added with item null',
        body: eventBody({ type: 'reaction_added', user: 'U0BOB', reaction: 'pushpin', item: null }),
      },
      { name: 'pin_added with item a number', body: eventBody({ type: 'pin_added', user: 'U0BOB', channel_id: target.channel, item: 7 }) },
      { name: 'pin_added with channel null', body: eventBody({ type: 'pin_added', user: 'U0BOB', channel: null }) },
      {
        name: 'member_left_channel with item a string',
        body: eventBody({ type: 'member_left_channel', user: 'U0BOB', channel: GENERAL, item: '' }),
      },
      { name: 'member_joined_channel with user null', body: eventBody({ type: 'member_joined_channel', user: null, channel: GENERAL }) },
      {
        name: 'reaction_added with user null',
        body: eventBody({
          type: 'reaction_added',
          user: null,
          reaction: 'pushpin',
          item: { type: 'message', channel: GENERAL, ts: '1.2' },
        }),
      },
      { name: 'an unknown event with channel a number', body: eventBody({ type: 'made_up_event', channel: 7 }) },
      { name: 'app_mention with user null', body: eventBody({ type: 'app_mention', user: null, channel: GENERAL, text: 'hi' }) },
      { name: 'message with subteam null', body: eventBody({ type: 'message', channel: GENERAL, subteam: null }) },
      {
        name: 'event_id missing',
        body: eventBody(
          { type: 'reaction_added', user: 'U0BOB', reaction: 'pushpin', item: { type: 'message', channel: target.channel, ts: '1.2' } },
          { event_id: undefined },
        ),
      },
      { name: 'type unknown', body: JSON.stringify({ type: 'made_up', event: {} }) },
      { name: 'url_verification without challenge', body: JSON.stringify({ type: 'url_verification' }) },
      { name: 'JSON null', body: 'null' },
      { name: 'not JSON', body: '{"type": "event_callback",' },
    ];
    const results = await Promise.all(cases.map(async (c) => ({ c, r: await slackPost(fw.app.url, c.body, JSON_TYPE) })));
    const wrong = results
      .filter(({ r }) => r.status !== 200 && r.status !== 400)
      .map(({ c, r }) => `${c.name}: ${r.status} after ${Math.round(r.ms)} ms`);
    expect.soft(wrong).toEqual([]);
    await sleep(300);
    expect.soft(await rowCounts(fw.db, RECORDING)).toEqual(before);
    expect(escapedErrors(fw.logs, mark)).toEqual([]);
  });
});

describe('alert webhooks with hostile bodies', () => {
  const ALLOWED = [202, 400, 401, 404, 413];
  const CREATING = ['incidents', 'alerts', 'alert_groups', 'timeline_events'];
  const am = (body: string, token = PROM_TOKEN, id = 'prom') =>
    httpRequest(`${fw.app.url}/webhooks/alertmanager/${id}`, {
      body,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });
  const pd = (body: string) => httpRequest(`${fw.app.url}/v2/enqueue`, { body, headers: { 'content-type': 'application/json' } });
  /** Often plain strings, often nasty ones (NUL bytes and lone surrogates included: Postgres cannot store those as they are). */
  const someText = fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 2, arbitrary: hostileText });
  const anyValue = hostileValue;
  /** Usually the right value, sometimes anything. */
  const mostly = <T>(right: fc.Arbitrary<T>, wrong: fc.Arbitrary<unknown>) =>
    fc.oneof({ weight: 4, arbitrary: right }, { weight: 1, arbitrary: wrong });

  it('answers any JSON value with 4xx (or 202), never 5xx, and creates nothing for refused ones (property)', async () => {
    const mark = fw.logs.length;
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom('am', 'pd', 'am-unknown', 'am-wrong-token'), async (value, route) => {
        const body = JSON.stringify(value);
        const before = await rowCounts(fw.db, CREATING);
        const r =
          route === 'am'
            ? await am(body)
            : route === 'pd'
              ? await pd(body)
              : route === 'am-unknown'
                ? await am(body, PROM_TOKEN, 'nope')
                : await am(body, 'prom-token-012345678X');
        expect(ALLOWED, `${route} ${body.slice(0, 200)}: ${r.status} ${r.text.slice(0, 200)}`).toContain(r.status);
        if (route === 'am-unknown') expect(r.status).toBe(404);
        if (route === 'am-wrong-token') expect(r.status).toBe(401);
        if (r.status !== 202) expect(await rowCounts(fw.db, CREATING)).toEqual(before);
      }),
      { numRuns: RUNS * 2 },
    );
    expect(escapedErrors(fw.logs, mark)).toEqual([]);
  });

  it('answers Alertmanager-shaped payloads with hostile fields with 202 or 400, never 5xx (property)', async () => {
    const mark = fw.logs.length;
    const labels = fc.dictionary(fc.oneof(fc.constantFrom('alertname', 'severity', 'instance', 'job'), someText), someText, { maxKeys: 6 });
    const alert = fc.record({
      status: mostly(fc.constantFrom('firing', 'resolved'), someText),
      labels: mostly(labels, anyValue),
      annotations: fc.oneof(fc.record({ summary: someText, description: someText }), fc.constant(null)),
      startsAt: mostly(fc.constant('2026-01-05T10:00:00Z'), someText),
      generatorURL: someText,
      fingerprint: someText,
    });
    const payload = fc.record({
      version: fc.constant('4'),
      groupKey: someText,
      status: mostly(fc.constantFrom('firing', 'resolved'), someText),
      receiver: someText,
      groupLabels: labels,
      commonLabels: labels,
      commonAnnotations: fc.record({ summary: someText }),
      externalURL: someText,
      // An empty batch for an open group has its own test below.
      alerts: fc.array(alert, { minLength: 1, maxLength: 3 }),
      truncatedAlerts: mostly(fc.nat(), fc.integer({ min: -5, max: -1 })),
    });
    await fc.assert(
      fc.asyncProperty(payload, async (p) => {
        const body = JSON.stringify(p);
        fc.pre(withinBodyLimit(body));
        const r = await am(body);
        expect([202, 400], `${body.slice(0, 300)}: ${r.status} ${r.text.slice(0, 200)}`).toContain(r.status);
      }),
      // Shrinking half-megabyte bodies takes minutes: report the first failure as found.
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(escapedErrors(fw.logs, mark)).toEqual([]);
  });

  it('answers PagerDuty-shaped events with hostile fields with 202, 400 or 404, never 5xx (property)', async () => {
    const mark = fw.logs.length;
    const event = fc.record({
      routing_key: mostly(fc.constant(PD_KEY), someText),
      event_action: mostly(fc.constantFrom('trigger', 'acknowledge', 'resolve'), someText),
      dedup_key: mostly(someText, fc.constant(big(300))),
      payload: fc.record({
        summary: mostly(someText, fc.constant(big(2_000))),
        source: someText,
        severity: mostly(fc.constantFrom('critical', 'error', 'warning', 'info'), someText),
        timestamp: mostly(fc.constant('2026-01-05T10:00:00+0000'), someText),
        custom_details: mostly(fc.dictionary(someText, fc.oneof(someText, fc.integer(), fc.constant(null)), { maxKeys: 4 }), anyValue),
      }),
      links: mostly(fc.array(fc.record({ href: someText, text: someText }), { maxLength: 2 }), anyValue),
    });
    await fc.assert(
      fc.asyncProperty(event, async (e) => {
        const body = JSON.stringify(e);
        fc.pre(withinBodyLimit(body));
        const r = await pd(body);
        expect([202, 400, 404], `${body.slice(0, 300)}: ${r.status} ${r.text.slice(0, 200)}`).toContain(r.status);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(escapedErrors(fw.logs, mark)).toEqual([]);
  });

  it('answers bodies that are not JSON, empty, over 1 MiB or deeply nested with 4xx, never 5xx', async () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const deepObject = `{"a":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`;
    // Oversized bodies go over connections of their own: see the keep-alive test below for why.
    const own = (p: string, body: string, headers: Record<string, string> = {}) =>
      nodeRequest(`${fw.app.url}${p}`, {
        body,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${PROM_TOKEN}`, ...headers },
      });
    const cases: Array<[string, () => Promise<SignedResponse>]> = [
      ['am: not JSON', () => am('{"groupKey": ')],
      ['am: empty', () => am('')],
      ['am: 1.1 MiB', () => own('/webhooks/alertmanager/prom', JSON.stringify({ groupKey: big(1_150_000) }))],
      ['am: nested 200,000 deep', () => am(deep)],
      ['am: objects nested 50,000 deep', () => am(deepObject)],
      ['pd: not JSON', () => pd('routing_key=x')],
      [
        'pd: 1.1 MiB',
        () =>
          own(
            '/v2/enqueue',
            JSON.stringify({
              routing_key: PD_KEY,
              event_action: 'trigger',
              payload: { summary: 'x', source: big(1_150_000), severity: 'info' },
            }),
          ),
      ],
      ['pd: nested 200,000 deep', () => pd(deep)],
      ['slack: 1.1 MiB', () => own('/slack/events', slashBody(fw.slack, { text: big(1_150_000) }), { 'content-type': FORM })],
    ];
    const wrong: string[] = [];
    for (const [name, send] of cases) {
      try {
        const r = await send();
        if (r.status < 400 || r.status >= 500) wrong.push(`${name}: ${r.status} ${r.text.slice(0, 120)}`);
      } catch (err) {
        wrong.push(`${name}: ${(err as Error).message}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers a valid event whose details nest deeply with 202 or 400, never 5xx', async () => {
    const details = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const r = await pd(
      `{"routing_key":"${PD_KEY}","event_action":"trigger","dedup_key":"deep-details","payload":{"summary":"Deep details","source":"fuzz","severity":"info","custom_details":{"deep":${details}}}}`,
    );
    expect([202, 400], r.text.slice(0, 200)).toContain(r.status);
  });

  it('answers alerts carrying a NUL byte or a lone surrogate with 400 or 202, never 500', async () => {
    const alert = (text: string, n: number) =>
      JSON.stringify({
        version: '4',
        groupKey: `{}:{alertname="Nul${n}"}`,
        status: 'firing',
        receiver: 'firewatch',
        groupLabels: {},
        commonLabels: { alertname: `Nul${n}` },
        commonAnnotations: { summary: text },
        alerts: [
          {
            status: 'firing',
            labels: { alertname: `Nul${n}`, instance: text },
            annotations: { summary: text },
            startsAt: '2026-01-05T10:00:00Z',
            fingerprint: `nul-${n}`,
          },
        ],
      });
    const answers: string[] = [];
    for (const [n, text] of ['disk \u0000 full', 'disk \ud800 full'].entries()) {
      const r = await am(alert(text, n));
      answers.push(`${JSON.stringify(text)} → ${r.status} ${r.text.slice(0, 120)}`);
    }
    const pdr = await pd(
      JSON.stringify({
        routing_key: PD_KEY,
        event_action: 'trigger',
        dedup_key: 'nul-pd',
        payload: { summary: 'disk \u0000 full', source: 'db-1', severity: 'error' },
      }),
    );
    answers.push(`pd NUL summary → ${pdr.status} ${pdr.text.slice(0, 120)}`);
    expect(answers.filter((a) => / → 5\d\d /.test(a))).toEqual([]);
  });
});

describe('alert webhooks: cases the properties above found, pinned down', () => {
  const amBody = (groupKey: string, alerts: unknown[], status = 'firing') =>
    JSON.stringify({
      version: '4',
      groupKey,
      status,
      receiver: 'firewatch',
      groupLabels: {},
      commonLabels: { alertname: 'EmptyBatch' },
      commonAnnotations: {},
      alerts,
    });
  const am = (body: string) =>
    httpRequest(`${fw.app.url}/webhooks/alertmanager/prom`, {
      body,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PROM_TOKEN}` },
    });

  it('answers an Alertmanager batch without alerts for a group that has an open incident with 202 or 400, not 500', async () => {
    const firing = await am(
      amBody('{}:{alertname="EmptyBatch"}', [
        {
          status: 'firing',
          labels: { alertname: 'EmptyBatch' },
          annotations: {},
          startsAt: '2026-01-05T10:00:00Z',
          fingerprint: 'empty-batch-1',
        },
      ]),
    );
    expect(firing.status).toBe(202);
    const answers: string[] = [];
    for (const status of ['firing', 'resolved']) {
      const r = await am(amBody('{}:{alertname="EmptyBatch"}', [], status));
      answers.push(`${status}, alerts: [] → ${r.status} ${r.text.slice(0, 100)}`);
    }
    expect(answers.filter((a) => / → 5\d\d /.test(a))).toEqual([]);
  });

  it('keeps answering on the same keep-alive connection after refusing an oversized body with 413', async () => {
    const results: string[] = [];
    for (const route of ['/webhooks/alertmanager/prom', '/slack/events']) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const headers = { 'content-type': 'application/json', authorization: `Bearer ${PROM_TOKEN}` };
        const refused = await nodeRequest(`${fw.app.url}${route}`, { agent, headers, body: JSON.stringify({ groupKey: big(1_200_000) }) });
        results.push(`${route} oversized → ${refused.status}`);
        for (let i = 1; i <= 2; i++) {
          const next = await nodeRequest(`${fw.app.url}/healthz`, { agent, method: 'GET', timeoutMs: 2_000 }).then(
            (r) => `${r.status} in ${Math.round(r.ms)} ms`,
            (err: unknown) => (err as Error).message,
          );
          results.push(`${route} then GET /healthz #${i} → ${next}`);
        }
      } finally {
        agent.destroy();
      }
    }
    expect(results).toEqual([
      '/webhooks/alertmanager/prom oversized → 413',
      expect.stringMatching(/#1 → 200 in/),
      expect.stringMatching(/#2 → 200 in/),
      '/slack/events oversized → 413',
      expect.stringMatching(/#1 → 200 in/),
      expect.stringMatching(/#2 → 200 in/),
    ]);
  });
});

describe('Slack markup in user text never pings anyone', () => {
  const PINGY = PINGS.join(' ');

  /** Messages about incident `id`: those in its channel and those naming it anywhere else. */
  function messagesAbout(id: number, channel: string, fromCall: number): PostedMessage[] {
    return postedMessages(fw.slack, fromCall).filter(
      (m) => m.message.channel === channel || JSON.stringify(m.message).includes(`INC-${id}`),
    );
  }
  const escapedSomewhere = (messages: PostedMessage[]) =>
    messages.some((m) => mrkdwnTexts(m.message).some((t) => t.includes('&lt;!channel&gt;')));

  it('escapes markup from a slash-command title and texts in the summary, announcement, channel lines, topic, DMs, list and digest', async () => {
    const from = fw.slack.calls.length;
    const { id, channel } = await fw.declareCommand(`declare sev2 Checkout ${PINGY} down`);
    const run = async (text: string) => {
      const r = await slash(fw.app.url, fw.slack, text, { channel });
      expect(r.status).toBe(200);
      await settledOutbox(fw.db, id);
      return r;
    };
    await run(`update Rolling back ${PINGY}`);
    await run(`status identified Found it ${PINGY}`);
    await run(`impact Customers ${PINGY}`);
    await run(`note Noted ${PINGY}`);
    await run(`role comms <@U0CAROL>`);
    await run(`subscribe`);
    const list = await slash(fw.app.url, fw.slack, 'list', { channel: GENERAL });
    const openDigest = await slash(fw.app.url, fw.slack, 'digest', { channel: GENERAL });
    await run(`resolve Fixed ${PINGY}`);
    const resolvedDigest = await slash(fw.app.url, fw.slack, 'digest', { channel: GENERAL });

    const messages = [
      ...messagesAbout(id, channel, from),
      { where: '/incident list', message: list.json as PostedMessage['message'] },
      { where: '/incident digest (open)', message: openDigest.json as PostedMessage['message'] },
      { where: '/incident digest (resolved)', message: resolvedDigest.json as PostedMessage['message'] },
    ];
    expect(messages.some((m) => m.where.includes(ANNOUNCE))).toBe(true);
    expect(escapedSomewhere(messages)).toBe(true);
    expect(rawPings(messages)).toEqual([]);
  });

  it('escapes markup from the declare form title and description', async () => {
    const from = fw.slack.calls.length;
    const title = `Form ${PINGY} outage`;
    const r = await submitView(
      fw.app.url,
      fw.slack,
      { callback_id: 'declare_incident', private_metadata: '{}' },
      {
        title: { value: { type: 'plain_text_input', value: title } },
        severity: { value: { type: 'static_select', selected_option: { value: 'sev2' } } },
        description: { value: { type: 'plain_text_input', value: `Described ${PINGY}` } },
      },
    );
    expect(r.text).toBe('');
    const row = await until(
      async () => (await fw.db.select().from(incidents).where(eq(incidents.title, title)))[0],
      'the form-declared incident',
    );
    await settledOutbox(fw.db, row.id);
    const channel = (await fw.db.select().from(incidents).where(eq(incidents.id, row.id)))[0]!.channelId!;
    const messages = messagesAbout(row.id, channel, from);
    expect(escapedSomewhere(messages)).toBe(true);
    expect(rawPings(messages)).toEqual([]);
  });

  it('escapes markup arriving in an alert: labels, summary and the source link', async () => {
    const from = fw.slack.calls.length;
    const r = await httpRequest(`${fw.app.url}/webhooks/alertmanager/prom`, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PROM_TOKEN}` },
      body: JSON.stringify({
        version: '4',
        groupKey: '{}:{alertname="Inject"}',
        status: 'firing',
        receiver: 'firewatch',
        groupLabels: { alertname: 'Inject' },
        commonLabels: { alertname: `Inject ${PINGY}` },
        commonAnnotations: { summary: `Disk full ${PINGY}` },
        externalURL: 'http://alertmanager.example',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: `Inject ${PINGY}`, instance: '<!everyone>' },
            annotations: { summary: `Disk full ${PINGY}` },
            startsAt: '2026-01-05T10:00:00Z',
            generatorURL: 'http://prometheus.example/graph?g0=1|graph> <!channel> <http://prometheus.example',
            fingerprint: 'inject-1',
          },
        ],
      }),
    });
    expect(r.status).toBe(202);
    const id = Number(/INC-(\d+)/.exec(r.text)![1]);
    await settledOutbox(fw.db, id);
    const channel = (await fw.db.select().from(incidents).where(eq(incidents.id, id)))[0]!.channelId!;
    const messages = messagesAbout(id, channel, from);
    expect(escapedSomewhere(messages)).toBe(true);
    expect(rawPings(messages)).toEqual([]);
  });
});
