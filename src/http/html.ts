import type { ServerResponse } from 'node:http';
import type { Message } from '../outcome.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/** Display names by Slack user id; an id Slack cannot name stays as it is. */
export type NamesOf = (userIds: readonly string[]) => Promise<Record<string, string>>;

/** The user ids a message names, to look their names up in one go. */
export const peopleIn = (message: Message): string[] =>
  message.flatMap((part) => (typeof part === 'object' && 'user' in part ? [part.user] : []));

/** A message as escaped HTML: people by name, commands as code. */
export function messageHtml(message: Message, names: Record<string, string>): string {
  return message
    .map((part) => {
      if (typeof part === 'string') return escapeHtml(part);
      if ('user' in part) return `<strong>${escapeHtml(names[part.user] ?? part.user)}</strong>`;
      return `<code>/incident ${escapeHtml(part.command)}</code>`;
    })
    .join('');
}

const STYLE =
  'body{font:1.05rem/1.5 system-ui,sans-serif;margin:0;padding:1.5rem;color:#1d1c1d;background:#f8f8f8}' +
  'main{max-width:32rem;margin:0 auto;background:#fff;padding:1.5rem;border-radius:.75rem}' +
  'h1{font-size:1.35rem;margin-top:0}button{font:inherit;font-weight:600;width:100%;padding:.9rem;border:0;' +
  'border-radius:.5rem;background:#007a5a;color:#fff;cursor:pointer}';

/**
 * Sends a small self-contained HTML5 page: no scripts or outside assets (the CSP forbids them), never
 * cached, and no Referer, so the token in the URL goes nowhere else. `body` must already be escaped.
 */
export function sendPage(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  });
  res.end(
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
      `<title>${escapeHtml(title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n<main>\n${body}\n</main>\n</body>\n</html>\n`,
  );
}
