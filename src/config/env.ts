import { z } from 'zod';
import { emailAddress, phoneNumber } from './people.js';

/** Where a missing variable's README section lives, so the start-up error can point there. */
const README_SLACK = 'see README.md, section "Create the Slack app"';

const optionalText = z
  .string()
  .transform((v) => v.trim())
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** Where the data lives: what the app and the tools that read its database (replay) agree on. */
const storage = {
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
  ),
  DATA_DIR: optionalText.transform((v) => v ?? '.firewatch'),
};

export const storageEnvSchema = z.object(storage);

export const envSchema = z
  .object({
    SLACK_BOT_TOKEN: optionalText,
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_APP_TOKEN: optionalText,
    SLACK_API_URL: optionalText.pipe(z.url({ message: 'must be a URL such as https://slack.com/api/' }).optional()),
    ...storage,
    PORT: optionalText
      .pipe(z.string().regex(/^\d+$/, 'must be a port number').optional())
      .transform((v) => (v === undefined ? 3000 : Number(v)))
      .pipe(z.number().max(65535, 'must be a port number up to 65535')),
    FIREWATCH_CONFIG: optionalText,
    LOG_LEVEL: optionalText.pipe(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional()),
    FIREWATCH_SECRET: optionalText.pipe(
      z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32), or unset to have one generated').optional(),
    ),
    PUBLIC_URL: optionalText.pipe(z.url({ protocol: /^https?$/, message: 'must be the http(s) URL people reach Firewatch at' }).optional()),
    SMTP_URL: optionalText.pipe(
      z
        .url({ protocol: /^smtps?$/, message: 'must be an smtp:// or smtps:// URL such as smtp://user:pass@mail.example.com:587' })
        .optional(),
    ),
    SMTP_FROM: optionalText.pipe(emailAddress.optional()),
    TWILIO_ACCOUNT_SID: optionalText.pipe(
      z
        .string()
        .regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio account SID: AC and 32 hexadecimal digits')
        .optional(),
    ),
    TWILIO_AUTH_TOKEN: optionalText,
    TWILIO_FROM: optionalText.pipe(phoneNumber.optional()),
    TWILIO_API_URL: optionalText
      .pipe(z.url({ message: 'must be a URL such as https://api.twilio.com' }).optional())
      .transform((v) => (v ?? 'https://api.twilio.com').replace(/\/+$/, '')),
    NTFY_URL: optionalText
      .pipe(z.url({ message: 'must be the URL of an ntfy server such as https://ntfy.sh' }).optional())
      .transform((v) => (v ?? 'https://ntfy.sh').replace(/\/+$/, '')),
    NTFY_TOKEN: optionalText,
    SLACK_CLIENT_ID: optionalText.pipe(
      z
        .string()
        .regex(/^\d+\.\d+$/, 'must be the app\'s Client ID from its "Basic Information" page, such as 1234567890.1234567890123')
        .optional(),
    ),
    SLACK_CLIENT_SECRET: optionalText,
    SLACK_AUTHORIZE_URL: optionalText
      .pipe(z.url({ protocol: /^https?$/, message: 'must be a URL such as https://slack.com/openid/connect/authorize' }).optional())
      .transform((v) => v ?? 'https://slack.com/openid/connect/authorize'),
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
    if (env.SMTP_URL && !env.SMTP_FROM) {
      ctx.addIssue({ code: 'custom', path: ['SMTP_FROM'], message: 'is not set: the From address of page e-mails, needed with SMTP_URL' });
    }
    const twilio = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'] as const;
    const unset = twilio.filter((name) => !env[name]);
    if (unset.length && unset.length < twilio.length) {
      for (const name of unset) {
        ctx.addIssue({ code: 'custom', path: [name], message: `is not set: SMS and voice need all of ${twilio.join(', ')}` });
      }
    }
    // The console needs both halves of the app's credentials; one alone is a typo, not "no console".
    if (Boolean(env.SLACK_CLIENT_ID) !== Boolean(env.SLACK_CLIENT_SECRET)) {
      const missing = env.SLACK_CLIENT_ID ? 'SLACK_CLIENT_SECRET' : 'SLACK_CLIENT_ID';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: `is not set: Sign in with Slack for the console needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (your app's "Basic Information" page), or neither for no console`,
      });
    }
    if (!env.SLACK_SIGNING_SECRET && env.SLACK_APP_TOKEN === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: `is not set: the signing secret from your Slack app's "Basic Information" page, needed in HTTP mode (${README_SLACK}); or set SLACK_APP_TOKEN to use Socket Mode`,
      });
    }
  })
  .transform((env) => ({ ...env, PUBLIC_URL: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '') }));

export type Env = z.output<typeof envSchema>;

export class EnvError extends Error {}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')} ${issue.message}`);
  throw new EnvError(`Firewatch cannot start: environment variables need fixing:\n${lines.join('\n')}`);
}
