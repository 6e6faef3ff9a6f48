import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { incidents, outbox } from '../../src/db/schema.js';
import { ANNOUNCE, startEmulator } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { settledOutbox } from '../support/outbox.js';
import { spawnApp, type AppProcess } from '../support/process.js';
import type { SlackEmulator } from '../support/slack-emulator.js';
import { slashCommand } from '../support/slack-requests.js';

/** Kills per run: at least 20 in a real soak (SOAK_KILLS), fewer in CI's modest run. */
const KILLS = Number(process.env.SOAK_KILLS ?? 5);
const CONFIG = { announcements_channel: ANNOUNCE, escalation_tick: '* * * * * *' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let db: TestDatabase;
let emu: SlackEmulator;
const alive: AppProcess[] = [];

beforeAll(async () => {
  if (!process.env.DATABASE_URL) return;
  db = await createTestDatabase();
  await db.database.close();
  emu = await startEmulator();
});

afterAll(async () => {
  for (const p of alive) await p.kill('SIGKILL');
  await emu?.close();
  await db?.destroy();
});

// Postgres only: the test watches the outbox from outside while the app runs, which embedded PGlite (one
// process at a time) does not allow.
describe.runIf(process.env.DATABASE_URL)('a process killed over and over while it works', () => {
  it(`completes every declare and status change exactly once after ${KILLS} SIGKILLs`, { timeout: 150_000 + KILLS * 20_000 }, async () => {
    const acked: Array<{ id: number; status: string }> = [];
    for (let round = 0; round < KILLS; round++) {
      const app = await spawnApp(emu, db, CONFIG);
      alive.push(app);
      // Work in flight when the kill comes: a declare, and a status change of an earlier incident.
      const work = (async () => {
        const declared = await slashCommand(app.url, emu, `declare sev3 Crash loop round ${round}`).catch(() => undefined);
        const id = Number(/INC-(\d+)/.exec(declared?.text ?? '')?.[1]);
        if (Number.isSafeInteger(id)) acked.push({ id, status: 'investigating' });
        const earlier = acked[Math.floor(Math.random() * acked.length)];
        if (earlier && earlier.status === 'investigating') {
          const changed = await slashCommand(app.url, emu, `status INC-${earlier.id} identified Round ${round}`).catch(() => undefined);
          if (changed?.text.includes('is now identified')) earlier.status = 'identified';
        }
      })();
      await sleep(50 + Math.random() * 400);
      await app.kill('SIGKILL');
      await work.catch(() => {});
    }

    const last = await spawnApp(emu, db, CONFIG);
    alive.push(last);
    const check = async () => {
      for (const { id } of acked) {
        const channel = emu.okCallsOf('conversations.create').find((c) => String(c.args.name).startsWith(`inc-${id}-`));
        if (!channel) return false;
        const channelId = (channel.response as { channel?: { id?: string } }).channel?.id ?? '';
        if (!emu.pins.some((p) => p.channel === channelId)) return false;
        if (!emu.messagesIn(ANNOUNCE).some((m) => emu.textOf(m).includes(`<#${channelId}>`))) return false;
      }
      return true;
    };
    await emu.waitFor(check, 60_000);
    // Incidents committed by a killed process without an ack are set up too, once the killed process's
    // leases (15 s) run out: wait until nothing is pending.
    const watcher = await openDatabase({ url: db.url, dataDir: db.dataDir });
    try {
      const started = Date.now();
      while ((await watcher.db.select().from(outbox).where(eq(outbox.status, 'pending'))).length > 0 && Date.now() - started < 90_000) await sleep(500);
    } finally {
      await watcher.close();
    }
    await last.kill('SIGTERM');

    const reopened = await openDatabase({ url: db.url, dataDir: db.dataDir });
    try {
      const rows = await reopened.db.select().from(incidents);
      for (const incident of rows) {
        // Whatever committed, acked or not, is fully set up, once.
        await settledOutbox(reopened.db, incident.id, 5_000).catch(() => undefined);
        const channels = [...emu.channels.values()].filter((c) => c.name.startsWith(`inc-${incident.id}-`));
        expect(channels, `INC-${incident.id} channels`).toHaveLength(1);
        const channelId = channels[0]!.id;
        expect(incident.channelId).toBe(channelId);
        const summaries = emu.messagesIn(channelId).filter((m) => (m.metadata as { event_type?: string } | undefined)?.event_type === 'firewatch_incident_summary');
        expect(summaries, `INC-${incident.id} summaries`).toHaveLength(1);
        const effects = (await reopened.db.select().from(outbox).where(eq(outbox.incidentId, incident.id))).map((r) => [r.kind, r.status, r.attempts, r.lastError]);
        expect(emu.messagesIn(ANNOUNCE).filter((m) => !m.thread_ts && emu.textOf(m).includes(`<#${channelId}>`)), `INC-${incident.id} announcements; outbox ${JSON.stringify(effects)}; private ${incident.isPrivate}; announce ${incident.announcementChannel}`).toHaveLength(1);
      }
      for (const { id, status } of acked) {
        const [row] = await reopened.db.select().from(incidents).where(eq(incidents.id, id));
        expect(row?.status, `INC-${id}`).toBe(status);
      }
      const stuck = (await reopened.db.select().from(outbox)).filter((r) => r.status !== 'done');
      expect(stuck.map((r) => [r.incidentId, r.kind, r.status, r.lastError])).toEqual([]);
      expect(acked.length).toBeGreaterThan(0);
    } finally {
      await reopened.close();
    }
  });
});
