// The open decision of each alert of a group, as plain data: the same function runs live and in replay.
import type { Labels } from './matchers.js';
import { silenceFor, type SilenceRule } from './silence-match.js';
import { route, type AlertRoute, type Routing } from './route.js';
import { groupKeyOf } from './grouping.js';

export type Outcome = 'opened' | 'joined' | 'waiting' | 'silenced' | 'dropped' | 'duplicate' | 'resolved';

export interface OpenAfter {
  count: number;
  /** Milliseconds. */
  within: number;
}

/** A silence as the pipeline matches it, with the reference an alert event stores (a stored id or a config id). */
export interface PipelineSilence extends SilenceRule {
  ref: string;
}

export interface Pipeline {
  routes: readonly AlertRoute[];
  groupBy: readonly string[] | undefined;
  openAfter: OpenAfter | undefined;
  silences: readonly PipelineSilence[];
}

export interface IncomingAlert {
  integration: string;
  fingerprint: string;
  status: 'firing' | 'resolved';
  labels: Labels;
  /** The source's own group key: Alertmanager's groupKey, PagerDuty's dedup_key. */
  sourceGroupKey: string;
}

export interface Classified {
  routing: Routing;
  groupKey: string;
  silence: PipelineSilence | undefined;
}

/** Route, group key and the silence holding it: what does not depend on the group's state. */
export function classify(alert: IncomingAlert, pipeline: Pipeline, at: Date): Classified {
  const routing = route(alert, pipeline.routes);
  const silence = alert.status === 'firing' && !routing.dropped ? silenceFor(alert.labels, at, pipeline.silences) : undefined;
  return { routing, groupKey: groupKeyOf(alert.labels, pipeline.groupBy, alert.sourceGroupKey), silence };
}

/**
 * An alert of a group as the decision reads it: its latest state, when it was last received firing
 * (null if never), and its labels, which say whether a silence holds it now. open_after counts the alerts
 * that fired within the window, resolved since or not, so that a resolve arriving before or after another
 * alert's firing at one moment counts the same.
 */
export interface GroupAlert {
  status: 'firing' | 'resolved';
  lastFiringAt: Date | null;
  /**
   * When it last went from firing to resolved (null if it has not, or nobody knows: live ingest reads
   * none, since two deliveries are never one moment there). An alert resolved at the very moment a group
   * opens was firing at that moment, so the opening takes it along, in whatever batch its resolve came.
   */
  resolvedAt: Date | null;
  labels: Labels;
}

/** What the pipeline knows of a group before a batch: whether it has an open incident, and its alerts' latest states. */
export interface GroupState {
  hasIncident: boolean;
  alerts: ReadonlyMap<string, GroupAlert>;
}

export interface Decision {
  outcome: Outcome;
  /**
   * Whether the event goes on the group's incident (the open one, or the one this batch opens). A resolve
   * or repeat of an alert the group never knew is not the incident's: whether it came in the opener's
   * batch or just before must not decide that.
   */
  inIncident: boolean;
  /** For 'opened': how many alerts of the group fired within the window. */
  firingInWindow?: number;
}

export interface GroupPlan {
  decisions: Decision[];
  /** The index of the alert that opened the incident, if one opened. */
  openedBy: number | undefined;
  /** Fingerprints of the group's alerts (earlier ones included) that the new incident holds. */
  attach: string[];
  /** The group's alerts' latest states after the batch (silenced and dropped alerts, and resolves of unknown ones, are not among them). */
  alerts: Map<string, GroupAlert>;
}

/**
 * The decisions for the alerts of one group arriving together at `at`. An alert of a group with an open
 * incident joins it; otherwise the group opens one once `openAfter.count` of its alerts fired within
 * `openAfter.within` (this batch included) and takes the waiting ones along. The batch is taken as a whole,
 * so the order of its alerts never changes which incident opens or what it holds. Silenced and dropped
 * alerts never open, join or count; nor does an alert that waited before a silence that holds it now began
 * (`silences`): it stays stored as waiting, and is never both silenced and opened.
 */
