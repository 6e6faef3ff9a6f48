import { defaultSeverity, findSeverity, type Config, type Severity } from '../config/load.js';

export type Integration = Config['integrations'][number];

/** Our severity for an alert: the integration's map of the source's severity, else its default, else the least severe. */
export function severityFor(config: Config, integration: Integration, sourceSeverity: string | null): Severity {
  const mapped = sourceSeverity ? integration.severity_map[sourceSeverity] : undefined;
  return findSeverity(config, mapped ?? integration.severity ?? '') ?? defaultSeverity(config);
}
