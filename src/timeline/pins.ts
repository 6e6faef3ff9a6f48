/**
 * The pinned messages of a timeline: each pin not followed by an unpin of the same message. Order is by
 * when events were recorded (id), not occurred_at: a pin is dated at the message's own time.
 */
export function activePins<E extends { id: number; kind: string; data: Record<string, unknown> }>(events: readonly E[]): E[] {
  const latest = new Map<string, E>();
  for (const event of [...events].sort((a, b) => a.id - b.id)) {
    const ts = String(event.data.ts ?? '');
    if (event.kind === 'message_pinned') latest.set(ts, event);
    if (event.kind === 'message_unpinned') latest.delete(ts);
  }
  return [...latest.values()];
}
