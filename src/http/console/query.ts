// Console pages read their filters from the query string through a zod schema; a value the schema refuses
// is answered with a 400 page that names the parameter and what it should be, never a guess.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { ConsoleSession } from '../../db/schema.js';
import { escapeHtml } from '../html.js';
import { sendConsolePage, type Section } from './layout.js';

export type QueryResult<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * The query string as one value per name (the first, if a name is repeated), parsed by `schema`. An empty
 * value is no value: a filter form's "Anyone" option submits `owner=`.
 */
export function parseQuery<S extends z.ZodType>(req: IncomingMessage, schema: S): QueryResult<z.infer<S>> {
  const params = new URL(req.url ?? '/', 'http://console.invalid').searchParams;
  const raw: Record<string, string> = {};
  for (const [name, value] of params) if (value !== '' && !Object.hasOwn(raw, name)) raw[name] = value;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const message = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'query'}: ${issue.message}`).join('; ');
  return { ok: false, message };
}

export function sendBadQuery(res: ServerResponse, session: ConsoleSession, section: Section, path: string, message: string): void {
  sendConsolePage(res, 400, session, {
    title: 'Bad request',
    section,
    body:
      `<h1>That filter cannot be used</h1>\n<p class="error">${escapeHtml(message)}</p>\n` +
      `<p><a href="${escapeHtml(path)}">Start again without filters</a></p>`,
  });
}

/** A query string of the given values, leaving out the empty ones. */
export function queryString(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
