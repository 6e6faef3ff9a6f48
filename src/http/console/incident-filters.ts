// The incident list's filters as a GET form sends them, parsed into what findIncidents takes, and back into
// the query string of a link, so paging and "clear" links keep exactly the filters the person chose.
import { z } from 'zod';
import type { IncidentFilter } from '../../incidents/search.js';
import { STATUSES, type Status } from '../../incidents/status.js';

export const PAGE_SIZE = 50;
export const MAX_QUERY_TEXT = 200;

/** The filters as the form shows them: what was chosen, in the form's own terms. */
export interface ListForm {
  statuses: Status[];
  severities: string[];
  types: string[];
  /** YYYY-MM-DD, UTC. */
  since: string;
  /** YYYY-MM-DD, UTC, inclusive: incidents declared that day count. */
  until: string;
  q: string;
  drills: boolean;
  after: number | undefined;
}

export type ParsedList = { ok: true; form: ListForm; filter: IncidentFilter } | { ok: false; form: ListForm; errors: string[] };

const DAY_MS = 86_400_000;
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** A YYYY-MM-DD that names a real day, as its UTC midnight. */
function dayStart(text: string): Date | undefined {
  if (!day.safeParse(text).success) return undefined;
  const date = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text ? undefined : date;
}

const values = (query: URLSearchParams, name: string): string[] => [
  ...new Set(
    query
      .getAll(name)
      .map((v) => v.trim())
      .filter(Boolean),
  ),
];

const isStatus = (value: string): value is Status => (STATUSES as readonly string[]).includes(value);

/** The list's query string, checked against the config's severities and types; every fault is named. */
export function parseListQuery(query: URLSearchParams, known: { severities: readonly string[]; types: readonly string[] }): ParsedList {
  const errors: string[] = [];
  const statuses = values(query, 'status');
  const severities = values(query, 'severity');
  const types = values(query, 'type');
  const since = query.get('since')?.trim() ?? '';
  const until = query.get('until')?.trim() ?? '';
  const q = query.get('q') ?? '';
  const afterText = query.get('after')?.trim() ?? '';

  const badStatuses = statuses.filter((s) => !isStatus(s));
  if (badStatuses.length) errors.push(`Unknown status ${badStatuses.map((s) => `"${s}"`).join(', ')}. Statuses: ${STATUSES.join(', ')}.`);
  const badSeverities = severities.filter((s) => !known.severities.includes(s));
  if (badSeverities.length)
    errors.push(`Unknown severity ${badSeverities.map((s) => `"${s}"`).join(', ')}. Severities: ${known.severities.join(', ')}.`);
  const badTypes = types.filter((t) => !known.types.includes(t));
  if (badTypes.length)
    errors.push(`Unknown type ${badTypes.map((t) => `"${t}"`).join(', ')}. Types: ${known.types.join(', ') || 'none configured'}.`);
  const sinceDate = since ? dayStart(since) : undefined;
  if (since && !sinceDate) errors.push(`"${since}" is not a date for "Declared from"; use YYYY-MM-DD.`);
  const untilDate = until ? dayStart(until) : undefined;
  if (until && !untilDate) errors.push(`"${until}" is not a date for "Declared until"; use YYYY-MM-DD.`);
  if (sinceDate && untilDate && untilDate < sinceDate) errors.push('"Declared until" is before "Declared from".');
  if (q.length > MAX_QUERY_TEXT) errors.push(`The search text is ${q.length} characters; keep it to ${MAX_QUERY_TEXT} or fewer.`);
  const after = /^\d{1,15}$/.test(afterText) ? Number(afterText) : undefined;
  if (afterText && after === undefined) errors.push('That page link is broken; start again from the newest incidents.');

  const form: ListForm = {
    statuses: statuses.filter(isStatus),
    severities,
    types,
    since,
    until,
    q,
    drills: query.get('drills') === '1',
    after,
  };
  if (errors.length) return { ok: false, form, errors };
  return {
    ok: true,
    form,
    filter: {
      statuses: form.statuses,
      severities,
      types,
      ...(sinceDate ? { since: sinceDate } : {}),
      // The form's "until" day is inclusive; findIncidents' bound is exclusive.
      ...(untilDate ? { until: new Date(untilDate.getTime() + DAY_MS) } : {}),
      ...(q.trim() ? { text: q } : {}),
      includeDrills: form.drills,
    },
  };
}

/** The query string (with its `?`, or empty) that shows the same filters on the page after `after`. */
export function listQueryString(form: ListForm, after: number | undefined): string {
  const query = new URLSearchParams();
  for (const s of form.statuses) query.append('status', s);
  for (const s of form.severities) query.append('severity', s);
  for (const t of form.types) query.append('type', t);
  if (form.since) query.set('since', form.since);
  if (form.until) query.set('until', form.until);
  if (form.q) query.set('q', form.q);
  if (form.drills) query.set('drills', '1');
  if (after !== undefined) query.set('after', String(after));
  const text = query.toString();
  return text ? `?${text}` : '';
}
