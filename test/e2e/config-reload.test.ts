import { renameSync, writeFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { auditLog, coverageChanges } from '../../src/db/schema.js';
import { GENERAL, startEmulator } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { until } from '../support/hostile.js';
import { spawnApp, writeConfigFile, type AppProcess } from '../support/process.js';
import type { SlackEmulator } from '../support/slack-emulator/index.js';
import { ackText, slashCommand } from '../support/slack-requests.js';

const ZONE = 'Europe/Berlin';
const local = (dt: DateTime) => dt.setZone(ZONE).toFormat("yyyy-MM-dd'T'HH:mm");

let db: TestDatabase;
let emu: SlackEmulator;
let admin: string;
const processes: AppProcess[] = [];

/** A config of one weekly schedule, its rotation as given. */
function configWith(rotation: { start: string; users: string[] }, extra: Record<string, unknown> = {}) {
  return {
    admin_channel: admin,
    schedules: [{ id: 'primary', time_zone: ZONE, rotation: { ...rotation, length: '1w' } }],
    ...extra,
  };
}

/** Saves as editors do: a new file written beside the old one, then renamed over it. */
function saveLikeAnEditor(file: string, document: Record<string, unknown>): void {
  writeFileSync(`${file}.swp`, JSON.stringify(document, null, 2));
  renameSync(`${file}.swp`, file);
}

const dmTexts = (user: string) =>
  emu
    .dm(user)
    .messages()
    .map((m) => emu.textOf(m));
const adminTexts = () =>
  emu
    .channel(admin)
    .messages()
    .map((m) => emu.textOf(m));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let reopened: Database | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  // On PGlite the app process owns the database (one process at a time); this one reads it once the app stops.
  if (!db.url) await db.database.close();
  emu = await startEmulator();
  emu.addUser({ id: 'U0DAVE', name: 'dave', real_name: 'Dave Moe' });
  emu.addUser({ id: 'U0ERIN', name: 'erin', real_name: 'Erin Yoe' });
  admin = emu.addChannel({ name: 'firewatch-admin', members: new Set([emu.botUserId]) }).id;
});

afterAll(async () => {
  for (const p of processes) await p.kill('SIGKILL');
  await reopened?.close();
  await emu?.close();
  await db?.destroy();
});

