// `npm run replay -- --config other.yaml --since 7d`: what the alerts of a period would have done under
// another config, against what they did. Reads the app's database (DATABASE_URL, else PGlite in DATA_DIR)
// and writes nothing.
import { storageEnvSchema } from '../config/env.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { openDatabase } from '../db/client.js';
import { formatReplay } from '../alerts/replay-format.js';
import { replayStored } from '../alerts/replay-read.js';
import { parseReplayArgs, UsageError } from './args.js';

async function main(): Promise<number> {
  const args = parseReplayArgs(process.argv.slice(2), new Date());
  const env = storageEnvSchema.safeParse(process.env);
  if (!env.success) throw new UsageError(env.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('\n'));
  const config = loadConfig(args.config);
  const database = await openDatabase({ url: env.data.DATABASE_URL, dataDir: env.data.DATA_DIR, maxConnections: 2 });
  try {
    const diff = await replayStored(database.db, config, args, args.limit);
    const range = { from: args.from.toISOString(), until: args.until.toISOString() };
    console.log(
      args.json
        ? JSON.stringify({ config: args.config, ...range, ...diff }, null, 2)
        : formatReplay(diff, { ...args, config: args.config }),
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
