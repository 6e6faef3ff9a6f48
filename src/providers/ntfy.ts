import { z } from 'zod';
import type { Env } from '../config/env.js';
import { ProviderRefused, type PageContent, type Sender } from './provider.js';

const TIMEOUT_MS = 10_000;
const published = z.object({ id: z.string() });
const cached = z.object({ id: z.string(), event: z.string(), click: z.string().optional() }).loose();
const failure = z.object({ code: z.number().optional(), error: z.string().optional() }).loose();

/** A header value as ntfy reads it: RFC 2047 encoded when it is not plain ASCII (fetch sends only bytes below 256). */
export function headerText(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/**
 * Push through ntfy: `POST {NTFY_URL}/{topic}` with the page as the message, its subject as the title and
 * priority `urgent`, so the phone rings through do-not-disturb. ntfy answers 429 and 5xx when it may take
 * the message later; anything else it refuses (a topic it does not allow, a bad token) will not change.
 */
export function ntfySender(env: Env): Sender {
  const base = env.NTFY_URL;
  const auth: Record<string, string> = env.NTFY_TOKEN ? { Authorization: `Bearer ${env.NTFY_TOKEN}` } : {};
  return {
    /** ntfy keeps what it took (its message cache): an earlier try is ours when it opens this attempt's link. */
    async find(topic: string, content: PageContent, since: Date) {
      const query = new URLSearchParams({ poll: '1', since: String(Math.floor(since.getTime() / 1000)) });
      const res = await fetch(`${base}/${encodeURIComponent(topic)}/json?${query}`, {
        headers: auth,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!res.ok) throw new ProviderRefused(false, `ntfy could not list ${topic}: ${res.status}`);
      return (await res.text())
        .split('\n')
        .flatMap((line) => {
          const message = line.trim() ? cached.safeParse(parseLine(line)) : undefined;
          return message?.success && message.data.event === 'message' && message.data.click?.endsWith(new URL(content.ackUrl).pathname)
            ? [message.data.id]
            : [];
        })
        .reverse();
    },
    async send(topic: string, content: PageContent) {
      let res: Response;
      try {
        res = await fetch(`${base}/${encodeURIComponent(topic)}`, {
          method: 'POST',
          headers: {
            Title: headerText(content.subject),
            Priority: 'urgent',
            Tags: 'rotating_light',
            // Tapping opens the link's page; the button acknowledges from the notification itself.
            Click: content.ackUrl,
            Actions: JSON.stringify([{ action: 'http', label: 'Acknowledge', url: content.ackUrl, method: 'POST', clear: true }]),
            ...auth,
          },
          body: content.text,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch (err) {
        throw new ProviderRefused(false, `ntfy: ${err instanceof Error ? err.message : String(err)}`);
      }
      const body: unknown = await res.json().catch(() => undefined);
      if (res.ok) {
        const parsed = published.safeParse(body);
        if (!parsed.success) throw new ProviderRefused(false, `ntfy answered ${res.status} without a message id`);
        return { providerId: parsed.data.id };
      }
      const why = failure.safeParse(body);
      const detail = why.success && why.data.error ? `${why.data.code ?? res.status} ${why.data.error}` : String(res.status);
      throw new ProviderRefused(res.status !== 429 && res.status < 500, `ntfy ${detail}`);
    },
  };
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
