// The matchers a "Silence 2h" button on an alert line silences: the alert's group, not just that one alert
// and not everything of its name.
import { parseMatchers, type Labels, type Matcher } from './matchers.js';

/**
 * Alertmanager's group labels as its groupKey ends with them: `<route key>:{alertname="X", cluster="c"}`.
 * A label value may itself hold `:{`, so each candidate suffix is tried, and only a set of equalities that
 * all hold for the alert is taken. Undefined for any other key (PagerDuty's dedup_key, Grafana's own).
 */
export function groupLabelsOf(groupKey: string, labels: Labels): Labels | undefined {
  for (let at = groupKey.indexOf(':{'); at >= 0; at = groupKey.indexOf(':{', at + 1)) {
    const parsed = parseMatchers(groupKey.slice(at + 1));
    if (!parsed.ok || parsed.matchers.length === 0) continue;
    if (!parsed.matchers.every((m) => m.op === '=' && labels[m.name] === m.value)) continue;
    return Object.fromEntries(parsed.matchers.map((m) => [m.name, m.value]));
  }
  return undefined;
}

/**
 * What the button silences: `alertname` and the group's labels when the group key names them (the alerts
 * Alertmanager itself notified about together); else every label of the alert (that alert exactly, as
 * Alertmanager's own "Silence" link pre-fills). Equalities only, in name order, so the preview and the
 * silence made read the same.
 */
export function alertSilenceMatchers(labels: Labels, groupKey: string | undefined): Matcher[] {
  const group = groupKey === undefined ? undefined : groupLabelsOf(groupKey, labels);
  const chosen: Record<string, string> = group ? { ...group } : { ...labels };
  if (group && labels.alertname !== undefined) chosen.alertname = labels.alertname;
  return Object.keys(chosen)
    .filter((name) => chosen[name] !== '')
    .sort()
    .map((name) => ({ name, op: '=' as const, value: chosen[name]! }));
}
