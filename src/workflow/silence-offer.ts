// A silence asked for in Slack (the command or an alert's button) goes out as a preview whose Silence
// button carries the request; the click brings the value back, and since a payload can be forged it is
// read again as untrusted text: matchers re-parsed, times bounded (the clicker is checked by the listener).
// The Slack surface reaches the silence domain only through this module.
import { z } from 'zod';
import { formatMatchers, parseMatchers, type Matcher } from '../alerts/matchers.js';
import { previewSilence, type Preview } from '../alerts/silence-preview.js';
import { MATCHERS_MAX, REASON_MAX, matchersProblem } from '../alerts/silence-request.js';
import { createSilence } from '../alerts/silences.js';
import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import type { SilenceRow } from '../db/schema.js';
import { personViewer } from '../incidents/access.js';
import { silenceCreated } from './silences.js';

export { alertLine } from '../alerts/alert-line.js';
export { formatMatchers, MATCHER_SYNTAX, type Matcher } from '../alerts/matchers.js';
export { PREVIEW_DAYS, type Preview } from '../alerts/silence-preview.js';
export { parseSilenceRequest, REASON_MAX } from '../alerts/silence-request.js';
export { expireSilence, unendedSilences } from '../alerts/silences.js';

/** A maintenance window of the config file, as a list shows it: read-only, the file is where it changes. */
export interface ConfigWindow {
  id: string;
  matchers: Matcher[];
  startsAt: Date;
  endsAt: Date;
  comment: string;
  stopPages: boolean;
}

/** The config's windows in force at `at` or starting later, soonest start first. */
export function unendedWindows(config: Config, at: Date): ConfigWindow[] {
  return config.silences
    .filter((s) => s.ends_at.getTime() > at.getTime())
    .map((s) => ({ id: s.id, matchers: s.matchers, startsAt: s.starts_at, endsAt: s.ends_at, comment: s.comment, stopPages: s.stop_pages }))
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id.localeCompare(b.id));
}

/** A year: no one means a longer silence, and a forged value must not make one. */
const LONGEST_MS = 366 * 86_400_000;

export interface SilenceOffer {
  matchers: Matcher[];
  /** Set for a scheduled window; otherwise the silence starts when Silence is clicked. */
  startsAt: Date | undefined;
  durationMs: number;
  reason: string;
  /** Who asked: only they may click Silence. */
  userId: string;
  source: 'slack' | 'button';
  /** The silence also stops the running pages of the open incidents it matches. */
  stopPages: boolean;
}

const valueSchema = z.strictObject({
  m: z.string().min(1).max(MATCHERS_MAX),
  d: z.number().int().positive().max(LONGEST_MS),
  s: z.number().int().positive().optional(),
  r: z.string().max(REASON_MAX),
  u: z.string().regex(/^[UW][A-Z0-9]+$/),
  o: z.enum(['slack', 'button']),
  p: z.literal(true).optional(),
});

export function encodeOffer(offer: SilenceOffer): string {
  return JSON.stringify({
    m: formatMatchers(offer.matchers),
    d: offer.durationMs,
    ...(offer.startsAt ? { s: offer.startsAt.getTime() } : {}),
    r: offer.reason,
    u: offer.userId,
    o: offer.source,
    ...(offer.stopPages ? { p: true } : {}),
  });
}

/** The offer a button carried, or undefined when the value is not one Firewatch could have made. */
export function decodeOffer(value: string): SilenceOffer | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return undefined;
  }
  const v = valueSchema.safeParse(raw);
  if (!v.success) return undefined;
  const parsed = parseMatchers(v.data.m);
  if (!parsed.ok || matchersProblem(parsed.matchers)) return undefined;
  return {
    matchers: parsed.matchers,
    startsAt: v.data.s === undefined ? undefined : new Date(v.data.s),
    durationMs: v.data.d,
    reason: v.data.r,
    userId: v.data.u,
    source: v.data.o,
    stopPages: v.data.p === true,
  };
}

/** What the offer would have silenced, counting only alerts of incidents the person may see. */
export const previewOffer = (db: Db, offer: SilenceOffer, now: Date): Promise<Preview> =>
  previewSilence(db, offer.matchers, now, personViewer(offer.userId));

/** Makes the silence an offer describes, starting now unless it was scheduled for later, and runs what follows. */
export async function makeSilence(db: Db, config: Config, offer: SilenceOffer, now = new Date()): Promise<SilenceRow> {
  const startsAt = offer.startsAt && offer.startsAt > now ? offer.startsAt : now;
  return db.transaction(async (tx) => {
    const made = await createSilence(tx, {
      matchers: offer.matchers,
      startsAt,
      endsAt: new Date(startsAt.getTime() + offer.durationMs),
      createdBy: offer.userId,
      comment: offer.reason,
      source: offer.source,
      stopPages: offer.stopPages,
    });
    await silenceCreated(tx, config, made, now);
    return made;
  });
}