export function planGroup(
  state: GroupState,
  batch: ReadonlyArray<{ alert: IncomingAlert; classified: Classified }>,
  openAfter: OpenAfter | undefined,
  at: Date,
  silences: readonly SilenceRule[],
): GroupPlan {
  const alerts = new Map(state.alerts);
  const passes = (i: number) => !batch[i]!.classified.routing.dropped && !batch[i]!.classified.silence;
  const known = batch.map(({ alert }) => state.alerts.get(alert.fingerprint)?.status);
  const firedAt = (fingerprint: string) => state.alerts.get(fingerprint)?.lastFiringAt ?? null;
  // A resolve of an alert the group never knew changes nothing of it: kept, it would make the alert known
  // (its next resolve tied to the incident) only when it came in the same batch as a firing one.
  batch.forEach(({ alert }, i) => {
    if (passes(i) && (alert.status === 'firing' || known[i] !== undefined))
      alerts.set(alert.fingerprint, {
        status: alert.status,
        lastFiringAt: alert.status === 'firing' ? at : firedAt(alert.fingerprint),
        resolvedAt:
          alert.status === 'firing' ? null : known[i] === 'firing' ? at : (state.alerts.get(alert.fingerprint)?.resolvedAt ?? null),
        labels: alert.labels,
      });
  });
  const since = at.getTime() - (openAfter?.within ?? 0);
  const unsilenced = (a: GroupAlert) => silenceFor(a.labels, at, silences) === undefined;
  const fired = (a: GroupAlert) => a.lastFiringAt !== null && a.lastFiringAt.getTime() >= since;
  const inWindow = [...alerts].filter(([, a]) => fired(a) && unsilenced(a)).map(([fp]) => fp);
  // An opening takes along every alert of the group still firing, not only those that counted: one that
  // waited longer than the window is in the incident, so its next firing is a repeat there, not a stranger.
  // "Still firing" is as of this moment as a whole: one resolved at this very moment is taken along too,
  // whether its resolve came in this batch or an earlier one of the moment. One a silence holds now stays out.
  const now = at.getTime();
  const firingNow = (a: GroupAlert) => a.status === 'firing' || a.resolvedAt?.getTime() === now;
  const held = [...alerts].filter(([, a]) => (fired(a) || firingNow(a)) && unsilenced(a)).map(([fp]) => fp);
  const firstFiring = batch.findIndex(({ alert }, i) => passes(i) && alert.status === 'firing');
  const opens = !state.hasIncident && firstFiring >= 0 && inWindow.length >= (openAfter?.count ?? 1);
  const incident = state.hasIncident || opens;
  const decisions = batch.map(({ alert, classified }, i): Decision => {
    if (classified.routing.dropped) return { outcome: 'dropped', inIncident: false };
    if (classified.silence) return { outcome: 'silenced', inIncident: false };
    if (alert.status === 'resolved')
      return { outcome: known[i] === 'firing' ? 'resolved' : 'duplicate', inIncident: incident && known[i] !== undefined };
    if (opens)
      return i === firstFiring
        ? { outcome: 'opened', inIncident: true, firingInWindow: inWindow.length }
        : { outcome: 'joined', inIncident: true };
    if (state.hasIncident) return { outcome: known[i] === 'firing' ? 'duplicate' : 'joined', inIncident: true };
    return { outcome: 'waiting', inIncident: false };
  });
  return { decisions, openedBy: opens ? firstFiring : undefined, attach: opens ? held : [], alerts };
}

/** One alert of a batch with its classification; `item` is what the caller came with (a normalized alert, a stored event). */
export interface BatchItem<T> {
  item: T;
  incoming: IncomingAlert;
  classified: Classified;
}

/**
 * A batch's alerts classified and put into their groups, keys in the order groups are decided (and locked)
 * in. The last word on an alert within one batch is its last entry. Live ingest and replay both start here.
 */
export function classifyBatch<T extends { fingerprint: string; status: 'firing' | 'resolved'; labels: Labels }>(
  pipeline: Pipeline,
  integration: string,
  sourceGroupKey: string,
  items: readonly T[],
  at: Date,
): Array<[string, BatchItem<T>[]]> {
  const latest = [...new Map(items.map((a) => [a.fingerprint, a])).values()];
  const byGroup = new Map<string, BatchItem<T>[]>();
  for (const item of latest) {
    const incoming: IncomingAlert = {
      integration,
      fingerprint: item.fingerprint,
      status: item.status,
      labels: item.labels,
      sourceGroupKey,
    };
    const classified = classify(incoming, pipeline, at);
    const group = byGroup.get(classified.groupKey) ?? [];
    group.push({ item, incoming, classified });
    byGroup.set(classified.groupKey, group);
  }
  // Groups are taken in one order everywhere, so two batches sharing groups never deadlock.
  return [...byGroup.keys()].sort().map((key) => [key, byGroup.get(key)!]);
}
