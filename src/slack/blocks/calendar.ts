// What `/incident oncall calendar` answers: the private feed URLs and how to subscribe to them.
import { escapeMrkdwn } from './text.js';

export interface CalendarLinks {
  /** The person's own feed: their shifts on every schedule. */
  person: string;
  /** Schedule feeds (everyone's shifts), by schedule id. */
  schedules: ReadonlyArray<{ id: string; url: string }>;
  /** No schedule was named and the person is on no rotation. */
  onNoRotation: boolean;
}

const HOW_TO_ADD =
  '*Add it:* Google Calendar → Other calendars ＋ → *From URL*. Outlook → Add calendar → *Subscribe from web*. ' +
  'Your calendar app decides how often it refreshes (Google and Outlook: every few hours).';

const KEEP_PRIVATE =
  'Keep these links private: anyone who has one can read the shifts. If one leaks, `/incident oncall calendar reset` ' +
  'gives you a new link (or `/incident oncall calendar reset <schedule>` for a schedule’s) and the old one stops working.';

export function calendarLinksText({ person, schedules, onNoRotation }: CalendarLinks): string {
  return [
    `📅 *Your on-call calendar*: your shifts on every schedule, from 4 weeks ago to 12 months ahead.\n<${person}>`,
    ...schedules.map((s) => `📅 *${escapeMrkdwn(s.id)}*: everyone’s shifts.\n<${s.url}>`),
    ...(onNoRotation ? ['You are on no schedule’s rotation; `/incident oncall calendar <schedule>` gives a schedule’s link.'] : []),
    KEEP_PRIVATE,
    HOW_TO_ADD,
  ].join('\n\n');
}

/** After a reset: the new link, and that the old one is gone. */
export function calendarResetText(what: { scheduleId: string | undefined; url: string }): string {
  const whose = what.scheduleId ? `*${escapeMrkdwn(what.scheduleId)}*’s calendar` : 'your on-call calendar';
  return [
    `🔁 New link for ${whose}; the old link no longer works (calendars subscribed to it must subscribe again).\n<${what.url}>`,
    HOW_TO_ADD,
  ].join('\n\n');
}
