// Grouping: the key that puts alerts together into one incident.
import type { Labels } from './matchers.js';

// Code-unit order, so a key never depends on the host's locale.
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * With `group_by`, the sorted `name=value` pairs of those labels (a missing label is "", as Alertmanager
 * reads it); without, the source's own group key (Alertmanager's groupKey, PagerDuty's dedup_key).
 */
export function groupKeyOf(labels: Labels, groupBy: readonly string[] | undefined, sourceGroupKey: string): string {
  if (!groupBy?.length) return sourceGroupKey;
  return [...new Set(groupBy)]
    .sort(byName)
    .map((name) => `${name}=${labels[name] ?? ''}`)
    .join(',');
}

/** The key as a reason shows it: group_by keys as they are, a source's (often long) key cut short. */
export function describeGroup(key: string, byLabels: boolean): string {
  if (byLabels) return `group ${key}`;
  return `group ${key.length > 40 ? `${key.slice(0, 39)}…` : key}`;
}
