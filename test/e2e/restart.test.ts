import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { incidents } from '../../src/db/schema.js';
import { ANNOUNCE, startEmulator } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { settledOutbox } from '../support/outbox.js';
import { spawnApp, type AppProcess } from '../support/process.js';
import type { SlackEmulator } from '../support/slack-emulator/index.js';
import { slashCommand } from '../support/slack-requests.js';

let db: TestDatabase;
let emu: SlackEmulator;
const processes: AppProcess[] = [];
let reopened: Database | undefined;
const CONFIG = { announcements_channel: ANNOUNCE };

beforeAll(async () => {
  db = await createTestDatabase();
  // The app processes own the database from here (PGlite allows one process at a time).
  await db.database.close();
  emu = await startEmulator();
});

afterAll(async () => {
  for (const p of processes) await p.kill('SIGKILL');
  await reopened?.close();
  await emu?.close();
  await db?.destroy();
});

describe('a process that dies between commit and delivery', () => {
  it('completes a delivery it was killed in the middle of, once its lease runs out', { timeout: 90_000 }, async () => {
    emu.fault('conversations.create', { kind: 'hang', ms: 120_000 });
    const first = await spawnApp(emu, db, CONFIG);
    processes.push(first);
    const ack = await slashCommand(first.url, emu, 'declare sev2 Killed mid call');
    const id = Number(/INC-(\d+)/.exec(ack.text)![1]);
    await emu.waitFor(() => emu.callsOf('conversations.create').some((c) => String(c.args.name).includes('killed-mid-call')));
    await first.kill('SIGKILL');
    emu.clearFaults();
    const second = await spawnApp(emu, db, CONFIG);
    processes.push(second);
    const channel = await emu.waitFor(() => emu.channelByName(`inc-${id}-killed-mid-call`), 45_000);
    await emu.waitFor(() => emu.channel(channel.id).pins()[0], 20_000);
    await second.kill('SIGTERM');
    expect(emu.messagesIn(channel.id).filter((m) => emu.textOf(m).includes(`INC-${id}`))).toHaveLength(1);
  });

  it('completes the channel set-up after a restart, exactly once', { timeout: 90_000 }, async () => {
    emu.down = true;
    const first = await spawnApp(emu, db, CONFIG);
    processes.push(first);
    const ack = await slashCommand(first.url, emu, 'declare sev1 Crash between commit and delivery');
    expect(ack.status).toBe(200);
    const id = Number(/INC-(\d+)/.exec(ack.text)![1]);
    // The attempt reached Slack and failed: the row is committed, undelivered and waiting to retry.
    await emu.waitFor(() => emu.callsOf('conversations.create').length > 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await first.kill('SIGKILL')).toBeNull();
    expect(first.child.signalCode).toBe('SIGKILL');

    emu.down = false;
    const second = await spawnApp(emu, db, CONFIG);
    processes.push(second);
    const channel = await emu.waitFor(() => emu.channelByName(`inc-${id}-crash-between-commit-and-delivery`), 40_000);
    await emu.waitFor(() => emu.messagesIn(ANNOUNCE).find((m) => emu.textOf(m).includes(`<#${channel.id}>`)), 20_000);
    await emu.waitFor(() => emu.channel(channel.id).pins()[0], 20_000);
    // The confirmation to the declarer is the last step: wait for it before stopping the process.
    await emu.waitFor(() => emu.responses.find((r) => JSON.stringify(r.body).includes(`<#${channel.id}>`)), 20_000);
    await second.kill('SIGTERM');
    expect(second.child.exitCode).toBe(0);

    reopened = await openDatabase({ url: db.url, dataDir: db.dataDir });
    const rows = await settledOutbox(reopened.db, id);
    expect(rows.every((r) => r.status === 'done')).toBe(true);
    const [incident] = await reopened.db.select().from(incidents).where(eq(incidents.id, id));
    expect(incident?.channelId).toBe(channel.id);
    expect([...emu.channels.values()].filter((c) => c.name.startsWith(`inc-${id}-`))).toHaveLength(1);
    expect(emu.messagesIn(channel.id).filter((m) => emu.textOf(m).includes(`INC-${id}`))).toHaveLength(1);
    expect(emu.messagesIn(ANNOUNCE).filter((m) => emu.textOf(m).includes(`INC-${id}`))).toHaveLength(1);
  });
});
