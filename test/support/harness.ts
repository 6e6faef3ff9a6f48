import { asc, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Config } from '../../src/config/load.js';
import type { Db } from '../../src/db/client.js';
import { incidents, outbox, timelineEvents, type OutboxRow } from '../../src/db/schema.js';
import type { Firewatch } from '../../src/firewatch.js';
import { declareIncident, type DeclareRequest } from '../../src/workflow/declare.js';
import { startApp, startEmulator, testConfig } from './app.js';
import { consoleEnv } from './console.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { startLoggedApp, type LogLine } from './hostile.js';
import { settledOutbox } from './outbox.js';
import type { EmuChannel, EmulatorOptions, MessageView, SlackEmulator } from './slack-emulator/index.js';
import { ackText, incidentNumberIn, slashCommand, type SignedResponse, type SlashOptions } from './slack-requests.js';

export interface HarnessOptions {
  /** The config document, over testConfig's announcements channel. */
  config?: Record<string, unknown>;
  /** Over startEmulator's defaults (the manifest's scopes, alice, bob and carol, #incidents and #general). */
  emulator?: EmulatorOptions;
  /** Channels added to the workspace before the app starts, besides #incidents and #general. */
  channels?: Array<Partial<EmuChannel> & { name: string }>;
  /** Keep the app's warn-and-above log lines in `logs`, for tests that look for escaped errors. */
  captureLogs?: boolean;
  /** After each test, Slack is up again with no queued faults, for files that break it on purpose. */
  healSlackAfterEach?: boolean;
  /** Environment variables besides Slack's, read when the app starts (after the file's own beforeAll hooks). */
  env?: () => Record<string, string>;
  /** Configure the console (Sign in with Slack through the emulator, PUBLIC_URL on the app's own port). */
  console?: boolean;
}

export interface DeclareOptions {
  user?: string;
  /** Where the app's replies to the command go; a fresh one from the emulator by default. */
  responseUrl?: string;
}

export interface Declared {
  id: number;
  /** The incident channel's id. */
  channel: string;
  incident: typeof incidents.$inferSelect;
  ack: SignedResponse;
  /** The incident's outbox rows, none of them pending. */
  rows: OutboxRow[];
}

export interface RunOptions extends Omit<SlashOptions, 'channel'> {
  /** The channel the command is typed in: the incident's when `incident` is given, else #general. */
  channel?: string;
  /** Runs in this incident's channel and waits until its outbox has settled. */
  incident?: number;
}

interface Started {
  database: TestDatabase;
  slack: SlackEmulator;
  app: Firewatch;
  logs: LogLine[];
}

/**
 * One test file's Firewatch: its own database, Slack emulator and app, started in beforeAll and stopped in
 * afterAll. The fields are there from the first test on; reading them outside a test throws.
 */
export class Harness {
  readonly config: Config;
  private started: Started | undefined;

  constructor(private readonly options: HarnessOptions) {
    this.config = testConfig(options.config);
  }

  get database(): TestDatabase {
    return this.state().database;
  }
  get db(): Db {
    return this.state().database.database.db;
  }
  get slack(): SlackEmulator {
    return this.state().slack;
  }
  get app(): Firewatch {
    return this.state().app;
  }
  get logs(): LogLine[] {
    if (!this.options.captureLogs) throw new Error('useFirewatch({ captureLogs: true }) keeps the logs');
    return this.state().logs;
  }

  /** Another app on this database and emulator (a second replica, or one with other config), for the caller to stop. */
  startApp(document: Record<string, unknown> = this.options.config ?? {}): Promise<Firewatch> {
    return startApp(this.slack, this.database.database, testConfig(document));
  }

  /** Declares `/incident declare <severity> <title>` and waits until every side effect is delivered. */
  declare(title: string, options: DeclareOptions & { severity?: string } = {}): Promise<Declared> {
    return this.declareCommand(`declare ${options.severity ?? 'sev3'} ${title}`, options);
  }

  /**
   * Declares through the domain call the API and alert sources use, for what a slash command cannot open
   * (a private incident without a modal, a triage incident as an alert opens it), and wakes the outbox.
   * Defaults: sev3, public, declared by and answered to U0ALICE. Returns the incident's number.
   */
  async declareDirect(title: string, request: Partial<Omit<DeclareRequest, 'title'>> = {}): Promise<number> {
    const result = await declareIncident(this.app.services.db, this.app.services.config, {
      severity: 'sev3',
      description: '',
      isPrivate: false,
      declaredBy: 'U0ALICE',
      reply: { userId: 'U0ALICE' },
      ...request,
      title,
    });
    if (!result.ok) throw new Error(`declare refused: ${JSON.stringify(result.errors)}`);
    this.app.services.outbox.wake();
    return result.incident.id;
  }

