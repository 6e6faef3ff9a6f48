import { App, SocketModeReceiver } from '@slack/bolt';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { incidents } from '../../src/db/schema.js';
import { startFirewatch, type Firewatch } from '../../src/firewatch.js';
import { createLogger } from '../../src/logger.js';
import { boltLogger } from '../../src/slack/bolt-logger.js';
import { ANNOUNCE, GENERAL, startEmulator, testConfig } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { settledOutbox } from '../support/outbox.js';
import type { SlackEmulator } from '../support/slack-emulator/index.js';
import { buttonClickPayload, incidentNumberIn, postSigned, TEAM_ID, viewSubmissionPayload } from '../support/slack-requests.js';

/** How long Firewatch may take to start and open its Socket Mode connection before the suite gives up. */
const STARTUP_DEADLINE_MS = 15_000;

interface SlashOptions {
  user?: string;
  channel?: string;
  triggerId?: string;
  responseUrl?: string;
}

/** The fields Slack sends for a slash command (over HTTP they are form fields; over Socket Mode, the envelope's payload). */
function slashPayload(emu: SlackEmulator, text: string, options: SlashOptions = {}): Record<string, string> {
  const user = options.user ?? 'U0ALICE';
  const channel = options.channel ?? GENERAL;
  return {
    token: 'deprecated-verification-token',
    team_id: TEAM_ID,
    team_domain: 'acme',
    channel_id: channel,
    channel_name: 'general',
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/incident',
    text,
    api_app_id: emu.appId,
    is_enterprise_install: 'false',
    response_url: options.responseUrl ?? emu.responseUrl({ channel, user }),
    trigger_id: options.triggerId ?? emu.triggerId({ user }),
  };
}

