// New timeline events as they commit, from any process: one LISTEN per process (migration 0027's trigger
// notifies `incident:id`), and per incident that someone watches, one fetch per burst of notifications
// whose rows go to every watcher at once.
import { and, eq, gt, inArray, max, or } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { timelineEvents, type TimelineEvent } from '../db/schema.js';
import type { Logger } from '../logger.js';

export const TIMELINE_CHANNEL = 'firewatch_timeline';

export interface TimelineWatcher {
  /** New events of the incident, oldest first; the same array goes to every watcher of a fetch. */
  events(rows: readonly TimelineEvent[]): void;
  /** The feed is stopping: the watcher ends. */
  end(): void;
}

interface Watched {
  watchers: Set<TimelineWatcher>;
  /** Ids already handed out. Identity ids can commit out of order, so a lower id may still come. */
  sent: Set<number>;
  /** The highest id handed out, or in the table when watching began. */
  high: number;
  /** Ids notified and not fetched yet. */
  notified: number[];
  fetching: Promise<void> | undefined;
}

/** Ids far below the highest cannot still be in flight; forgetting them keeps `sent` small. */
const REMEMBERED = 10_000;

export class TimelineFeed {
  private readonly watched = new Map<number, Watched>();
  private unlisten: (() => Promise<void>) | undefined;
  private stopped = false;

  constructor(
    private readonly database: Pick<Database, 'db' | 'listen'>,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.database.listen(
      TIMELINE_CHANNEL,
      (payload) => this.notified(payload),
      // Notifications sent while the listener was reconnecting are gone; every watched incident looks again.
      () => {
        for (const id of this.watched.keys()) this.fetchSoon(id);
      },
    );
  }

  /** Watches the incident until the answered function is called; events committed after this call reach `watcher`. */
  async watch(incidentId: number, watcher: TimelineWatcher): Promise<() => void> {
    if (this.stopped) {
      watcher.end();
      return () => {};
    }
    let state = this.watched.get(incidentId);
    if (!state) {
      const [row] = await this.database.db
        .select({ high: max(timelineEvents.id) })
        .from(timelineEvents)
        .where(eq(timelineEvents.incidentId, incidentId));
      // Another watcher may have begun while this one read the highest id.
      state = this.watched.get(incidentId) ?? {
        watchers: new Set(),
        sent: new Set(),
        high: row?.high ?? 0,
        notified: [],
        fetching: undefined,
      };
      this.watched.set(incidentId, state);
    }
    state.watchers.add(watcher);
    const watched = state;
    return () => {
      watched.watchers.delete(watcher);
      if (watched.watchers.size === 0 && this.watched.get(incidentId) === watched) this.watched.delete(incidentId);
    };
  }

  /** Ends every watcher and stops listening; open streams close so the HTTP server can. */
  async stop(): Promise<void> {
    this.stopped = true;
    const watchers = [...this.watched.values()].flatMap((w) => [...w.watchers]);
    this.watched.clear();
    for (const watcher of watchers) watcher.end();
    await this.unlisten?.().catch((err: unknown) => this.logger.warn({ err }, 'timeline feed: unlisten failed'));
    this.unlisten = undefined;
  }

  private notified(payload: string): void {
    const match = /^(\d+):(\d+)$/.exec(payload);
    if (!match) return;
    const state = this.watched.get(Number(match[1]));
    if (!state) return;
    state.notified.push(Number(match[2]));
    this.fetchSoon(Number(match[1]));
  }

  /** One fetch at a time per incident; notifications arriving meanwhile are fetched by the next. */
  private fetchSoon(incidentId: number): void {
    const state = this.watched.get(incidentId);
    if (!state || state.fetching) return;
    state.fetching = this.fetch(incidentId, state)
      .catch((err: unknown) => this.logger.warn({ err, incidentId }, 'timeline feed: fetching new events failed'))
      .finally(() => {
        state.fetching = undefined;
        if (state.notified.length > 0 && this.watched.get(incidentId) === state) this.fetchSoon(incidentId);
      });
  }

  private async fetch(incidentId: number, state: Watched): Promise<void> {
    const ids = state.notified.splice(0);
    const newer = gt(timelineEvents.id, state.high);
    const rows = await this.database.db
      .select()
      .from(timelineEvents)
      .where(and(eq(timelineEvents.incidentId, incidentId), ids.length > 0 ? or(inArray(timelineEvents.id, ids), newer) : newer))
      .orderBy(timelineEvents.id);
    const fresh = rows.filter((row) => !state.sent.has(row.id));
    if (fresh.length === 0) return;
    for (const row of fresh) {
      state.sent.add(row.id);
      state.high = Math.max(state.high, row.id);
    }
    if (state.sent.size > REMEMBERED) {
      for (const id of state.sent) if (id < state.high - REMEMBERED) state.sent.delete(id);
    }
    for (const watcher of state.watchers) watcher.events(fresh);
  }
}
