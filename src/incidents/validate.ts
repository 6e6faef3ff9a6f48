import { findSeverity, type Config, type Severity } from '../config/load.js';

export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 3_000;

export type FieldErrors = Partial<Record<'title' | 'severity' | 'description' | 'type', string>>;

export function titleError(title: string): string | undefined {
  const trimmed = title.trim();
  if (!trimmed) return 'Give the incident a title: what is broken, in a few words.';
  if (trimmed.length > MAX_TITLE) return `The title is ${trimmed.length} characters; keep it to ${MAX_TITLE} or fewer.`;
  return undefined;
}

export function severityError(config: Config, id: string): string | undefined {
  if (findSeverity(config, id)) return undefined;
  return `Unknown severity "${id}". Choose one of: ${config.severities.map((s) => s.id).join(', ')}.`;
}

export function describeSeverity(severity: Severity): string {
  return `${severity.id.toUpperCase()} (${severity.label})`;
}