async function within<T>(work: Promise<T>, ms: number, why: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(why())), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe('Firewatch in Socket Mode (SLACK_APP_TOKEN set)', () => {
  let db: TestDatabase;
  let emu: SlackEmulator;
  let app: Firewatch | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    emu = await startEmulator();
    // No signing secret: Socket Mode needs none.
    const env = loadEnv({
      SLACK_BOT_TOKEN: emu.botToken,
      SLACK_APP_TOKEN: emu.appToken,
      SLACK_API_URL: emu.url,
      PORT: '0',
      LOG_LEVEL: 'silent',
    });
    app = await within(
      startFirewatch({ env, config: testConfig(), logger: createLogger('silent'), database: db.database }),
      STARTUP_DEADLINE_MS,
      () => {
        const opens = emu.callsOf('apps.connections.open');
        const recent = emu.calls
          .slice(-10)
          .map((c) => `${c.method}:${c.ok ? 'ok' : (c.error ?? c.status)}`)
          .join(', ');
        return (
          `startFirewatch did not finish within ${STARTUP_DEADLINE_MS} ms in Socket Mode: the emulator at SLACK_API_URL saw ` +
          `${opens.length} apps.connections.open call(s) and ${emu.socketConnections()} WebSocket connection(s); recent calls: ${recent || 'none'}`
        );
      },
    );
    await emu.waitForSocket(5_000);
  }, STARTUP_DEADLINE_MS + 30_000);

  afterAll(async () => {
    await app?.stop();
    await emu?.close();
    await db?.destroy();
  });

  it('connects over Socket Mode with the app token and serves /healthz over HTTP', async () => {
    expect(emu.socketConnections()).toBe(1);
    const opens = emu.callsOf('apps.connections.open');
    // The emulator answers apps.connections.open only to its app-level token.
    expect(opens.length).toBeGreaterThanOrEqual(1);
    expect(opens.every((c) => c.ok)).toBe(true);

    const res = await fetch(`${app!.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  it('declares an incident from /incident declare sent as a slash_commands envelope: acks with INC-<n>, then creates, pins and announces', async () => {
    const ack = await emu.sendSocketEnvelope('slash_commands', slashPayload(emu, 'declare sev2 Socket mode outage'));
    expect(ack.ackMs).toBeLessThan(3_000);
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    const text = (ack.payload as { text?: unknown } | undefined)?.text;
    expect(text).toEqual(expect.stringMatching(/INC-\d+/));
    const id = incidentNumberIn(String(text));

    const channel = await emu.waitFor(() => emu.channelByName(`inc-${id}-socket-mode-outage`));
    await emu.waitFor(() => channel.members.has('U0ALICE')); // invited after the channel is created
    const summary = await emu.waitFor(() => emu.messagesIn(channel.id).find((m) => emu.textOf(m).includes(`INC-${id}`)));
    expect(emu.textOf(summary)).toContain('Socket mode outage');
    await emu.waitFor(() =>
      emu
        .channel(channel.id)
        .pins()
        .find((m) => m.ts === summary.ts),
    );
    const announcement = await emu.waitFor(() => emu.messagesIn(ANNOUNCE).find((m) => emu.textOf(m).includes(`INC-${id}`)));
    expect(emu.textOf(announcement)).toContain(`<#${channel.id}>`);
  });

  it('opens the declare modal for /incident declare without a title over Socket Mode (views.open with that trigger_id)', async () => {
    const triggerId = emu.triggerId({ user: 'U0ALICE' });
    const ack = await emu.sendSocketEnvelope('slash_commands', slashPayload(emu, 'declare', { triggerId }));
    expect(ack.ackMs).toBeLessThan(3_000);
    const call = await emu.waitFor(() => emu.callsOf('views.open').find((c) => c.args.trigger_id === triggerId));
    expect(call.ok).toBe(true);
    expect(call.args.view).toMatchObject({ type: 'modal' });
  });

  /** Declares over Socket Mode and waits until the incident's channel, summary and announcement are done. */
  async function declareOverSocket(title: string): Promise<{ id: number; channel: string }> {
    const ack = await emu.sendSocketEnvelope('slash_commands', slashPayload(emu, `declare sev3 ${title}`));
    const id = incidentNumberIn(String((ack.payload as { text?: unknown } | undefined)?.text));
    await settledOutbox(app!.services.db, id);
    const [row] = await app!.services.db.select().from(incidents).where(eq(incidents.id, id));
    return { id, channel: row!.channelId! };
  }

  /** Holds the incident's row locked for 3.5 s, as a database slow to commit would: an answer then misses Slack's 3 s. */
  async function holdIncident(id: number): Promise<{ released: Promise<void> }> {
    let locked = () => {};
    const taken = new Promise<void>((resolve) => (locked = resolve));
    const released = app!.services.db.transaction(async (tx) => {
      await tx.select().from(incidents).where(eq(incidents.id, id)).for('update');
      locked();
      await new Promise((r) => setTimeout(r, 3_500));
    });
    await Promise.race([taken, released]);
    return { released };
  }

  it(
    "sends a command's answer that missed Slack's 3 s to its response_url, though over Socket Mode a late ack does not fail",
    { timeout: 20_000 },
    async () => {
      const { id, channel } = await declareOverSocket('Late command answer over Socket Mode');
      const held = await holdIncident(id);
      const responseUrl = emu.responseUrl({ channel, user: 'U0ALICE' });
      const ack = await emu.sendSocketEnvelope('slash_commands', slashPayload(emu, 'status monitoring', { channel, responseUrl }));
      await held.released;
      expect(ack.timedOut).toBe(true);
      const late = await emu.waitFor(() => emu.responses.find((p) => responseUrl.endsWith(`/${p.id}`)));
      expect(late.body.text).toContain(`INC-${id} is now monitoring.`);
    },
  );

  it("DMs a form's answer that missed Slack's 3 s to its submitter over Socket Mode", { timeout: 20_000 }, async () => {
    const { id, channel } = await declareOverSocket('Late form answer over Socket Mode');
    const summary = emu
      .messagesIn(channel)
      .find((m) => (m.metadata as { event_type?: string } | undefined)?.event_type === 'firewatch_incident_summary');
    const click = await emu.sendSocketEnvelope('interactive', buttonClickPayload(emu, summary!, 'incident_change_status'));
    expect(click.timedOut).toBe(false);
    const { view } = await emu.waitFor(() =>
      emu.views.find((v) => v.view.callback_id === 'change_status' && String(v.view.private_metadata).includes(`"incidentId":${id}`)),
    );
    const held = await holdIncident(id);
    const values = {
      status: {
        value: { type: 'static_select', selected_option: { value: 'identified', text: { type: 'plain_text', text: 'identified' } } },
      },
      message: { value: { type: 'plain_text_input', value: null } },
    };
    const ack = await emu.sendSocketEnvelope('interactive', viewSubmissionPayload(emu, view, values));
    await held.released;
    expect(ack.timedOut).toBe(true);
    const dm = await emu.waitFor(() =>
      emu
        .dm('U0ALICE')
        .messages()
        .find((m) => emu.textOf(m).includes(`INC-${id} is now identified.`)),
    );
    expect(emu.textOf(dm)).toContain('close it, this was recorded');
  });

  it('does not serve POST /slack/events in Socket Mode (404): there is no signing secret to verify it with', async () => {
    const body = new URLSearchParams(slashPayload(emu, 'declare sev1 Should not be declared')).toString();
    const before = emu.callsOf('conversations.create').length;
    const res = await postSigned(app!.url, body, 'application/x-www-form-urlencoded');
    expect(res.status).toBe(404);
    expect(emu.callsOf('conversations.create')).toHaveLength(before);
  });
});

