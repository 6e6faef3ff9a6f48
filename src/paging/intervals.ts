// Sets of time as sorted, disjoint, non-touching [start, end) intervals in epoch milliseconds.

export interface Interval {
  start: number;
  end: number;
}

/** Sorted, with overlapping and touching intervals joined and empty ones dropped. */
export function merge(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const { start, end } of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else out.push({ start, end });
  }
  return out;
}

/** What of `a` is not in `b`; both merged. */
export function subtract(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let j = 0;
  for (const { start, end } of a) {
    let cursor = start;
    while (j < b.length && b[j]!.end <= cursor) j++;
    for (let k = j; k < b.length && b[k]!.start < end; k++) {
      if (b[k]!.start > cursor) out.push({ start: cursor, end: b[k]!.start });
      cursor = Math.max(cursor, b[k]!.end);
    }
    if (cursor < end) out.push({ start: cursor, end });
  }
  return out;
}

/** What is in both `a` and `b`; both merged. */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i]!.start, b[j]!.start);
    const end = Math.min(a[i]!.end, b[j]!.end);
    if (start < end) out.push({ start, end });
    if (a[i]!.end < b[j]!.end) i++;
    else j++;
  }
  return out;
}

export const union = (a: readonly Interval[], b: readonly Interval[]): Interval[] => merge([...a, ...b]);
