// GET /audit: the audit log, newest first, filtered by action and actor, paged by id. With `admins:` in
// the config only they may read it (it is where on-call and config changes are traced); with none
// configured, everyone signed in may, as everyone may then make those changes.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { auditActors, auditPage } from '../../audit/record.js';
import type { Config } from '../../config/load.js';
import { AUDIT_ACTIONS, type AuditEntry, type ConsoleSession } from '../../db/schema.js';
import { escapeHtml } from '../html.js';
import type { Route } from '../server.js';
import { signedIn, type ConsoleContext } from './context.js';
import { sendConsolePage } from './layout.js';
import { parseQuery, queryString, sendBadQuery } from './query.js';

export const AUDIT_PAGE_SIZE = 50;

export const AuditQuery = z.object({
  action: z.enum(AUDIT_ACTIONS, { error: `action must be one of ${AUDIT_ACTIONS.join(', ')}` }).optional(),
  actor: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'actor must be a Slack user id (such as U0123ABC), system or signal')
    .optional(),
  before: z
    .string()
    .regex(/^\d{1,15}$/, 'before must be the value of an "Older entries" link')
    .transform(Number)
    .optional(),
});

export const mayReadAudit = (config: Pick<Config, 'admins'>, userId: string): boolean =>
  config.admins.length === 0 || config.admins.includes(userId);

const compactJson = (value: unknown): string => (value === null || value === undefined ? '' : JSON.stringify(value));

function changeCell(entry: AuditEntry): string {
  const before = compactJson(entry.before);
  const after = compactJson(entry.after);
  if (!before && !after) return '<span class="muted">—</span>';
  const part = (label: string, json: string) => (json ? `<p><strong>${label}</strong></p><pre class="json">${escapeHtml(json)}</pre>` : '');
  return `<details><summary>Before and after</summary>${part('Before', before)}${part('After', after)}</details>`;
}

async function forbidden(ctx: ConsoleContext, res: ServerResponse, session: ConsoleSession): Promise<void> {
  const names = await ctx.names(ctx.config.admins).catch(() => ({}) as Record<string, string>);
  const who = ctx.config.admins.map((id) => `<li>${escapeHtml(names[id] ?? id)}</li>`).join('');
  sendConsolePage(res, 403, session, {
    title: 'Audit log',
    section: 'audit',
    body: `<h1>Audit log</h1>\n<p class="error">Only the admins named in Firewatch's config (<code>admins:</code>) can see the audit log:</p>\n<ul>${who}</ul>`,
  });
}

export function auditPageRoutes(ctx: ConsoleContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/audit',
      handler: signedIn(ctx.auth, async (req, res, session) => {
        if (!mayReadAudit(ctx.config, session.userId)) return forbidden(ctx, res, session);
        const query = parseQuery(req, AuditQuery);
        if (!query.ok) return sendBadQuery(res, session, 'audit', '/audit', query.message);
        const { action, actor, before } = query.value;
        const { page, actors } = await ctx.db.transaction(async (tx) => ({
          page: await auditPage(tx, { action, actor, before, limit: AUDIT_PAGE_SIZE }),
          actors: await auditActors(tx),
        }));
        const names = await ctx.names(actors.filter((a) => /^[UW][A-Z0-9]+$/.test(a))).catch(() => ({}) as Record<string, string>);
        const nameOf = (id: string) => names[id] ?? id;
        const option = (value: string, label: string, selected: boolean) =>
          `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;
        const form =
          `<form class="filters" method="get" action="/audit">` +
          `<label>Action<select name="action">${option('', 'Any', action === undefined)}${AUDIT_ACTIONS.map((a) => option(a, a, a === action)).join('')}</select></label>` +
          `<label>Actor<select name="actor">${option('', 'Anyone', actor === undefined)}${actors.map((a) => option(a, nameOf(a), a === actor)).join('')}</select></label>` +
          `<button type="submit">Filter</button></form>`;
        const rows = page.entries
          .map(
            (e) =>
              `<tr><td><time datetime="${e.at.toISOString()}">${e.at.toISOString().slice(0, 19).replace('T', ' ')} UTC</time></td>` +
              `<td>${escapeHtml(nameOf(e.actor))}</td><td><code>${escapeHtml(e.action)}</code></td><td>${escapeHtml(e.subject)}</td><td>${changeCell(e)}</td></tr>`,
          )
          .join('');
        const table = page.entries.length
          ? `<table><caption class="muted">Newest first</caption><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th>` +
            `<th scope="col">Subject</th><th scope="col">Change</th></tr></thead><tbody>${rows}</tbody></table>`
          : '<p class="notice">No entries match.</p>';
        const links = [
          before !== undefined ? `<a href="/audit${escapeHtml(queryString({ action, actor }))}">Newest entries</a>` : '',
          page.next !== undefined
            ? `<a href="/audit${escapeHtml(queryString({ action, actor, before: page.next }))}">Older entries</a>`
            : '',
        ].filter(Boolean);
        const pager = links.length ? `<nav class="pager" aria-label="Pages">${links.join('')}</nav>` : '';
        sendConsolePage(res, 200, session, {
          title: 'Audit log',
          section: 'audit',
          body: `<h1>Audit log</h1>\n${form}\n${table}\n${pager}`,
        });
      }),
    },
  ];
}
