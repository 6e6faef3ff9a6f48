// Alertmanager's API v2 silence shapes (api/v2/openapi.yaml: postableSilence, gettableSilence, matcher)
// and the rules it applies to them, as pure functions, so amtool and Alertmanager's own UI work unchanged.
import { z } from 'zod';
import type { SilenceRow } from '../db/schema.js';
import { anchored, matchesAll, type Matcher, type MatchOp } from './matchers.js';
import { matchersProblem } from './silence-request.js';

// Go's time.Time marshals as RFC 3339 with up to nanoseconds and a Z or numeric offset.
const dateTime = z.iso.datetime({ offset: true, message: 'expected an RFC 3339 date-time such as 2024-05-14T09:12:26Z' });

const amMatcher = z.looseObject({
  name: z.string().min(1, 'a matcher needs a label name'),
  value: z.string(),
  isRegex: z.boolean(),
  // The spec's default: a matcher without isEqual is an equality.
  isEqual: z.boolean().default(true),
});
export type AmMatcher = z.infer<typeof amMatcher>;

export const postableSilenceSchema = z.looseObject({
  id: z.string().optional(),
  matchers: z.array(amMatcher).min(1, 'list at least one matcher'),
  startsAt: dateTime,
  endsAt: dateTime,
  createdBy: z.string().max(200),
  comment: z.string().max(5000),
  annotations: z.record(z.string(), z.string()).optional(),
  // Firewatch's own, which Alertmanager's clients never send: also stop the pages of the open incidents it matches.
  stopPages: z.boolean().optional(),
});
export type PostableSilence = z.infer<typeof postableSilenceSchema>;

export type SilenceState = 'active' | 'pending' | 'expired';

export function toMatcher(m: AmMatcher): Matcher {
  const op: MatchOp = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
  return { name: m.name, op, value: m.value };
}

export function toAmMatcher(m: Matcher): { name: string; value: string; isRegex: boolean; isEqual: boolean } {
  return { name: m.name, value: m.value, isRegex: m.op === '=~' || m.op === '!~', isEqual: m.op === '=' || m.op === '=~' };
}

/** A silence's state as Alertmanager names it: pending before its start, expired from its end. */
export function stateOf(row: Pick<SilenceRow, 'startsAt' | 'endsAt'>, now: Date): SilenceState {
  if (row.endsAt.getTime() <= now.getTime()) return 'expired';
  return row.startsAt.getTime() > now.getTime() ? 'pending' : 'active';
}

export interface CheckedSilence {
  matchers: Matcher[];
  startsAt: Date;
  endsAt: Date;
}

/** A posted silence as Firewatch's, or what Alertmanager would answer 400 with (naming the field). */
export function checkPosted(body: PostableSilence, now: Date): { ok: true; silence: CheckedSilence } | { ok: false; error: string } {
  const matchers = body.matchers.map(toMatcher);
  for (const [i, m] of matchers.entries()) {
    if (m.op !== '=~' && m.op !== '!~') continue;
    try {
      anchored(m.value);
    } catch (err) {
      return { ok: false, error: `matchers[${i}].value: ${JSON.stringify(m.value)} is not a valid regex (${(err as Error).message})` };
    }
  }
  const problem = matchersProblem(matchers);
  if (problem) return { ok: false, error: `matchers: at least one matcher must not match the empty string` };
  const startsAt = new Date(body.startsAt);
  const endsAt = new Date(body.endsAt);
  if (startsAt.getTime() >= endsAt.getTime()) return { ok: false, error: 'endsAt: start time must be before end time' };
  if (endsAt.getTime() < now.getTime()) return { ok: false, error: "endsAt: end time can't be in the past" };
  return { ok: true, silence: { matchers, startsAt, endsAt } };
}

const sameMatchers = (a: readonly Matcher[], b: readonly Matcher[]) =>
  a.length === b.length && a.every((m, i) => m.name === b[i]?.name && m.op === b[i]?.op && m.value === b[i]?.value);

/**
 * Alertmanager's canUpdate: a posted silence with the id of an existing one changes it in place when the
 * matchers are the same and the change keeps what has already happened (an active silence keeps its start
 * and cannot end in the past, a pending one cannot start in the past); otherwise the old one is expired and
 * a new one made.
 */
export function canUpdateInPlace(prev: Pick<SilenceRow, 'matchers' | 'startsAt' | 'endsAt'>, next: CheckedSilence, now: Date): boolean {
  if (!sameMatchers(prev.matchers, next.matchers)) return false;
  switch (stateOf(prev, now)) {
    case 'active':
      return Math.floor(prev.startsAt.getTime() / 1000) === Math.floor(next.startsAt.getTime() / 1000) && next.endsAt >= now;
    case 'pending':
      return next.startsAt >= now;
    case 'expired':
      return false;
  }
}

/** A stored silence as Alertmanager's gettableSilence. */
export function gettableSilence(row: SilenceRow, now: Date) {
  return {
    id: String(row.id),
    status: { state: stateOf(row, now) },
    // Firewatch keeps no separate update time: a silence's last change is its making, or its early end.
    updatedAt: (row.expiredBy ? row.endsAt : row.createdAt).toISOString(),
    matchers: row.matchers.map(toAmMatcher),
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    createdBy: row.createdBy,
    comment: row.comment,
    annotations: {},
  };
}

/** Alertmanager's `filter`: the filter matchers are held against the labels the silence's equalities name. */
export function passesFilter(row: Pick<SilenceRow, 'matchers'>, filter: readonly Matcher[]): boolean {
  const labels = Object.fromEntries(row.matchers.filter((m) => m.op === '=').map((m) => [m.name, m.value]));
  return matchesAll(filter, labels);
}

const RANK: Record<SilenceState, number> = { active: 0, pending: 1, expired: 2 };

/** Alertmanager's order: active by soonest end, then pending by soonest start, then expired by latest end. */
export function sortSilences(rows: SilenceRow[], now: Date): SilenceRow[] {
  const key = (r: SilenceRow) => {
    const state = stateOf(r, now);
    return {
      rank: RANK[state],
      at: state === 'pending' ? r.startsAt.getTime() : state === 'active' ? r.endsAt.getTime() : -r.endsAt.getTime(),
    };
  };
  return [...rows].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka.rank - kb.rank || ka.at - kb.at || a.id - b.id;
  });
}
