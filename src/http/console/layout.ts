// The console's page chrome: one navigation, one stylesheet and the islands of script a page asks for, all
// served by Firewatch itself (/assets/…), under a CSP that lets nothing else in.
import type { ServerResponse } from 'node:http';
import type { ConsoleSession } from '../../db/schema.js';
import { escapeHtml } from '../html.js';
import { csrfField } from './auth.js';

/** The console's sections, in the order the navigation shows them. */
export const SECTIONS = [
  { id: 'incidents', label: 'Incidents', href: '/incidents' },
  { id: 'declare', label: 'Declare', href: '/incidents/new' },
  { id: 'insights', label: 'Insights', href: '/insights' },
  { id: 'oncall', label: 'On-call', href: '/oncall' },
  { id: 'followups', label: 'Follow-ups', href: '/followups' },
  { id: 'audit', label: 'Audit log', href: '/audit' },
] as const;

export type Section = (typeof SECTIONS)[number]['id'];

export interface ConsolePage {
  title: string;
  section: Section | undefined;
  /** Already escaped HTML for <main>. */
  body: string;
  /** Island scripts under /assets/, each loaded as a module after the page. */
  scripts?: readonly string[];
}

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function nav(current: Section | undefined): string {
  const items = SECTIONS.map(
    (s) => `<li><a href="${s.href}"${s.id === current ? ' aria-current="page"' : ''}>${escapeHtml(s.label)}</a></li>`,
  ).join('');
  return `<nav aria-label="Console"><a class="brand" href="/">Firewatch</a><ul>${items}</ul></nav>`;
}

/** A whole console page for the signed-in person; the CSRF token rides along for the islands' API calls. */
export function consoleHtml(session: ConsoleSession, page: ConsolePage): string {
  const scripts = (page.scripts ?? []).map((s) => `<script type="module" src="/assets/${escapeHtml(s)}"></script>`).join('\n');
  return (
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<meta name="csrf-token" content="${escapeHtml(session.csrfToken)}">\n<title>${escapeHtml(page.title)} · Firewatch</title>\n` +
    `<link rel="stylesheet" href="/assets/console.css">\n</head>\n<body>\n<a class="skip" href="#main">Skip to content</a>\n` +
    `<header>${nav(page.section)}<div class="who">Signed in as <strong>${escapeHtml(session.name)}</strong>` +
    `<form method="post" action="/logout">${csrfField(session)}<button type="submit" class="link">Sign out</button></form></div></header>\n` +
    `<main id="main">\n${page.body}\n</main>\n${scripts}\n</body>\n</html>\n`
  );
}

export function sendConsolePage(res: ServerResponse, status: number, session: ConsoleSession, page: ConsolePage): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
    'content-security-policy': CSP,
  });
  res.end(consoleHtml(session, page));
}
