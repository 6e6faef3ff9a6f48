// What `/incident silence <matchers> for <duration> [starting <when>] [stop_pages] [reason]` asks for, read as pure text,
// and the checks every way of making a silence shares (Slack, buttons, the Alertmanager-shaped API).
import { DURATION_HINT, parseDuration } from '../config/duration.js';
import { MATCHER_SYNTAX, matcherHolds, parseMatchers, type Matcher } from './matchers.js';

export interface SilenceRequest {
  matchers: Matcher[];
  startsAt: Date;
  endsAt: Date;
  reason: string;
  /** `stop_pages`: the silence also stops the running pages of the open incidents it matches. */
  stopPages: boolean;
}

/** The keyword that makes a silence stop pages, as the config's `stop_pages: true` does. */
export const STOP_PAGES = 'stop_pages';

export type ParsedSilence = { ok: true; request: SilenceRequest } | { ok: false; error: string };

/** Reasons are kept short enough to ride on a Slack button's value with the matchers. */
export const REASON_MAX = 500;
export const MATCHERS_MAX = 1000;

/**
 * Alertmanager refuses a silence whose every matcher matches the empty string (`foo=""`, `foo=~".*"`):
 * it would silence everything. Firewatch refuses it too, with words.
 */
export function silencesEverything(matchers: readonly Matcher[]): boolean {
  return matchers.every((m) => matcherHolds(m, {}));
}

/** Why these matchers cannot make a silence, or undefined when they can. */
export function matchersProblem(matchers: readonly Matcher[]): string | undefined {
  if (matchers.length === 0) return `Say which alerts to silence: ${MATCHER_SYNTAX}.`;
  if (silencesEverything(matchers))
    return 'Those matchers would silence every alert: at least one must need a label to be set, e.g. `alertname="HighErrorRate"`.';
  return undefined;
}

/** The index of the first ` for ` outside double quotes, where the matchers end and the duration begins. */
function forKeyword(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && (i === 0 ? /^for(\s|$)/i.test(text) : /\s/.test(c ?? '') && /^\s+for(\s|$)/i.test(text.slice(i)))) return i;
  }
  return -1;
}

/**
 * `HH:MM` (UTC, the next time the clock shows it) or an ISO 8601 timestamp with a date; null for anything
 * else, and for a moment already past.
 */
export function parseStart(text: string, now: Date): Date | null {
  const clock = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (clock) {
    const at = new Date(now);
    at.setUTCHours(Number(clock[1]), Number(clock[2]), 0, 0);
    if (at.getTime() <= now.getTime()) at.setUTCDate(at.getUTCDate() + 1);
    return at;
  }
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return null;
  const at = new Date(/[T ]/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? `${text.replace(' ', 'T')}Z` : text);
  return Number.isNaN(at.getTime()) || at.getTime() <= now.getTime() ? null : at;
}

/** Reads the arguments of `/incident silence`; the error says what was wrong in words a person can act on. */
export function parseSilenceRequest(text: string, now: Date): ParsedSilence {
  const at = forKeyword(text);
  const matcherText = (at < 0 ? text : text.slice(0, at)).trim();
  if (!matcherText) return { ok: false, error: `Say which alerts to silence: ${MATCHER_SYNTAX}.` };
  if (matcherText.length > MATCHERS_MAX) return { ok: false, error: `Those matchers are over ${MATCHERS_MAX} characters; write fewer.` };
  const parsed = parseMatchers(matcherText);
  if (!parsed.ok) return { ok: false, error: `Those matchers do not parse (${parsed.error}). Write them as ${MATCHER_SYNTAX}.` };
  const problem = matchersProblem(parsed.matchers);
  if (problem) return { ok: false, error: problem };
  if (at < 0) return { ok: false, error: `Say for how long: \`for 2h\` (${DURATION_HINT}).` };
  const words = text.slice(at).trim().split(/\s+/).slice(1);
  const durationText = words.shift() ?? '';
  const ms = parseDuration(durationText);
  if (ms === null) return { ok: false, error: `"${durationText}" is not a duration: write ${DURATION_HINT}.` };
  let startsAt = now;
  let stopPages = false;
  // `starting <when>` and `stop_pages` come before the reason, in either order, each at most once.
  for (;;) {
    const word = words[0]?.toLowerCase();
    if (word === 'starting' && startsAt === now) {
      words.shift();
      const whenText = words.shift() ?? '';
      const when = parseStart(whenText, now);
      if (!when)
        return { ok: false, error: `"${whenText}" is not a time to come: write HH:MM (UTC) or an ISO time such as 2026-05-01T22:00Z.` };
      startsAt = when;
    } else if (word === STOP_PAGES && !stopPages) {
      words.shift();
      stopPages = true;
    } else break;
  }
  const reason = words.join(' ');
  if (reason.length > REASON_MAX) return { ok: false, error: `The reason is over ${REASON_MAX} characters; say it in fewer.` };
  return { ok: true, request: { matchers: parsed.matchers, startsAt, endsAt: new Date(startsAt.getTime() + ms), reason, stopPages } };
}
