// The postmortem's "Affected services": each service marked affected, its tier and what it depends on.
import type { Config } from '../config/load.js';
import { dependenciesOf, type AffectedService } from '../incidents/services.js';
import { escapeInline } from './markdown.js';

export interface PostmortemService {
  id: string;
  /** Undefined for a service the catalogue no longer has. */
  name: string | undefined;
  tier: number | undefined;
  /** Everything it depends on, directly or not, nearest first, each with whether it was affected too. */
  dependsOn: Array<{ id: string; name: string; affected: boolean }>;
}

/** Reads the affected services against the catalogue as it stands. */
export function postmortemServices(config: Pick<Config, 'services'>, affected: readonly AffectedService[]): PostmortemService[] {
  const ids = new Set(affected.map((a) => a.serviceId));
  const byId = new Map(config.services.map((s) => [s.id, s]));
  return affected.map(({ serviceId }) => {
    const service = byId.get(serviceId);
    return {
      id: serviceId,
      name: service?.name,
      tier: service?.tier,
      dependsOn: dependenciesOf(config, serviceId).map((id) => ({ id, name: byId.get(id)?.name ?? id, affected: ids.has(id) })),
    };
  });
}

/** Pure: the section's body, one line per service. */
export function servicesSection(services: readonly PostmortemService[]): string {
  return services
    .map((s) => {
      const head = `- **${escapeInline(s.name ?? s.id)}** (\`${s.id}\`${s.tier ? `, tier ${s.tier}` : ', no longer in the catalogue'})`;
      const deps = s.dependsOn.map((d) => `${escapeInline(d.name)}${d.affected ? ' (affected too)' : ''}`);
      return deps.length ? `${head} — depends on ${deps.join(', ')}` : `${head} — no dependencies`;
    })
    .join('\n');
}
