/**
 * What the public page will say once a draft is published: the page's model worked out from the
 * publications so far plus the draft as the next one, so the preview and the page cannot disagree. Pure.
 */
import type { StatusPageConfig } from '../config/load.js';
import { pageModel, type PageModel, type Publication, type PublicIncident } from './model.js';
import type { ComponentState, PublicStatus } from './states.js';

export interface Draft {
  incidentId: number;
  title: string;
  components: readonly string[];
  state: ComponentState;
  message: string;
}

export interface Preview {
  page: PageModel;
  /** The draft's incident as the page will show it, its new update first. */
  incident: PublicIncident;
}

export function previewOf(
  config: StatusPageConfig,
  publications: readonly Publication[],
  draft: Draft,
  status: PublicStatus,
  now: Date,
): Preview {
  const next: Publication = {
    id: publications.reduce((max, p) => Math.max(max, p.id), 0) + 1,
    incidentId: draft.incidentId,
    title: draft.title,
    status,
    components: [...new Set(draft.components)].map((id) => ({ id, state: draft.state })),
    message: draft.message.trim(),
    publishedAt: now,
  };
  const page = pageModel(config, [...publications, next]);
  const incident = page.incidents.find((i) => i.updates.some((u) => u.id === String(next.id)));
  if (!incident) throw new Error('the draft is missing from its own preview');
  return { page, incident };
}
