// `npm run replay -- --config other.yaml --since 7d`: what the alerts of a period would have done under
// another config, against what the running config does with them (or, with `--against stored`, against
// what was decided at the time). Reads the app's database (DATABASE_URL, else PGlite in DATA_DIR) and
// writes nothing.
import { z } from 'zod';
import { storageEnvSchema } from '../config/env.js';
import { ConfigError, configFileOf, loadConfig } from '../config/load.js';
import { openDatabase } from '../db/client.js';
import type { AgainstHeader } from '../alerts/replay-format.js';
import { formatReplay } from '../alerts/replay-format.js';
import { replayStored, type Against } from '../alerts/replay-read.js';
import { AGAINST_STORED, parseReplayArgs, UsageError } from './args.js';

const envSchema = storageEnvSchema.extend({ FIREWATCH_CONFIG: z.string().optional() });

/** The comparison's other side: the named file, the stored decisions, or the file the server reads as it starts. */
function againstOf(against: string | undefined, running: string | undefined): { config: Against; header: AgainstHeader } {
  if (against === AGAINST_STORED) return { config: 'stored', header: { kind: 'stored' } };
  // Read as main.ts reads it: FIREWATCH_CONFIG, else firewatch.yaml in the working directory, else the defaults.
  const file = against ?? configFileOf(running?.trim() || undefined);
  return { config: loadConfig(file), header: { kind: 'config', name: file ?? 'the defaults (no config file)' } };
}

async function main(): Promise<number> {
  const args = parseReplayArgs(process.argv.slice(2), new Date());
  const env = envSchema.safeParse(process.env);
  if (!env.success) throw new UsageError(env.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('\n'));
  const config = loadConfig(args.config);
  const against = againstOf(args.against, env.data.FIREWATCH_CONFIG);
  const database = await openDatabase({ url: env.data.DATABASE_URL, dataDir: env.data.DATA_DIR, maxConnections: 2 });
  try {
    const diff = await replayStored(database.db, config, against.config, args, args.limit);
    const range = { from: args.from.toISOString(), until: args.until.toISOString() };
    const named = { config: args.config, against: against.header.kind === 'stored' ? AGAINST_STORED : against.header.name };
    console.log(
      args.json ? JSON.stringify({ ...named, ...range, ...diff }, null, 2) : formatReplay(diff, { ...args, against: against.header }),
    );
  } finally {
    await database.close();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // A wrong flag or config is the person's to fix: the message alone, as start-up does.
    console.error(err instanceof UsageError || err instanceof ConfigError ? `replay: ${err.message}` : err);
    process.exit(2);
  },
);
