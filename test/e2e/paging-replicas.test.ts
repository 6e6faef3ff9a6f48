import type { FrozenRules } from '../../src/paging/rules.js';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { incidents, pageNotifications, pages } from '../../src/db/schema.js';
import { triggerPage } from '../../src/paging/pages.js';
import type { FrozenPolicy } from '../../src/paging/policy.js';
import { startEmulator } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { spawnApp, type AppProcess } from '../support/process.js';
import type { SlackEmulator } from '../support/slack-emulator/index.js';

/** Everyone paged in Slack only, as with no people: in the config. */
const SLACK_ONLY: FrozenRules = { defaults: [{ after: 0, via: ['slack'] }], people: {} };

const PAGES = 200;
const POLICY: FrozenPolicy = {
  id: 'mass',
  repeat: 0,
  levels: [
    { delayMs: 60 * 60_000, targets: [{ user: 'U0LEVELONE' }] },
    { delayMs: 60 * 60_000, targets: [{ user: 'U0LEVELTWO' }] },
  ],
};

let db: TestDatabase;
let emu: SlackEmulator;
let own: Database;
const processes: AppProcess[] = [];

// Several processes share one database only on Postgres; PGlite is one process by design.
describe.runIf(process.env.DATABASE_URL)('two Firewatch processes on one Postgres', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    own = db.database;
    emu = await startEmulator();
  });

  afterAll(async () => {
    for (const p of processes) await p.kill('SIGKILL');
    await emu?.close();
    await db?.destroy();
  });

  it('sends each notification of 200 pages due at once exactly once', { timeout: 180_000 }, async () => {
    // Pages start with both processes down, so every first-level DM waits in the outbox too.
    for (let i = 0; i < PAGES; i++) {
      const channel = emu.addChannel({ name: `mass-${i}`, members: new Set([emu.botUserId]) });
      await own.db.transaction(async (tx) => {
        const [incident] = await tx
          .insert(incidents)
          .values({
            title: `Mass incident ${i}`,
            severity: 'sev1',
            status: 'investigating',
            declaredBy: 'U0ALICE',
            leadId: 'U0ALICE',
            channelId: channel.id,
            channelName: channel.name,
          })
          .returning();
        await triggerPage(tx, { incident: incident!, policy: POLICY, rules: SLACK_ONLY, actor: 'U0ALICE', message: undefined });
      });
    }
    await own.db.update(pages).set({ nextEscalationAt: sql`now()` });

    const config = { escalation_tick: '* * * * * *' };
    processes.push(...(await Promise.all([spawnApp(emu, db, config), spawnApp(emu, db, config)])));

    const dmsTo = (user: string) => emu.dm(user).messages();
    await emu.waitFor(() => dmsTo('U0LEVELONE').length >= PAGES && dmsTo('U0LEVELTWO').length >= PAGES, 150_000);
    // Give any duplicate time to show up.
    await new Promise((r) => setTimeout(r, 3_000));

    expect(dmsTo('U0LEVELONE')).toHaveLength(PAGES);
    expect(dmsTo('U0LEVELTWO')).toHaveLength(PAGES);
    const perPage = (user: string) => new Set(dmsTo(user).map((m) => /INC-(\d+)/.exec(emu.textOf(m))?.[1])).size;
    expect(perPage('U0LEVELONE')).toBe(PAGES);
    expect(perPage('U0LEVELTWO')).toBe(PAGES);
    const notifications = await own.db.select().from(pageNotifications);
    expect(notifications).toHaveLength(PAGES * 2);
    const levels = await own.db.select({ level: pages.level }).from(pages).where(eq(pages.state, 'triggered'));
    expect(levels.every((p) => p.level === 1)).toBe(true);
  });
});