  /** Sends `/incident <text>` (a declare, written as a person would) and waits until every side effect is delivered. */
  async declareCommand(text: string, options: DeclareOptions = {}): Promise<Declared> {
    const { id, ack } = await this.startDeclare(text, options);
    const rows = await settledOutbox(this.db, id);
    const incident = await this.incident(id);
    if (!incident.channelId) throw new Error(`INC-${id} has no channel`);
    return { id, channel: incident.channelId, incident, ack, rows };
  }

  /** Sends a declare and returns the number its ack names, without waiting for any delivery. */
  async startDeclare(text: string, options: DeclareOptions = {}): Promise<{ id: number; ack: SignedResponse }> {
    const ack = await slashCommand(this.app.url, this.slack, text, options);
    expect(ack.status).toBe(200);
    return { id: incidentNumberIn(ackText(ack)), ack };
  }

  /** Runs `/incident <text>` and answers what the person saw in the ack. */
  async run(text: string, options: RunOptions = {}): Promise<string> {
    const { incident, ...slash } = options;
    const channel = slash.channel ?? (incident === undefined ? undefined : await this.channelOf(incident));
    const r = await slashCommand(this.app.url, this.slack, text, { ...slash, channel });
    expect(r.status).toBe(200);
    if (incident !== undefined) await settledOutbox(this.db, incident);
    return ackText(r);
  }

  async incident(id: number): Promise<typeof incidents.$inferSelect> {
    const [row] = await this.db.select().from(incidents).where(eq(incidents.id, id));
    if (!row) throw new Error(`no incident ${id}`);
    return row;
  }

  /** The incident's timeline, in the order the events were recorded; only `kind` when given. */
  async events(incidentId: number, kind?: string): Promise<Array<typeof timelineEvents.$inferSelect>> {
    const rows = await this.db
      .select()
      .from(timelineEvents)
      .where(eq(timelineEvents.incidentId, incidentId))
      .orderBy(asc(timelineEvents.id));
    return kind ? rows.filter((r) => r.kind === kind) : rows;
  }

  /** Messages in the bot's DM with the user. */
  dmsTo(user: string): MessageView[] {
    return this.slack.dm(user).messages();
  }

  /** Waits until the incident's outbox has no pending row, or with no incident, until no row at all is pending. */
  async drained(incidentId?: number, timeoutMs = 20_000): Promise<void> {
    if (incidentId !== undefined) {
      await settledOutbox(this.db, incidentId, timeoutMs);
      return;
    }
    const started = Date.now();
    while ((await this.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'pending')).limit(1)).length > 0) {
      if (Date.now() - started > timeoutMs) throw new Error(`the outbox still has pending rows after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async start(): Promise<void> {
    const database = await createTestDatabase();
    let slack: SlackEmulator | undefined;
    try {
      slack = await startEmulator(this.options.emulator);
      for (const c of this.options.channels ?? []) slack.addChannel(c);
      const env = { ...(this.options.console ? await consoleEnv(slack) : {}), ...this.options.env?.() };
      const { app, logs } = this.options.captureLogs
        ? await startLoggedApp(slack, database.database, this.config, env)
        : { app: await startApp(slack, database.database, this.config, env), logs: [] };
      slack.appUrl = app.url;
      this.started = { database, slack, app, logs };
    } catch (err) {
      await slack?.close();
      await database.destroy();
      throw err;
    }
  }

  async stop(): Promise<void> {
    const s = this.started;
    this.started = undefined;
    await s?.app.stop();
    await s?.slack.close();
    await s?.database.destroy();
  }

  private async channelOf(incidentId: number): Promise<string> {
    const { channelId } = await this.incident(incidentId);
    if (!channelId) throw new Error(`INC-${incidentId} has no channel`);
    return channelId;
  }

  private state(): Started {
    if (!this.started) throw new Error('the harness runs between beforeAll and afterAll: use it inside tests and hooks');
    return this.started;
  }
}

/** Registers the hooks that start and stop the file's Firewatch, and returns its harness. */
export function useFirewatch(options: HarnessOptions = {}): Harness {
  const h = new Harness(options);
  beforeAll(() => h.start());
  afterAll(() => h.stop());
  if (options.healSlackAfterEach) {
    afterEach(() => {
      h.slack.down = false;
      h.slack.clearFaults();
    });
  }
  return h;
}
