// A server-sent event stream read with fetch, as EventSource would read it, for tests to wait on events.
import { cookieHeader } from './console.js';

export interface StreamEvent {
  id: string | undefined;
  event: string;
  data: string;
}

export interface EventStream {
  status: number;
  contentType: string;
  /** Every event so far. */
  events: StreamEvent[];
  /** The first event, seen already or yet to come, that `match` accepts. */
  next(match: (event: StreamEvent) => boolean, timeoutMs?: number): Promise<StreamEvent>;
  /** Comments (heartbeats) seen so far. */
  comments: string[];
  /** Settles once the server has ended the stream (or close() aborted it). */
  ended: Promise<void>;
  close(): void;
}

export async function openEventStream(
  url: string,
  cookies: Record<string, string>,
  options: { lastEventId?: string } = {},
): Promise<EventStream> {
  const abort = new AbortController();
  const res = await fetch(url, {
    signal: abort.signal,
    headers: {
      cookie: cookieHeader(cookies),
      accept: 'text/event-stream',
      ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}),
    },
  });
  const events: StreamEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  let ended = false;
  const reading = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const event: StreamEvent = { id: undefined, event: 'message', data: '' };
          let hasData = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            const [, field, value = ''] = /^([^:]+):? ?(.*)$/.exec(line) ?? [];
            if (field === 'id') event.id = value;
            else if (field === 'event') event.event = value;
            else if (field === 'data') {
              event.data += (hasData ? '\n' : '') + value;
              hasData = true;
            }
          }
          if (hasData) events.push(event);
          for (const wake of waiters) wake();
        }
      }
    } catch {
      // Aborted by close().
    } finally {
      ended = true;
      for (const wake of waiters) wake();
    }
  })();
  return {
    ended: reading,
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    events,
    comments,
    next(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (found) return done(() => resolve(found));
          if (ended) done(() => reject(new Error(`the stream ended without the event; it sent ${JSON.stringify(events)}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`no such event within ${timeoutMs} ms; the stream sent ${JSON.stringify(events)}`))),
          timeoutMs,
        );
        const done = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      abort.abort();
    },
  };
}
