// GET /followups: follow-ups across the incidents the person may see, filtered by state and owner,
// soonest due first, paged by key.
import { z } from 'zod';
import { FOLLOWUP_STATES, followupOwners, followupsAcross, type FollowupKey, type FollowupRow } from '../../incidents/followup-list.js';
import { incidentKey } from '../../incidents/queries.js';
import { escapeHtml } from '../html.js';
import type { Route } from '../server.js';
import { signedIn, viewerOf, type ConsoleContext } from './context.js';
import { sendConsolePage } from './layout.js';
import { parseQuery, queryString, sendBadQuery } from './query.js';

export const FOLLOWUPS_PAGE_SIZE = 100;
const ME = 'me';

const cursor = z
  .string()
  .regex(/^(\d{1,15}|none)_\d{1,15}$/, 'after must be the value of a "Next page" link')
  .transform((text): FollowupKey => {
    const [due = '', id = ''] = text.split('_');
    return { dueAt: due === 'none' ? null : new Date(Number(due)), id: Number(id) };
  });

export const FollowupsQuery = z.object({
  state: z.enum(FOLLOWUP_STATES, { error: `state must be one of ${FOLLOWUP_STATES.join(', ')}` }).default('open'),
  owner: z
    .string()
    .regex(/^(me|[UW][A-Z0-9]{2,20})$/, 'owner must be "me" or a Slack user id such as U0123ABC')
    .optional(),
  after: cursor.optional(),
});

const encodeKey = (key: FollowupKey) => `${key.dueAt ? key.dueAt.getTime() : 'none'}_${key.id}`;
/** A due date is stored as the end of its day (the next midnight, UTC), so the day shown is the one before. */
const dueDay = (dueAt: Date) => new Date(dueAt.getTime() - 1).toISOString().slice(0, 10);
const instant = (at: Date) => `<time datetime="${at.toISOString()}">${at.toISOString().slice(0, 16).replace('T', ' ')} UTC</time>`;

function row(f: FollowupRow, names: Record<string, string>, now: Date): string {
  const name = (id: string | null) => (id ? escapeHtml(names[id] ?? id) : '<span class="muted">nobody</span>');
  const overdue = !f.doneAt && f.dueAt !== null && f.dueAt.getTime() <= now.getTime();
  const due = f.dueAt
    ? escapeHtml(dueDay(f.dueAt)) + (overdue ? ' <strong class="badge overdue">Overdue</strong>' : '')
    : '<span class="muted">no date</span>';
  const done = f.doneAt ? `Done by ${name(f.doneBy)} at ${instant(f.doneAt)}` : 'Open';
  const key = incidentKey(f.incidentId);
  return (
    `<tr${overdue ? ' class="is-overdue"' : ''}><td>${escapeHtml(f.text)}</td>` +
    `<td><a href="/incidents/${key}">${key}</a> ${escapeHtml(f.incidentTitle)}</td>` +
    `<td>${name(f.ownerId)}</td><td>${due}</td><td>${done}</td></tr>`
  );
}

export function followupsPage(ctx: ConsoleContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/followups',
      handler: signedIn(ctx.auth, async (req, res, session) => {
        const query = parseQuery(req, FollowupsQuery);
        if (!query.ok) return sendBadQuery(res, session, 'followups', '/followups', query.message);
        const { state, owner, after } = query.value;
        const now = new Date();
        const viewer = viewerOf(session);
        const { page, owners } = await ctx.db.transaction(async (tx) => ({
          page: await followupsAcross(tx, viewer, {
            state,
            owner: owner === ME ? session.userId : owner,
            after,
            limit: FOLLOWUPS_PAGE_SIZE,
            now,
          }),
          owners: await followupOwners(tx, viewer),
        }));
        const people = [...new Set([...owners, ...page.rows.flatMap((f) => [f.ownerId ?? '', f.doneBy ?? ''])])].filter(Boolean);
        const names = await ctx.names(people).catch(() => ({}) as Record<string, string>);
        const option = (value: string, label: string, selected: boolean) =>
          `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;
        const form =
          `<form class="filters" method="get" action="/followups">` +
          `<label>Show<select name="state">${FOLLOWUP_STATES.map((s) => option(s, s[0]!.toUpperCase() + s.slice(1), s === state)).join('')}</select></label>` +
          `<label>Owner<select name="owner">${option('', 'Anyone', owner === undefined)}${option(ME, 'Me', owner === ME)}` +
          owners.map((id) => option(id, names[id] ?? id, owner === id)).join('') +
          `</select></label><button type="submit">Filter</button></form>`;
        const table = page.rows.length
          ? `<table><caption class="muted">Soonest due first</caption><thead><tr><th scope="col">Follow-up</th><th scope="col">Incident</th>` +
            `<th scope="col">Owner</th><th scope="col">Due</th><th scope="col">Done</th></tr></thead><tbody>` +
            page.rows.map((f) => row(f, names, now)).join('') +
            `</tbody></table>`
          : `<p class="notice">No follow-ups match.</p>`;
        const links = [
          after ? `<a href="/followups${escapeHtml(queryString({ state, owner }))}">First page</a>` : '',
          page.next ? `<a href="/followups${escapeHtml(queryString({ state, owner, after: encodeKey(page.next) }))}">Next page</a>` : '',
        ].filter(Boolean);
        const next = links.length ? `<nav class="pager" aria-label="Pages">${links.join('')}</nav>` : '';
        sendConsolePage(res, 200, session, {
          title: 'Follow-ups',
          section: 'followups',
          body: `<h1>Follow-ups</h1>\n${form}\n${table}\n${next}`,
        });
      }),
    },
  ];
}
