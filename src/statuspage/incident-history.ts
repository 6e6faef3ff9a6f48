/**
 * The page-wide incident history (`/status/history`), after Atlassian Statuspage's: every published
 * incident, resolved or not, under the UTC month it began in, newest first, three months a page. Pure.
 */
import type { PublicIncident } from './model.js';

export const MONTHS_PER_PAGE = 3;
/** 250 years back: any real history fits, and a page number past it is refused rather than computed. */
export const MAX_HISTORY_PAGE = 1000;

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export interface HistoryMonth {
  /** `YYYY-MM`, UTC. */
  key: string;
  /** `December 2026`. */
  label: string;
  /** Newest first, by when each began. */
  incidents: PublicIncident[];
}

export interface HistoryPage {
  page: number;
  /** Newest first; a month with no incident is listed too, as Statuspage does. */
  months: HistoryMonth[];
  /** Whether an incident began before this page's oldest month, so there is an older page to link to. */
  older: boolean;
}

/** `?page=`: absent is the first page; anything but a whole number from 1 to MAX_HISTORY_PAGE is undefined. */
export function parseHistoryPage(raw: string | null): number | undefined {
  if (raw === null) return 1;
  if (!/^[1-9][0-9]{0,3}$/.test(raw)) return undefined;
  const page = Number(raw);
  return page <= MAX_HISTORY_PAGE ? page : undefined;
}

const monthIndex = (at: Date): number => at.getUTCFullYear() * 12 + at.getUTCMonth();

function monthOf(index: number): Pick<HistoryMonth, 'key' | 'label'> {
  const year = Math.floor(index / 12);
  const month = index - year * 12;
  return { key: `${year}-${String(month + 1).padStart(2, '0')}`, label: `${MONTH_NAMES[month]} ${year}` };
}

/** Page `page` (1 is the one holding `now`'s month) of the history of `incidents`. */
export function incidentHistoryPage(incidents: readonly PublicIncident[], now: Date, page: number): HistoryPage {
  const current = monthIndex(now);
  const newest = current - (page - 1) * MONTHS_PER_PAGE;
  const oldest = newest - MONTHS_PER_PAGE + 1;
  // A publication stamped by the database a moment into next month, ahead of this process's clock,
  // still belongs on the first page.
  const began = (i: PublicIncident) => Math.min(monthIndex(i.createdAt), current);
  const ordered = [...incidents].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || Number(b.id) - Number(a.id));
  const months = Array.from({ length: MONTHS_PER_PAGE }, (_, k) => {
    const index = newest - k;
    return { ...monthOf(index), incidents: ordered.filter((i) => began(i) === index) };
  });
  return { page, months, older: incidents.some((i) => began(i) < oldest) };
}
