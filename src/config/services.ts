// The service catalogue's own keys (issue 18). The services themselves are read with the alerting keys,
// where alert routes may name them; what affecting one does is configured here.
import { z } from 'zod';

const tier = z.number().int().min(1, 'expected a tier from 1 (most critical) to 4').max(4, 'expected a tier from 1 (most critical) to 4');

/**
 * Tiers whose owning policy is paged when a service is marked affected. Only tier 1 by default: a team
 * that marks a tier-3 service affected usually wants its owners told (they are invited), not woken.
 */
export const DEFAULT_PAGE_TIERS = [1];

export const servicesKeys = {
  page_tiers: z.array(tier).default(DEFAULT_PAGE_TIERS),
};

interface Catalogue {
  services: { id: string; depends_on: string[] }[];
}

/** Pure: one dependency cycle of the catalogue as the ids along it (first id repeated at the end), if there is one. */
export function dependencyCycle(services: Catalogue['services']): string[] | undefined {
  const dependsOn = new Map(services.map((s) => [s.id, s.depends_on]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'open');
    stack.push(id);
    for (const next of dependsOn.get(id) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next) && dependsOn.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const s of services) {
    if (state.has(s.id)) continue;
    const found = visit(s.id);
    if (found) return found;
  }
  return undefined;
}

/** Refuses a catalogue whose dependencies go round in a circle, naming the services along it. */
export function checkServices(cfg: Catalogue, ctx: z.RefinementCtx): void {
  const cycle = dependencyCycle(cfg.services);
  if (!cycle) return;
  const at = cfg.services.findIndex((s) => s.id === cycle[0]);
  ctx.addIssue({
    code: 'custom',
    path: ['services', at, 'depends_on'],
    message: `services depend on each other in a circle: ${cycle.join(' → ')}; a dependency must not lead back to the service`,
  });
}
