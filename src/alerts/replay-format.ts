// The replay's differences as people read them in a terminal.
import { DIFF_KINDS, differences, type AlertExample, type IncidentExample, type ReplayDiff } from './replay.js';

export interface ReplayHeader {
  config: string;
  from: Date;
  until: Date;
}

const TITLES: Record<(typeof DIFF_KINDS)[number], string> = {
  wouldOpen: 'Incidents that would have opened and did not',
  wouldNotOpen: 'Incidents that opened and would not have',
  merged: 'Incidents that would have been merged into one',
  split: 'Incidents whose alerts would have been split into several',
  newlySilenced: 'Alerts newly silenced',
  noLongerSilenced: 'Alerts no longer silenced',
  newlyDropped: 'Alerts newly dropped',
  noLongerDropped: 'Alerts no longer dropped',
  rerouted: 'Alerts routed to a different severity, page, type or service',
};

const REPLAYED = new Set<string>(['wouldOpen', 'merged']);

const inc = (n: number) => `INC-${n}`;
const replayedInc = (n: number) => `replayed incident ${n}`;
const setText = (set: Record<string, string>) => {
  const parts = Object.entries(set)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(' ') : 'nothing set';
};

function alertText(a: AlertExample): string {
  return `${a.alertname || '(no alertname)'} [${a.integration} ${a.fingerprint}] at ${a.receivedAt}`;
}

function decisionText(side: AlertExample['actual'], key: (n: number) => string): string {
  if (side.outcome === 'silenced') return `silenced by ${side.silence ?? 'a silence'}`;
  return side.incident === null ? side.outcome : `${side.outcome} ${key(side.incident)}`;
}

function alertLine(kind: string, a: AlertExample): string {
  if (kind === 'rerouted') return `${alertText(a)}: ${setText(a.actual.set)} → ${setText(a.replayed.set)}`;
  return `${alertText(a)}: was ${decisionText(a.actual, inc)}, would be ${decisionText(a.replayed, replayedInc)}`;
}

function incidentLine(kind: string, i: IncidentExample): string {
  const [self, other] = REPLAYED.has(kind) ? [replayedInc, inc] : [inc, replayedInc];
  const others = i.others.length ? `, alerts went to ${i.others.map(other).join(', ')}` : '';
  return `${self(i.incident)}: ${i.alerts} alert event${i.alerts === 1 ? '' : 's'}${others}; first ${alertText(i.first)}`;
}

/** A summary: counts of every kind, and the examples kept. */
export function formatReplay(diff: ReplayDiff, header: ReplayHeader): string {
  const n = differences(diff);
  const lines = [
    `Replay of ${diff.events} alert event${diff.events === 1 ? '' : 's'} from ${header.from.toISOString()} to ${header.until.toISOString()} under ${header.config}: ${n === 0 ? 'no differences' : `${n} difference${n === 1 ? '' : 's'}`}`,
  ];
  for (const kind of DIFF_KINDS) {
    const k = diff[kind];
    lines.push('', `${TITLES[kind]}: ${k.count}`);
    for (const e of k.examples) lines.push(`  - ${'incident' in e ? incidentLine(kind, e) : alertLine(kind, e)}`);
    if (k.count > k.examples.length) lines.push(`  … and ${k.count - k.examples.length} more`);
  }
  return lines.join('\n');
}
