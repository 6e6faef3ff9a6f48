// The replay's differences as people read them in a terminal.
import { DIFF_KINDS, differences, type AlertExample, type IncidentExample, type ReplayDiff } from './replay.js';

/** What the replay was compared against: a config's replay (named by its file), or the stored decisions. */
export type AgainstHeader = { kind: 'config'; name: string } | { kind: 'stored' };

export interface ReplayHeader {
  config: string;
  against: AgainstHeader;
  from: Date;
  until: Date;
}

type Titles = Record<(typeof DIFF_KINDS)[number], string>;

const ALERT_TITLES = {
  newlySilenced: 'Alerts newly silenced',
  noLongerSilenced: 'Alerts no longer silenced',
  newlyDropped: 'Alerts newly dropped',
  noLongerDropped: 'Alerts no longer dropped',
  rerouted: 'Alerts routed to a different severity, page, type or service',
};

const STORED_TITLES: Titles = {
  wouldOpen: 'Incidents that would have opened and did not',
  wouldNotOpen: 'Incidents that opened and would not have',
  merged: 'Incidents that would have been merged into one',
  split: 'Incidents whose alerts would have been split into several',
  ...ALERT_TITLES,
};

const RUNNING_TITLES: Titles = {
  wouldOpen: 'Incidents that would open and do not under the running config',
  wouldNotOpen: 'Incidents that open under the running config and would not',
  merged: 'Incidents that would be merged into one',
  split: 'Incidents whose alerts would be split into several',
  ...ALERT_TITLES,
};

const REPLAYED = new Set<string>(['wouldOpen', 'merged']);

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

function decisionText(side: AlertExample['against'], key: (n: number) => string): string {
  if (side.outcome === 'silenced') return `silenced by ${side.silence ?? 'a silence'}`;
  return side.incident === null ? side.outcome : `${side.outcome} ${key(side.incident)}`;
}

interface Voice {
  titles: Titles;
  /** How the other side's incidents are named: stored ones by key, the running config's replayed ones by number. */
  inc: (n: number) => string;
  /** "was" what was stored; "is" what the running config decides. */
  tense: string;
}

const voiceOf = (against: AgainstHeader): Voice =>
  against.kind === 'stored'
    ? { titles: STORED_TITLES, inc: (n) => `INC-${n}`, tense: 'was' }
    : { titles: RUNNING_TITLES, inc: (n) => `running incident ${n}`, tense: 'is' };

function alertLine(voice: Voice, kind: string, a: AlertExample): string {
  if (kind === 'rerouted') return `${alertText(a)}: ${setText(a.against.set)} → ${setText(a.replayed.set)}`;
  return `${alertText(a)}: ${voice.tense} ${decisionText(a.against, voice.inc)}, would be ${decisionText(a.replayed, replayedInc)}`;
}

function incidentLine(voice: Voice, kind: string, i: IncidentExample): string {
  const [self, other] = REPLAYED.has(kind) ? [replayedInc, voice.inc] : [voice.inc, replayedInc];
  const others = i.others.length ? `, alerts went to ${i.others.map(other).join(', ')}` : '';
  return `${self(i.incident)}: ${i.alerts} alert event${i.alerts === 1 ? '' : 's'}${others}; first ${alertText(i.first)}`;
}

/** A summary: counts of every kind, and the examples kept. */
export function formatReplay(diff: ReplayDiff, header: ReplayHeader): string {
  const n = differences(diff);
  const voice = voiceOf(header.against);
  const against = header.against.kind === 'stored' ? 'what was stored' : header.against.name;
  const lines = [
    `Replay of ${diff.events} alert event${diff.events === 1 ? '' : 's'} from ${header.from.toISOString()} to ${header.until.toISOString()} under ${header.config} against ${against}: ${n === 0 ? 'no differences' : `${n} difference${n === 1 ? '' : 's'}`}`,
  ];
  for (const kind of DIFF_KINDS) {
    const k = diff[kind];
    lines.push('', `${voice.titles[kind]}: ${k.count}`);
    for (const e of k.examples) lines.push(`  - ${'incident' in e ? incidentLine(voice, kind, e) : alertLine(voice, kind, e)}`);
    if (k.count > k.examples.length) lines.push(`  … and ${k.count - k.examples.length} more`);
  }
  return lines.join('\n');
}
