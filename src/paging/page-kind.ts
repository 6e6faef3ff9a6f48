import { sql } from 'drizzle-orm';
import { pages, type Page } from '../db/schema.js';

export const isTestPage = (page: Pick<Page, 'kind'>): boolean => page.kind === 'test';

/**
 * The incident of a page on a path only incident pages take (escalation steps, an incident's own flows):
 * a test page there is a bug, not a state to carry on from.
 */
export function incidentIdOf(page: Pick<Page, 'id' | 'incidentId'>): number {
  if (page.incidentId === null) throw new Error(`page ${page.id} is a test page, which has no incident`);
  return page.incidentId;
}

/** What an acknowledgement writes on its page, incident or test: who, when, and that nothing more is due. */
export const acknowledgedBy = (actor: string) => ({
  state: 'acknowledged' as const,
  acknowledgedBy: actor,
  acknowledgedAt: sql`now()`,
  nextEscalationAt: null,
  endedAt: sql`now()`,
  step: sql`${pages.step} + 1`,
});
