// What a replay under another config changes against the running config's replay (or what was stored):
// incidents that would have opened or not, merged or split, alerts silenced, dropped or routed otherwise.
// Plain data in, plain data out.
import type { ReplayRecord, Side } from './replay-run.js';

export interface AlertExample {
  id: number;
  integration: string;
  fingerprint: string;
  alertname: string;
  receivedAt: string;
  against: Side;
  replayed: Side;
}

export interface IncidentExample {
  /** A stored incident's id, or a replayed incident's number (of the side the kind is about). */
  incident: number;
  alerts: number;
  /** The incidents of the other side its alerts went to. */
  others: number[];
  first: AlertExample;
}

export interface Kind<T> {
  count: number;
  examples: T[];
}

export interface ReplayDiff {
  events: number;
  /** Incidents the replay opens whose alerts were in no incident of the other side. */
  wouldOpen: Kind<IncidentExample>;
  /** Incidents of the other side none of whose alerts is in a replayed incident. */
  wouldNotOpen: Kind<IncidentExample>;
  /** Replayed incidents holding the alerts of several incidents of the other side. */
  merged: Kind<IncidentExample>;
  /** Incidents of the other side whose alerts the replay spreads over several incidents. */
  split: Kind<IncidentExample>;
  newlySilenced: Kind<AlertExample>;
  noLongerSilenced: Kind<AlertExample>;
  newlyDropped: Kind<AlertExample>;
  noLongerDropped: Kind<AlertExample>;
  /** Alerts routed to a different severity, page, type or service. */
  rerouted: Kind<AlertExample>;
}

export const DIFF_KINDS = [
  'wouldOpen',
  'wouldNotOpen',
  'merged',
  'split',
  'newlySilenced',
  'noLongerSilenced',
  'newlyDropped',
  'noLongerDropped',
  'rerouted',
] as const satisfies ReadonlyArray<keyof ReplayDiff>;

const ROUTED = ['severity', 'page', 'type', 'service'] as const;

function example(r: ReplayRecord): AlertExample {
  return {
    id: r.event.id,
    integration: r.event.integrationId,
    fingerprint: r.event.fingerprint,
    alertname: r.event.labels.alertname ?? '',
    receivedAt: r.event.receivedAt.toISOString(),
    against: r.against,
    replayed: r.replayed,
  };
}

const kind = <T>(): Kind<T> => ({ count: 0, examples: [] });

function add<T>(k: Kind<T>, limit: number, make: () => T): void {
  k.count++;
  if (k.examples.length < limit) k.examples.push(make());
}

interface Held {
  records: ReplayRecord[];
  others: Set<number>;
}

/** Each incident of one side, with its records and the other side's incidents those records went to. */
function incidentsOf(
  records: readonly ReplayRecord[],
  mine: (r: ReplayRecord) => number | null,
  theirs: (r: ReplayRecord) => number | null,
) {
  const out = new Map<number, Held>();
  for (const r of records) {
    const id = mine(r);
    if (id === null) continue;
    const side = out.get(id) ?? { records: [], others: new Set<number>() };
    side.records.push(r);
    const other = theirs(r);
    if (other !== null) side.others.add(other);
    out.set(id, side);
  }
  return out;
}

const incidentExample = (id: number, side: Held): IncidentExample => ({
  incident: id,
  alerts: side.records.length,
  others: [...side.others].sort((a, b) => a - b),
  first: example(side.records[0]!),
});

/** The differences between the other side's decisions and the replay's, with up to `limit` examples of each. */
export function diffReplay(records: readonly ReplayRecord[], limit: number): ReplayDiff {
  const diff: ReplayDiff = {
    events: records.length,
    wouldOpen: kind(),
    wouldNotOpen: kind(),
    merged: kind(),
    split: kind(),
    newlySilenced: kind(),
    noLongerSilenced: kind(),
    newlyDropped: kind(),
    noLongerDropped: kind(),
    rerouted: kind(),
  };
  for (const r of records) {
    const was = r.against.outcome;
    const now = r.replayed.outcome;
    if (now === 'silenced' && was !== 'silenced') add(diff.newlySilenced, limit, () => example(r));
    if (was === 'silenced' && now !== 'silenced') add(diff.noLongerSilenced, limit, () => example(r));
    if (now === 'dropped' && was !== 'dropped') add(diff.newlyDropped, limit, () => example(r));
    if (was === 'dropped' && now !== 'dropped') add(diff.noLongerDropped, limit, () => example(r));
    if (was !== 'dropped' && now !== 'dropped' && ROUTED.some((f) => r.against.set[f] !== r.replayed.set[f]))
      add(diff.rerouted, limit, () => example(r));
  }
  const replayed = incidentsOf(
    records,
    (r) => r.replayed.incident,
    (r) => r.against.incident,
  );
  const against = incidentsOf(
    records,
    (r) => r.against.incident,
    (r) => r.replayed.incident,
  );
  for (const [id, side] of replayed) {
    if (side.others.size === 0) add(diff.wouldOpen, limit, () => incidentExample(id, side));
    if (side.others.size > 1) add(diff.merged, limit, () => incidentExample(id, side));
  }
  for (const [id, side] of [...against].sort(([a], [b]) => a - b)) {
    if (side.others.size === 0) add(diff.wouldNotOpen, limit, () => incidentExample(id, side));
    if (side.others.size > 1) add(diff.split, limit, () => incidentExample(id, side));
  }
  return diff;
}

/** How many differences of every kind together. */
export const differences = (diff: ReplayDiff): number => DIFF_KINDS.reduce((n, k) => n + diff[k].count, 0);
