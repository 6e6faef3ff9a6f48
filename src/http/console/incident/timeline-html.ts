// One timeline event as the <li> the page lists and the live stream sends: the same HTML either way.
import type { TimelineEvent } from '../../../db/schema.js';
import { eventMessage } from '../../../incidents/timeline-message.js';
import type { Message } from '../../../outcome.js';
import { messageHtml, peopleIn, type NamesOf } from '../../html.js';

/** "2026-05-04 13:05 UTC", the same for every reader of the page. */
export const utc = (date: Date): string => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export const timeHtml = (date: Date): string => `<time datetime="${date.toISOString()}">${utc(date)}</time>`;

function itemHtml(event: TimelineEvent, message: Message, names: Record<string, string>): string {
  return `<li id="event-${event.id}" data-event-id="${event.id}">${timeHtml(event.occurredAt)} ${messageHtml(message, names)}</li>`;
}

export function timelineItemHtml(event: TimelineEvent, names: Record<string, string>): string {
  return itemHtml(event, eventMessage(event), names);
}

/** The events as list items, each worded once, with every person they name looked up in one go. */
export async function timelineItems(events: readonly TimelineEvent[], namesOf: NamesOf): Promise<Array<{ id: number; html: string }>> {
  const messages = events.map(eventMessage);
  const names = await namesOf([...new Set(messages.flatMap(peopleIn))]);
  return events.map((event, i) => ({ id: event.id, html: itemHtml(event, messages[i] ?? [], names) }));
}
