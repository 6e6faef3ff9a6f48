import nodemailer from 'nodemailer';
import type { Env } from '../config/env.js';
import { ProviderRefused, type PageContent, type Sender } from './provider.js';

const TIMEOUT_MS = 10_000;

/** SMTP answers 5xx when it will never take the message (no such mailbox, refused); 4xx and lost connections pass. */
function refusal(err: unknown): ProviderRefused {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string };
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const why = e.response ?? e.message ?? String(err);
  return new ProviderRefused(code !== undefined && code >= 500 && code < 600, code ? `SMTP ${code}: ${why}` : `SMTP: ${e.code ?? why}`);
}

/** Sends any e-mail, a page's or a confirmation code's: only its subject and text are used. */
export interface EmailSender extends Sender {
  send(to: string, content: Pick<PageContent, 'subject' | 'text'>, key: string): Promise<{ providerId: string }>;
}

/** E-mail through the SMTP server of `SMTP_URL` (its credentials included), from `SMTP_FROM`. */
export function emailSender(env: Env): EmailSender | undefined {
  if (!env.SMTP_URL || !env.SMTP_FROM) return undefined;
  const url = new URL(env.SMTP_URL);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    // A burst of pages (an outage pages many people at once) reuses a few connections instead of a
    // handshake and a login per e-mail.
    pool: true,
    maxConnections: 5,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  const domain = new URL(env.PUBLIC_URL).hostname;
  return {
    close: () => transport.close(),
    async send(to: string, content: Pick<PageContent, 'subject' | 'text'>, key: string) {
      try {
        // One Message-ID per attempt: a resend after a crash is the same message to the mailbox.
        const info = await transport.sendMail({
          from: env.SMTP_FROM,
          to,
          subject: content.subject,
          text: content.text,
          messageId: `<${key}@${domain}>`,
          headers: { 'X-Priority': '1', Importance: 'high' },
        });
        if (info.rejected.length > 0) throw new ProviderRefused(true, `SMTP refused ${info.rejected.join(', ')}`);
        return { providerId: info.messageId };
      } catch (err) {
        throw err instanceof ProviderRefused ? err : refusal(err);
      }
    },
  };
}
