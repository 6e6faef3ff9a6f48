// `npm run replay -- --config other.yaml --since 7d [--against <file> | --against stored]`: the command line,
// checked with the reason for a refusal.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DURATION_HINT, parseDuration } from '../config/duration.js';

export const USAGE =
  'usage: npm run replay -- --config <file> (--since <duration> | --from <ISO instant> [--until <ISO instant>]) [--against <file> | --against stored] [--limit <n>] [--json]';

/** `--against stored`: the decisions stored at the time, instead of a config's replay. */
export const AGAINST_STORED = 'stored';

export class UsageError extends Error {}

export interface ReplayArgs {
  config: string;
  /** A config file, `stored`, or undefined for the running config (FIREWATCH_CONFIG, else firewatch.yaml). */
  against: string | undefined;
  from: Date;
  until: Date;
  limit: number;
  json: boolean;
}

const instant = (flag: string) =>
  z.iso
    .datetime({ offset: true, message: `${flag} expects an ISO 8601 instant with a zone, such as 2026-01-05T22:00:00Z` })
    .transform((t) => new Date(t));

const schema = z
  .strictObject({
    config: z.string({ message: '--config <file> names the config to replay under' }).min(1),
    against: z.string().min(1, '--against names a config file, or "stored"').optional(),
    since: z
      .string()
      .transform((text, ctx) => {
        const ms = parseDuration(text);
        if (ms === null) {
          ctx.addIssue({ code: 'custom', message: `--since expects a duration: ${DURATION_HINT}; got "${text}"` });
          return z.NEVER;
        }
        return ms;
      })
      .optional(),
    from: instant('--from').optional(),
    until: instant('--until').optional(),
    limit: z.string().regex(/^\d+$/, '--limit expects a whole number of examples to show of each kind').transform(Number).default(5),
    json: z.boolean().default(false),
  })
  .superRefine((a, ctx) => {
    if ((a.since === undefined) === (a.from === undefined))
      ctx.addIssue({ code: 'custom', message: 'give either --since <duration> or --from <instant>' });
    if (a.since !== undefined && a.until !== undefined) ctx.addIssue({ code: 'custom', message: '--until goes with --from, not --since' });
  });

/** The arguments after `--`, at `now`; throws UsageError saying what is wrong. */
export function parseReplayArgs(argv: readonly string[], now: Date): ReplayArgs {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string' },
        against: { type: 'string' },
        since: { type: 'string' },
        from: { type: 'string' },
        until: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw new UsageError(`${parsed.error.issues.map((i) => i.message).join('\n')}\n${USAGE}`);
  const a = parsed.data;
  const until = a.until ?? now;
  const from = a.from ?? new Date(now.getTime() - a.since!);
  if (from >= until) throw new UsageError(`the period is empty: ${from.toISOString()} is not before ${until.toISOString()}\n${USAGE}`);
  return { config: a.config, against: a.against, from, until, limit: a.limit, json: a.json };
}
