import { z } from 'zod';

/** Where a missing variable's README section lives, so the start-up error can point there. */
const README_SLACK = 'see README.md, section "Create the Slack app"';

const optionalText = z
  .string()
  .transform((v) => v.trim())
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const envSchema = z
  .object({
    SLACK_BOT_TOKEN: optionalText,
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_APP_TOKEN: optionalText,
    SLACK_API_URL: optionalText.pipe(z.url({ message: 'must be a URL such as https://slack.com/api/' }).optional()),
    DATABASE_URL: optionalText.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
        .optional(),
    ),
    DATA_DIR: optionalText.transform((v) => v ?? '.firewatch'),
    PORT: optionalText
      .pipe(z.string().regex(/^\d+$/, 'must be a port number').optional())
      .transform((v) => (v === undefined ? 3000 : Number(v)))
      .pipe(z.number().max(65535, 'must be a port number up to 65535')),
    FIREWATCH_CONFIG: optionalText,
    LOG_LEVEL: optionalText.pipe(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional()),
  })
  .superRefine((env, ctx) => {
    if (!env.SLACK_BOT_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_BOT_TOKEN'],
        message: `is not set: the bot token (xoxb-…) from your Slack app's "OAuth & Permissions" page (${README_SLACK})`,
      });
    } else if (!env.SLACK_BOT_TOKEN.startsWith('xoxb-')) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_BOT_TOKEN'], message: 'must be a bot token starting with xoxb-' });
    }
    if (env.SLACK_APP_TOKEN !== undefined && !env.SLACK_APP_TOKEN.startsWith('xapp-')) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_APP_TOKEN'],
        message: 'must be an app-level token starting with xapp- (Socket Mode), or unset for HTTP mode',
      });
    }
    if (!env.SLACK_SIGNING_SECRET && env.SLACK_APP_TOKEN === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: `is not set: the signing secret from your Slack app's "Basic Information" page, needed in HTTP mode (${README_SLACK}); or set SLACK_APP_TOKEN to use Socket Mode`,
      });
    }
  });

export type Env = z.output<typeof envSchema>;

export class EnvError extends Error {}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')} ${issue.message}`);
  throw new EnvError(`Firewatch cannot start: environment variables need fixing:\n${lines.join('\n')}`);
}
