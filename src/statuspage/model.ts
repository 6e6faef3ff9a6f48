/**
 * What the public status page says, worked out from the publications alone (never from the incidents
 * themselves), so nothing is public that nobody published. Pure: plain rows in, plain data out.
 */
import type { StatusPageConfig } from '../config/load.js';
import { impactOf, pageIndicator, type ComponentState, type Impact, type Indicator, type PublicStatus } from './states.js';

/** A publication as the page reads it. */
export interface Publication {
  id: number;
  incidentId: number;
  title: string;
  status: PublicStatus;
  components: ReadonlyArray<{ id: string; state: ComponentState }>;
  message: string;
  publishedAt: Date;
}

export interface AffectedComponent {
  id: string;
  name: string;
  from: ComponentState;
  to: ComponentState;
}

export interface PublicUpdate {
  id: string;
  status: PublicStatus;
  body: string;
  at: Date;
  affected: AffectedComponent[];
}

export interface PublicIncident {
  /** The first publication's id: the internal incident number stays internal. */
  id: string;
  name: string;
  status: PublicStatus;
  impact: Impact;
  createdAt: Date;
  updatedAt: Date;
  monitoringAt: Date | null;
  resolvedAt: Date | null;
  /** Newest first, as Statuspage lists them. */
  updates: PublicUpdate[];
  componentIds: string[];
}

export interface PublicComponent {
  id: string;
  name: string;
  position: number;
  state: ComponentState;
  /** When a publication last named it; null when none ever did. */
  updatedAt: Date | null;
}

export interface PageModel {
  title: string;
  indicator: Indicator;
  description: string;
  /** The newest publication's time; null when nothing was ever published. */
  updatedAt: Date | null;
  components: PublicComponent[];
  /** Newest first (by their latest update). */
  incidents: PublicIncident[];
}

function incidentOf(publications: Publication[], names: ReadonlyMap<string, string>): PublicIncident {
  const ordered = [...publications].sort((a, b) => a.id - b.id);
  const first = ordered[0]!;
  const last = ordered[ordered.length - 1]!;
  const states = new Map<string, ComponentState>();
  const updates: PublicUpdate[] = ordered.map((p) => {
    const affected = p.components.map((c) => {
      const from = states.get(c.id) ?? 'operational';
      states.set(c.id, c.state);
      return { id: c.id, name: names.get(c.id) ?? c.id, from, to: c.state };
    });
    return { id: String(p.id), status: p.status, body: p.message, at: p.publishedAt, affected };
  });
  const firstAt = (status: PublicStatus) => ordered.find((p) => p.status === status)?.publishedAt ?? null;
  return {
    id: String(first.id),
    name: last.title,
    status: last.status,
    impact: impactOf(ordered.flatMap((p) => p.components.map((c) => c.state))),
    createdAt: first.publishedAt,
    updatedAt: last.publishedAt,
    monitoringAt: firstAt('monitoring'),
    resolvedAt: last.status === 'resolved' ? last.publishedAt : null,
    updates: updates.reverse(),
    componentIds: [...states.keys()],
  };
}

/**
 * A component's state is what the newest publication naming it says, among incidents the public has not
 * been told are resolved; with none, it is operational.
 */
export function pageModel(config: StatusPageConfig, publications: readonly Publication[]): PageModel {
  const names = new Map(config.components.map((c) => [c.id, c.name]));
  const byIncident = new Map<number, Publication[]>();
  for (const p of publications) byIncident.set(p.incidentId, [...(byIncident.get(p.incidentId) ?? []), p]);
  const incidents = [...byIncident.values()].map((ps) => incidentOf(ps, names));
  incidents.sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || Number(b.id) - Number(a.id));

  const unresolved = new Set(
    [...byIncident].filter(([, ps]) => ps.reduce((a, b) => (b.id > a.id ? b : a)).status !== 'resolved').map(([id]) => id),
  );
  const latest = new Map<string, Publication>();
  const touched = new Map<string, Date>();
  for (const p of [...publications].sort((a, b) => a.id - b.id)) {
    for (const c of p.components) {
      touched.set(c.id, p.publishedAt);
      if (unresolved.has(p.incidentId)) latest.set(c.id, p);
    }
  }
  const components = config.components.map((c, i) => {
    const state = latest.get(c.id)?.components.find((x) => x.id === c.id)?.state ?? 'operational';
    return { id: c.id, name: c.name, position: i + 1, state, updatedAt: touched.get(c.id) ?? null };
  });
  const updatedAt = publications.reduce<Date | null>((max, p) => (!max || p.publishedAt > max ? p.publishedAt : max), null);
  const { indicator, description } = pageIndicator(components.map((c) => c.state));
  return { title: config.title, indicator, description, updatedAt, components, incidents };
}

export const isUnresolved = (incident: PublicIncident): boolean => incident.status !== 'resolved';