// A control for the suite above: Bolt's own SocketModeReceiver, pointed at the emulator, against the emulator's
// Socket Mode endpoint. When this passes and the Firewatch suite fails, the fault is in Firewatch, not the emulator.
describe("the emulator's Socket Mode endpoint", () => {
  let emu: SlackEmulator;
  let bolt: App | undefined;
  const logger = boltLogger(createLogger('silent'));

  beforeAll(async () => {
    emu = await startEmulator();
  });

  afterAll(async () => {
    await bolt?.stop();
    await emu?.close();
  });

  it('answers apps.connections.open only to the app-level token, and refuses the app token elsewhere', async () => {
    const call = async (method: string, token: string) => {
      const res = await fetch(`${emu.url}${method}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      return (await res.json()) as { ok: boolean; error?: string; url?: string };
    };
    expect(await call('apps.connections.open', emu.botToken)).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await call('apps.connections.open', emu.appToken)).toMatchObject({
      ok: true,
      url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/socket\?ticket=[\w-]+$/),
    });
    expect(await call('auth.test', emu.appToken)).toEqual({ ok: false, error: 'not_allowed_token_type' });
  });

  it('carries a slash command to a Bolt SocketModeReceiver given the emulator URL, and returns its ack', async () => {
    const receiver = new SocketModeReceiver({
      appToken: emu.appToken,
      logger,
      installerOptions: { clientOptions: { slackApiUrl: emu.url } },
    });
    bolt = new App({ receiver, logger, authorize: async () => ({ botToken: emu.botToken }) });
    bolt.command('/incident', async ({ ack, command }) => {
      await ack({ response_type: 'ephemeral', text: `got ${command.text}` });
    });
    await within(bolt.start(), 10_000, () => 'Bolt did not connect to the emulator over Socket Mode');
    await emu.waitForSocket(5_000);
    expect(emu.socketConnections()).toBe(1);

    const ack = await emu.sendSocketEnvelope('slash_commands', slashPayload(emu, 'status'));
    expect(ack).toMatchObject({ payload: { response_type: 'ephemeral', text: 'got status' } });
    expect(ack.envelope_id).toMatch(/^[0-9a-f-]{36}$/);

    await bolt.stop();
    bolt = undefined;
    await expect.poll(() => emu.socketConnections()).toBe(0);
  });

  it(
    "stops waiting for an ack after Slack's 3 s: the envelope times out, and the ack that comes later is dropped",
    { timeout: 15_000 },
    async () => {
      const receiver = new SocketModeReceiver({
        appToken: emu.appToken,
        logger,
        installerOptions: { clientOptions: { slackApiUrl: emu.url } },
      });
      bolt = new App({ receiver, logger, authorize: async () => ({ botToken: emu.botToken }) });
      bolt.command('/incident', async ({ ack }) => {
        await new Promise((r) => setTimeout(r, 3_300));
        await ack({ response_type: 'ephemeral', text: 'too late' });
      });
      await within(bolt.start(), 10_000, () => 'Bolt did not connect to the emulator over Socket Mode');
      await emu.waitForSocket(5_000);

      const ack = await emu.sendSocketEnvelope('slash_commands', slashPayload(emu, 'status'));
      expect(ack).toMatchObject({ timedOut: true, ackMs: 3_000 });
      expect(ack.payload).toBeUndefined();
      await expect
        .poll(() => emu.lateSocketAcks.find((a) => a.envelope_id === ack.envelope_id))
        .toMatchObject({ payload: { text: 'too late' } });

      await bolt.stop();
      bolt = undefined;
    },
  );
});
