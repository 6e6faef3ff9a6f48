// Acknowledging and escalating a page from a phone: an SMS reply, or a key pressed on the page's call. The
// phone number says who is answering (one confirmed in Slack, or config `people[].phone`); the page is one
// they were notified on.
import { and, desc, eq, inArray } from 'drizzle-orm';
import { findSeverity, type Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { inboundSms, incidents, pageNotifications, pages, type Incident, type Page } from '../db/schema.js';
import { incidentKey } from '../incidents/queries.js';
import { msg, type Message } from '../outcome.js';
import { acknowledgePage, escalateNow } from './acknowledge.js';
import { personByPhone } from './contacts.js';
import { isTestPage } from './page-kind.js';

const OPEN: Page['state'][] = ['triggered', 'exhausted'];

/**
 * Twilio's own keywords: it keeps the opt-out list and answers them itself (opt-out, opt-in, help), so a
 * reply from Firewatch would be a second answer, and to a STOP one the person asked not to get.
 */
const TWILIO_KEYWORDS = new Set([
  ...['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'],
  ...['START', 'YES', 'UNSTOP'],
  ...['HELP', 'INFO'],
]);
const ACK_WORDS = new Set(['ACK', '1']);

/**
 * How to answer an inbound SMS: leave it to Twilio, reply with a message to the sender (a person, when
 * known), or refuse a message already answered (a replay).
 */
export type SmsAnswer =
  | { readonly reply: false; readonly replayed?: true }
  | { readonly reply: true; readonly message: Message; readonly sender: string | undefined };

/**
 * An inbound SMS: `ACK` or `1` acknowledges the sender's latest open page; anything else changes nothing.
 * Each MessageSid is answered once, in the transaction that acts on it.
 */
export async function answerSms(db: Db, config: Config, sms: { sid: string; from: string; body: string }): Promise<SmsAnswer> {
  return db.transaction(async (tx) => {
    const [first] = await tx.insert(inboundSms).values({ messageSid: sms.sid }).onConflictDoNothing().returning();
    return first ? answerOnce(tx, config, sms) : { reply: false, replayed: true };
  });
}

async function answerOnce(db: Db, config: Config, sms: { from: string; body: string }): Promise<SmsAnswer> {
  const word = sms.body.replace(/\s+/g, '').toUpperCase();
  if (TWILIO_KEYWORDS.has(word)) return { reply: false };
  const user = await personByPhone(db, config, sms.from);
  const reply = (message: Message): SmsAnswer => ({ reply: true, message, sender: user });
  if (!user) return reply(msg`Firewatch does not know this number, so nothing was acknowledged.`);
  if (!ACK_WORDS.has(word)) return reply(msg`Reply ACK or 1 to acknowledge your latest open page.`);
  const latest = await latestOpenPage(db, user);
  if (!latest) return reply(msg`You have no open page to acknowledge.`);
  const outcome = await acknowledgePage(db, { pageId: latest.page.id, actor: user, via: 'sms' });
  if (!latest.incident) return reply(outcome.message);
  const key = incidentKey(latest.incident.id);
  if (!outcome.ok) return reply([`${key}: `, ...outcome.message]);
  return reply(msg`Acknowledged ${key}${titleSuffix(latest.incident)}: escalation stopped. You have been added to the incident channel.`);
}

/** The newest page still open on which the person was notified. */
async function latestOpenPage(db: Db, user: string): Promise<{ page: Page; incident: Incident | null } | undefined> {
  const [found] = await db
    .select({ page: pages, incident: incidents })
    .from(pages)
    .leftJoin(incidents, eq(incidents.id, pages.incidentId))
    .where(
      and(
        inArray(pages.state, OPEN),
        inArray(pages.id, db.select({ id: pageNotifications.pageId }).from(pageNotifications).where(eq(pageNotifications.userId, user))),
      ),
    )
    .orderBy(desc(pages.id))
    .limit(1);
  return found;
}

const titleSuffix = (incident: Incident) => (incident.isPrivate ? '' : ` (${incident.title})`);

/** What a page's call tells the person who answered it. */
export type PageCall =
  | { readonly kind: 'not_found' }
  | { readonly kind: 'not_theirs' }
  | { readonly kind: 'over'; readonly key: string; readonly message: Message }
  /** A test page: the call says so, and offers only to acknowledge. */
  | { readonly kind: 'test' }
  | {
      readonly kind: 'open';
      readonly key: string;
      readonly severity: string;
      /** Left out for a private incident: whoever holds the phone may not be the person paged. */
      readonly title: string | undefined;
      /** A practice incident: the call says so before anything else. */
      readonly drill: boolean;
      /** The page's step when the call was read, so a key pressed on a stale call cannot skip a level. */
      readonly step: number;
    };

/** Reads the page a call is about, as the person it was placed to. */
export async function pageCall(db: Db, config: Config, ids: { pageId: number; user: string }): Promise<PageCall> {
  const [found] = await db
    .select({ page: pages, incident: incidents })
    .from(pages)
    .leftJoin(incidents, eq(incidents.id, pages.incidentId))
    .where(eq(pages.id, ids.pageId));
  if (!found) return { kind: 'not_found' };
  const [notified] = await db
    .select({ id: pageNotifications.id })
    .from(pageNotifications)
    .where(and(eq(pageNotifications.pageId, ids.pageId), eq(pageNotifications.userId, ids.user)))
    .limit(1);
  if (!notified) return { kind: 'not_theirs' };
  const { page, incident } = found;
  if (!incident) return OPEN.includes(page.state) ? { kind: 'test' } : { kind: 'over', key: 'Test page', message: overMessage(page) };
  const key = incidentKey(incident.id);
  if (!OPEN.includes(page.state)) return { kind: 'over', key, message: overMessage(page) };
  const severity = findSeverity(config, incident.severity);
  return {
    kind: 'open',
    key,
    severity: severity ? `${severity.id.toUpperCase()}, ${severity.label}` : incident.severity.toUpperCase(),
    title: incident.isPrivate ? undefined : incident.title,
    drill: incident.drill,
    step: page.step,
  };
}

function overMessage(page: Page): Message {
  switch (page.state) {
    case 'acknowledged':
      return msg`This page is over: it was already acknowledged.`;
    case 'resolved':
      return msg`This page is over: its incident was resolved.`;
    default:
      return msg`This page is over.`;
  }
}

/** Key 1 on the call acknowledges as the person called, key 2 escalates from the level the call was read at. */
export async function pressedOnCall(
  db: Db,
  press: { pageId: number; user: string; key: '1' | '2'; seenStep: number | undefined },
): Promise<{ ok: boolean; message: Message }> {
  const outcome =
    press.key === '1'
      ? await acknowledgePage(db, { pageId: press.pageId, actor: press.user, via: 'voice' })
      : await escalateNow(db, {
          pageId: press.pageId,
          actor: press.user,
          ...(press.seenStep === undefined ? {} : { expectedStep: press.seenStep }),
        });
  if (!outcome.ok) return { ok: false, message: outcome.message };
  const acked = press.key === '1' && !isTestPage(outcome.page);
  return { ok: true, message: acked ? msg`Acknowledged: escalation stopped.` : outcome.message };
}