describe('config reload of a running process', () => {
  const before = { start: local(DateTime.now().minus({ days: 2 })), users: ['U0ALICE'] };
  // The new rotation starts in three days: until then nobody is on call, a gap the change opens.
  const after = { start: local(DateTime.now().plus({ days: 3 })), users: ['U0CAROL'] };
  let file: string;
  let app: AppProcess;

  beforeAll(async () => {
    file = writeConfigFile(configWith(before));
    app = await spawnApp(emu, db, {}, { FIREWATCH_CONFIG: file });
    processes.push(app);
  });

  it('takes a changed file into effect, DMs whose shifts moved and posts the gap in admin_channel', { timeout: 60_000 }, async () => {
    const oncall = async () => ackText(await slashCommand(app.url, emu, 'oncall primary', { channel: GENERAL }));
    expect(await oncall()).toContain('now <@U0ALICE>');

    saveLikeAnEditor(file, configWith(after));

    await until(
      async () => (await oncall()).includes('_nobody is on call_') && (await oncall()).includes('<@U0CAROL>'),
      'the new rotation',
      30_000,
    );
    const alice = await until(() => dmTexts('U0ALICE').find((t) => t.includes('Your on-call shifts changed')), 'Alice’s DM', 30_000);
    expect(alice).toContain('the config file changed');
    expect(alice).toContain('no longer on call');
    expect(alice).toContain('<!date^');
    const carol = await until(() => dmTexts('U0CAROL').find((t) => t.includes('Your on-call shifts changed')), 'Carol’s DM', 30_000);
    expect(carol).toContain('now on call');
    const gap = await until(() => adminTexts().find((t) => t.includes('Gaps')), 'the gap note', 30_000);
    expect(gap).toMatch(/\*primary\*: nobody on call <!date\^\d+\^[^>]*> → <!date\^\d+\^[^>]*> \(new\)/);
  });

  it('refuses a bad file on SIGHUP with the start-up message and keeps serving the last good config', { timeout: 60_000 }, async () => {
    writeFileSync(file, JSON.stringify(configWith({ ...after, users: ['not a user'] }), null, 2));
    app.child.kill('SIGHUP');

    const refused = await until(() => adminTexts().find((t) => t.includes('reload was refused')), 'the refusal', 30_000);
    expect(refused).toContain(`${file} is not valid:`);
    expect(refused).toContain('schedules[0].rotation.users[0]');
    const logged = (line: string) => line.includes('"actor":"signal"') && line.includes('config reload refused');
    await until(() => app.output().split('\n').some(logged), 'the signal’s refusal in the log', 10_000);

    const oncall = ackText(await slashCommand(app.url, emu, 'oncall primary', { channel: GENERAL }));
    expect(oncall).toContain('_nobody is on call_');
    expect(oncall).toContain('<@U0CAROL>');
    expect(adminTexts().filter((t) => t.includes('reload was refused'))).toHaveLength(1);
  });

  it('reschedules the timers a good file after the refused one sets: paging drills start running', { timeout: 60_000 }, async () => {
    saveLikeAnEditor(file, configWith(after, { paging_drills: { schedule: '* * * * * *' } }));
    await until(() => adminTexts().find((t) => t.includes('Paging drill: nobody is on call')), 'a drill report', 30_000);
  });

  it('recorded the reloads and the refusals in the audit log, with hashes and keys but no values', { timeout: 30_000 }, async () => {
    let read = db.database;
    if (!db.url) {
      await app.kill('SIGTERM');
      read = reopened = await openDatabase({ url: undefined, dataDir: db.dataDir });
    }
    const rows = await read.db.select().from(auditLog).where(eq(auditLog.subject, file));
    const reloaded = rows.filter((r) => r.action === 'config.reloaded');
    expect(reloaded.map((r) => (r.after as { changed: string[] }).changed)).toEqual([['schedules'], ['paging_drills']]);
    expect(reloaded[0]).toMatchObject({
      actor: 'system',
      before: { hash: expect.stringMatching(/^[0-9a-f]{16}$/) },
      after: { changed: ['schedules'] },
    });
    const refused = rows.filter((r) => r.action === 'config.refused');
    expect(refused.map((r) => r.actor)).toContain('signal');
    expect(refused[0]?.after).toMatchObject({ error: expect.stringContaining('schedules[0].rotation.users[0]') });
    expect(JSON.stringify(rows)).not.toContain('U0CAROL');
  });
});

// Several processes share one database only on Postgres; PGlite is one process by design.
describe.runIf(process.env.DATABASE_URL)('two replicas reloading the same change', () => {
  it('tell each person once and post in admin_channel once', { timeout: 120_000 }, async () => {
    // The first describe's process runs paging drills into admin_channel every second: stopped, so only these two post.
    for (const p of processes.splice(0)) await p.kill('SIGTERM');
    // Each replica has its own copy of the file, as each host or pod would.
    const before = configWith({ start: local(DateTime.now().minus({ days: 1 })), users: ['U0DAVE'] }, { digest: { channel: GENERAL } });
    const after = configWith({ start: local(DateTime.now().plus({ days: 2 })), users: ['U0ERIN'] }, { digest: { channel: GENERAL } });
    const files = [writeConfigFile(before), writeConfigFile(before)];
    const replicas = await Promise.all(files.map((file) => spawnApp(emu, db, {}, { FIREWATCH_CONFIG: file })));
    processes.push(...replicas);
    const coverage = () => adminTexts().filter((t) => t.includes('On-call coverage after'));
    const posts = coverage().length;

    for (const file of files) saveLikeAnEditor(file, after);

    await until(
      () => dmTexts('U0DAVE').length > 0 && dmTexts('U0ERIN').length > 0 && coverage().length > posts,
      'the announcements',
      60_000,
    );
    for (const replica of replicas) await until(() => replica.output().includes('config reloaded'), 'both replicas reloaded', 30_000);
    // Give a duplicate time to show up.
    await sleep(3_000);
    expect(dmTexts('U0DAVE')).toHaveLength(1);
    expect(dmTexts('U0ERIN')).toHaveLength(1);
    expect(coverage().slice(posts)).toHaveLength(1);
    expect(await db.database.db.select().from(coverageChanges).where(eq(coverageChanges.actor, 'system'))).toHaveLength(2);
  });
});
