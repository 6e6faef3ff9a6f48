/**
 * The floor under "1,000 pages due at once": the same first notifications (a Slack DM, a push and an
 * e-mail per page) sent by Firewatch's own senders and Slack client from one Node process, with no
 * database and nothing else to do, 32 at a time as the outbox sends. Run as a child of the paging bench
 * (`node --import tsx bench/provider-floor.ts`, env as Firewatch's); prints its wall and CPU time as JSON.
 */
import { WebClient } from '@slack/web-api';
import { loadEnv } from '../src/config/env.js';
import { emailSender } from '../src/providers/email.js';
import type { PageContent } from '../src/providers/provider.js';
import { configuredSenders } from '../src/providers/senders.js';

const PAGES = Number(process.env.BENCH_PAGES ?? 1_000);
const CONCURRENCY = 32;

const env = loadEnv();
const email = emailSender(env);
const senders = configuredSenders(env, email);
const slack = new WebClient(env.SLACK_BOT_TOKEN, {
  ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
  retryConfig: { retries: 0 },
});

const content = (i: number): PageContent => ({
  subject: `[Firewatch] INC-${i}: Wake bench ${i} (SEV1)`,
  text: `You are paged for INC-${i}: Wake bench ${i}.\nAcknowledge: ${env.PUBLIC_URL}/ack/floor-${i}`,
  short: `INC-${i} SEV1 Wake bench ${i}. Reply ACK`,
  ackUrl: `${env.PUBLIC_URL}/ack/floor-${i}`,
  callUrl: `${env.PUBLIC_URL}/twilio/voice?page=${i}`,
});

const sends: Array<() => Promise<unknown>> = [];
for (let i = 0; i < PAGES; i++) {
  sends.push(() => slack.chat.postMessage({ channel: `U0FLOOR${String(i).padStart(5, '0')}`, text: content(i).text }));
  sends.push(() => senders.push!.send(`floor-pager-${i}`, content(i), `floor-push-${i}`));
  sends.push(() => email!.send(`floor-${i}@example.com`, content(i), `floor-email-${i}`));
}

const cpu = process.cpuUsage();
const started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < sends.length) await sends[next++]!();
  }),
);
const wallMs = performance.now() - started;
const used = process.cpuUsage(cpu);
email?.close?.();
process.stdout.write(`${JSON.stringify({ sends: sends.length, wallMs, cpuMs: (used.user + used.system) / 1000 })}\n`);
