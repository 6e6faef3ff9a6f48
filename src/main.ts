import { EnvError, loadEnv } from './config/env.js';
import { ConfigError, loadConfig } from './config/load.js';
import { startFirewatch, StartupError } from './firewatch.js';
import { createLogger } from './logger.js';

async function main(): Promise<void> {
  let env;
  let config;
  try {
    env = loadEnv();
    config = loadConfig(env.FIREWATCH_CONFIG);
  } catch (err) {
    if (err instanceof EnvError || err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(env.LOG_LEVEL);
  let firewatch;
  try {
    firewatch = await startFirewatch({ env, config, logger, watchConfig: true });
  } catch (err) {
    if (err instanceof StartupError) {
      console.error(`Firewatch cannot start: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing deliveries in flight');
    firewatch
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  // SIGHUP re-reads the config, as daemons do; a file that does not validate is refused and logged.
  process.on('SIGHUP', () => {
    firewatch.reload('signal').catch((err: unknown) => logger.error({ err }, 'config reload failed'));
  });
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('Firewatch failed to start:', err);
  process.exit(1);
});
