import type { FrozenRules } from '../../src/paging/rules.js';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { incidents, pageNotifications, pages } from '../../src/db/schema.js';
import { triggerPage } from '../../src/paging/pages.js';
import type { FrozenPolicy } from '../../src/paging/policy.js';
import { startEmulator } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { until } from '../support/hostile.js';
import { NtfyEmulator } from '../support/ntfy-emulator.js';
import { spawnApp, type AppProcess } from '../support/process.js';
import type { SlackEmulator } from '../support/slack-emulator/index.js';
import { SmtpTestServer } from '../support/smtp-server.js';
import { TwilioEmulator } from '../support/twilio-emulator/index.js';

/** Everyone paged in Slack only, as with no people: in the config. */
const SLACK_ONLY: FrozenRules = { defaults: [{ after: 0, via: ['slack'] }], people: {} };

const PAGES = 200;
/** The page attempts beyond Slack: fewer pages, each reaching its person by push, e-mail and SMS at once. */
const PROVIDER_PAGES = 40;
const EVERY_METHOD: FrozenRules = { defaults: [{ after: 0, via: ['slack', 'push', 'email', 'sms'] }], people: {} };
const PAGED = { user: 'U0PAGED', email: 'paged@example.com', ntfy_topic: 'paged-pager-4k2j', phone: '+4915199990000' };
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
const smtp = new SmtpTestServer();
const ntfy = new NtfyEmulator();
const twilio = new TwilioEmulator();
let own: Database;
const processes: AppProcess[] = [];

// Several processes share one database only on Postgres; PGlite is one process by design.
describe.runIf(process.env.DATABASE_URL)('two Firewatch processes on one Postgres', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    own = db.database;
    emu = await startEmulator();
    await Promise.all([smtp.start(), ntfy.start(), twilio.start()]);
  });

  afterAll(async () => {
    for (const p of processes) await p.kill('SIGKILL');
    await Promise.all([smtp.stop(), ntfy.stop(), twilio.stop()]);
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

  it('sends each push, e-mail and SMS of pages due at once exactly once, whichever process sends it', { timeout: 180_000 }, async () => {
    // The first test's processes know nobody's addresses: stopped, so only these two send.
    for (const p of processes.splice(0)) await p.kill('SIGTERM');
    const policy: FrozenPolicy = { id: 'wake', repeat: 0, levels: [{ delayMs: 60 * 60_000, targets: [{ user: PAGED.user }] }] };
    const first = await own.db.transaction(async (tx) => {
      const ids: number[] = [];
      for (let i = 0; i < PROVIDER_PAGES; i++) {
        const channel = emu.addChannel({ name: `wake-${i}`, members: new Set([emu.botUserId]) });
        const [incident] = await tx
          .insert(incidents)
          .values({
            title: `Wake ${i}`,
            severity: 'sev1',
            status: 'investigating',
            declaredBy: 'U0ALICE',
            channelId: channel.id,
            channelName: channel.name,
          })
          .returning();
        ids.push(incident!.id);
        await triggerPage(tx, { incident: incident!, policy, rules: EVERY_METHOD, actor: 'U0ALICE', message: undefined });
      }
      return ids;
    });
    const config = { escalation_tick: '* * * * * *', people: [PAGED] };
    const env = { SMTP_URL: smtp.url, SMTP_FROM: 'pager@firewatch.test', NTFY_URL: ntfy.url, ...twilio.env() };
    processes.push(...(await Promise.all([spawnApp(emu, db, config, env), spawnApp(emu, db, config, env)])));

    const ofThese = (text: string | undefined) => first.some((id) => text?.includes(`INC-${id} `));
    const counts = () => ({
      push: ntfy.messagesTo(PAGED.ntfy_topic).filter((m) => ofThese(m.title)).length,
      email: smtp.to(PAGED.email).filter((r) => ofThese(r.mail.subject)).length,
      sms: twilio.messagesTo(PAGED.phone).filter((m) => ofThese(m.body)).length,
    });
    await until(() => (Object.values(counts()).every((n) => n >= PROVIDER_PAGES) ? true : undefined), 'every attempt sent', 150_000);
    // Give any duplicate time to show up.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(counts()).toEqual({ push: PROVIDER_PAGES, email: PROVIDER_PAGES, sms: PROVIDER_PAGES });
    for (const id of first) {
      expect(
        ntfy.messagesTo(PAGED.ntfy_topic).filter((m) => m.title?.includes(`INC-${id} `)),
        `INC-${id} push`,
      ).toHaveLength(1);
      expect(
        twilio.messagesTo(PAGED.phone).filter((m) => m.body.includes(`INC-${id} `)),
        `INC-${id} SMS`,
      ).toHaveLength(1);
    }
  });
});
