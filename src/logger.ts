import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export function createLogger(level: string | undefined): Logger {
  return pino({ level: level ?? 'info', base: { app: 'firewatch' } });
}
