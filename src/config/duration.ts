const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

export const DURATION_HINT = 'a whole number followed by s, m, h, d or w (e.g. 30s, 5m, 2h, 1d, 1w)';

/** Parses `30s`, `5m`, `2h`, `1d`, `1w` into milliseconds; null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+)\s*([smhdw])\s*$/.exec(text);
  if (!match) return null;
  const amount = Number(match[1]);
  const unit = match[2] as keyof typeof UNIT_MS;
  if (!Number.isSafeInteger(amount) || amount <= 0) return null;
  return amount * UNIT_MS[unit];
}

/** A delay after something happens: a duration, or zero (`0`, `0m`) for at once. */
export function parseDelay(text: string): number | null {
  return /^\s*0+\s*[smhdw]?\s*$/.test(text) ? 0 : parseDuration(text);
}

/** The shortest exact rendering of a duration, the inverse of parseDuration for whole units. */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}
