// Stored alert events run through the pipeline again, under a config, over a group state kept in memory:
// the same classifyBatch and planGroup the live ingest runs, and no database. Two replays of the same
// events (the running config's and another's) pair up event by event, as do a replay and what was stored.
import type { AlertOutcome } from '../db/schema.js';
import { classifyBatch, planGroup, type GroupAlert, type Outcome, type Pipeline } from './decide.js';
import type { Labels } from './matchers.js';
import type { RouteSet } from './route.js';

/** What replay reads of a stored alert event: the alert as it came, and what was decided for it then. */
export interface StoredEvent {
  id: number;
  integrationId: string;
  fingerprint: string;
  status: 'firing' | 'resolved';
  labels: Labels;
  sourceGroupKey: string;
  receivedAt: Date;
  set: Record<string, string>;
  outcome: AlertOutcome;
  silence: string | null;
  incidentId: number | null;
}

/** One side of an alert event's decision: what was stored, or what a replay decides. */
export interface Side {
  outcome: Outcome;
  set: Record<string, string>;
  silence: string | null;
  /** A stored incident's id on the stored side, a replayed incident's number (1, 2, …) on a replayed side. */
  incident: number | null;
}

/** An event and what one replay decided for it. */
export interface Decided {
  event: StoredEvent;
  decided: Side;
}

/** An event, what it is compared against (the running config's replay, or what was stored), and the replay under the other config. */
export interface ReplayRecord {
  event: StoredEvent;
  against: Side;
  replayed: Side;
}

interface ReplayGroup {
  incident: number | undefined;
  /** When the stored incident standing for the replayed one ended: the group closes then, as live. */
  endsAt: Date | undefined;
  /** Whether the replayed incident has a stored counterpart (else it ends once all its alerts resolved). */
  counterpart: boolean;
  alerts: Map<string, GroupAlert>;
  /** Records still waiting for open_after, by fingerprint: an opening takes them along. */
  waiting: Map<string, Decided[]>;
}

export interface Replay {
  /** Events in received order (then id); a batch may run over into the next call. */
  feed(events: readonly StoredEvent[]): void;
  /** Every record once the last batch is decided, and when each replayed incident's group closed. */
  finish(): { records: Decided[]; ends: Map<number, Date> };
}

const compact = (set: RouteSet): Record<string, string> =>
  Object.fromEntries(Object.entries(set).filter((e): e is [string, string] => e[1] !== undefined));
const sameBatch = (a: StoredEvent, b: StoredEvent) =>
  a.receivedAt.getTime() === b.receivedAt.getTime() && a.integrationId === b.integrationId && a.sourceGroupKey === b.sourceGroupKey;

/**
 * A replay under `pipeline`. Events stored together (one moment, integration and source group key) are one
 * batch again. A replayed group closes when the stored incident it stands for ended (`incidentEnds`), or,
 * for an incident that never was, once every alert of it resolved.
 */
export function createReplay(pipeline: Pipeline, incidentEnds: ReadonlyMap<number, Date>): Replay {
  const groups = new Map<string, ReplayGroup>();
  const records: Decided[] = [];
  const ends = new Map<number, Date>();
  let pending: StoredEvent[] = [];
  let nextIncident = 1;

  const decide = (batch: StoredEvent[]) => {
    const first = batch[0]!;
    const at = first.receivedAt;
    for (const [groupKey, items] of classifyBatch(pipeline, first.integrationId, first.sourceGroupKey, batch, at)) {
      const key = `${first.integrationId}\n${groupKey}`;
      let group = groups.get(key);
      if (group?.endsAt && group.endsAt.getTime() < at.getTime()) {
        if (group.incident !== undefined) ends.set(group.incident, group.endsAt);
        groups.delete(key);
        group = undefined;
      }
      const passingFiring = items.some((i) => !i.classified.routing.dropped && !i.classified.silence && i.item.status === 'firing');
      if (!group && passingFiring) {
        group = { incident: undefined, endsAt: undefined, counterpart: false, alerts: new Map(), waiting: new Map() };
        groups.set(key, group);
      }
      const plan = planGroup(
        { hasIncident: group?.incident !== undefined, alerts: group?.alerts ?? new Map() },
        items.map((i) => ({ alert: i.incoming, classified: i.classified })),
        pipeline.openAfter,
        at,
        pipeline.silences,
      );
      if (group && plan.openedBy !== undefined) {
        group.incident = nextIncident++;
        // The batch's own records come after; a waiting record of an alert that resolves in this batch is taken too.
        for (const fp of plan.attach) {
          for (const r of group.waiting.get(fp) ?? []) r.decided.incident = group.incident;
          group.waiting.delete(fp);
        }
      }
      items.forEach(({ item, classified }, i) => {
        const decision = plan.decisions[i]!;
        const incident = group?.incident;
        const record: Decided = {
          event: item,
          decided: {
            outcome: decision.outcome,
            set: compact(classified.routing.set),
            silence: classified.silence?.ref ?? null,
            incident: decision.inIncident && incident !== undefined ? incident : null,
          },
        };
        records.push(record);
        if (group && decision.outcome === 'waiting')
          group.waiting.set(item.fingerprint, [...(group.waiting.get(item.fingerprint) ?? []), record]);
        if (group && record.decided.incident !== null && item.incidentId !== null) {
          const end = incidentEnds.get(item.incidentId);
          group.counterpart = true;
          if (end && (!group.endsAt || end < group.endsAt)) group.endsAt = end;
        }
      });
      if (group) group.alerts = plan.alerts;
      // Whether it ends is read at the instant's end: an alert firing again in a later batch of the same
      // instant keeps it open, as it would had it come first.
      if (group?.incident !== undefined && !group.counterpart)
        group.endsAt = [...group.alerts.values()].every((a) => a.status === 'resolved') ? (group.endsAt ?? at) : undefined;
    }
  };

  return {
    feed(events) {
      for (const event of events) {
        if (pending.length && !sameBatch(pending[0]!, event)) {
          decide(pending);
          pending = [];
        }
        pending.push(event);
      }
    },
    finish() {
      if (pending.length) decide(pending);
      pending = [];
      for (const g of groups.values()) if (g.incident !== undefined && g.endsAt) ends.set(g.incident, g.endsAt);
      return { records, ends };
    },
  };
}

/** Received order, then the order they were stored in: how replay takes events however they were listed. */
export const inReceivedOrder = (events: readonly StoredEvent[]): StoredEvent[] =>
  [...events].sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a.id - b.id);

/** Each replayed event against what was stored for it: the decisions made at the time, under whatever config ran then. */
export const againstStored = (replayed: readonly Decided[]): ReplayRecord[] =>
  replayed.map(({ event, decided }) => ({
    event,
    against: { outcome: event.outcome, set: event.set, silence: event.silence, incident: event.incidentId },
    replayed: decided,
  }));

/**
 * Two replays of the same events paired event by event. Both took the same batches and kept the same last
 * word on each alert of a batch (neither depends on the config), so each holds the same events.
 */
export function pairReplays(against: readonly Decided[], replayed: readonly Decided[]): ReplayRecord[] {
  const byId = new Map(against.map((d) => [d.event.id, d.decided]));
  return replayed.map(({ event, decided }) => {
    const other = byId.get(event.id);
    if (!other) throw new Error(`alert event ${event.id} was replayed under one config only`);
    return { event, against: other, replayed: decided };
  });
}
