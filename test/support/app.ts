import { parseConfig, type Config } from '../../src/config/load.js';
import { loadEnv } from '../../src/config/env.js';
import { startFirewatch, type Firewatch } from '../../src/firewatch.js';
import { createLogger } from '../../src/logger.js';
import type { Database } from '../../src/db/client.js';
import { SlackEmulator, type EmulatorOptions } from './slack-emulator/index.js';
import { SIGNING_SECRET } from './slack-requests.js';

export { MANIFEST_SCOPES } from './slack-emulator/index.js';

export const ANNOUNCE = 'C0ANNOUNCE';
export const GENERAL = 'C0GENERAL';

export const DEFAULT_USERS = [
  { id: 'U0ALICE', name: 'alice', real_name: 'Alice Doe' },
  { id: 'U0BOB', name: 'bob', real_name: 'Bob Roe' },
  { id: 'U0CAROL', name: 'carol', real_name: 'Carol Poe' },
];

export function testConfig(document: Record<string, unknown> = {}): Config {
  return parseConfig({ announcements_channel: ANNOUNCE, ...document }, 'test config');
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<SlackEmulator> {
  return SlackEmulator.start({
    users: DEFAULT_USERS,
    channels: [
      { id: ANNOUNCE, name: 'incidents' },
      { id: GENERAL, name: 'general' },
    ],
    ...options,
  });
}

/** Firewatch in this process, on a free port, talking to the emulator. */
export async function startApp(
  emu: SlackEmulator,
  database: Database,
  config: Config = testConfig(),
  extraEnv: Record<string, string> = {},
): Promise<Firewatch> {
  const env = loadEnv({
    SLACK_BOT_TOKEN: emu.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: emu.url,
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...extraEnv,
  });
  return startFirewatch({ env, config, logger: createLogger(env.LOG_LEVEL), database, outboxLeaseMs: 5_000 });
}

/** Three severities, the most severe paging the policy `primary`: the shape of most paging tests' config. */
export const SEVERITIES_PAGING_PRIMARY = [
  { id: 'sev1', label: 'Critical', page: 'primary' },
  { id: 'sev2', label: 'Major' },
  { id: 'sev3', label: 'Minor' },
];
