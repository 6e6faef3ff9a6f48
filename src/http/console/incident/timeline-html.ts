// One timeline event as the <li> the page lists and the live stream sends: the same HTML either way.
import type { TimelineEvent } from '../../../db/schema.js';
import { eventMessage } from '../../../incidents/timeline-message.js';
import { messageHtml, peopleIn, type NamesOf } from '../../html.js';

/** "2026-05-04 13:05 UTC", the same for every reader of the page. */
export const utc = (date: Date): string => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export const timeHtml = (date: Date): string => `<time datetime="${date.toISOString()}">${utc(date)}</time>`;

export const timelinePeople = (events: readonly TimelineEvent[]): string[] => events.flatMap((e) => peopleIn(eventMessage(e)));

export function timelineItemHtml(event: TimelineEvent, names: Record<string, string>): string {
  return `<li id="event-${event.id}" data-event-id="${event.id}">${timeHtml(event.occurredAt)} ${messageHtml(eventMessage(event), names)}</li>`;
}

/** The events as list items, with every person they name looked up in one go. */
export async function timelineItems(events: readonly TimelineEvent[], namesOf: NamesOf): Promise<Array<{ id: number; html: string }>> {
  const names = await namesOf([...new Set(timelinePeople(events))]);
  return events.map((event) => ({ id: event.id, html: timelineItemHtml(event, names) }));
}
