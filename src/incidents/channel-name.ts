export const MAX_CHANNEL_NAME = 80;

/** Lowercase a-z0-9 words joined by "-": accents folded, emoji and punctuation dropped. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Cuts a slug to at most `budget` characters at a word boundary (a single over-long word is cut hard). */
function cutAtWord(slug: string, budget: number): string {
  if (slug.length <= budget) return slug;
  if (budget <= 0) return '';
  if (slug[budget] === '-') return slug.slice(0, budget);
  const lastDash = slug.lastIndexOf('-', budget);
  const cut = lastDash > 0 ? slug.slice(0, lastDash) : slug.slice(0, budget);
  return cut.replace(/-+$/, '');
}

/** `<prefix>-<n>-<slug of title>`, at most 80 characters; `attempt` > 1 adds `-<attempt>`, cutting the slug so the whole fits. */
function channelName(prefix: string, incidentNumber: number, title: string, attempt: number, fallback: string): string {
  const head = `${prefix}-${incidentNumber}-`;
  const suffix = attempt > 1 ? `-${attempt}` : '';
  const slug = cutAtWord(slugify(title), MAX_CHANNEL_NAME - head.length - suffix.length) || fallback;
  return `${head}${slug}${suffix}`.slice(0, MAX_CHANNEL_NAME);
}

/**
 * The channel name for an incident: `inc-<n>-<slug of title>`, at most 80 characters. `attempt` > 1 adds a
 * `-<attempt>` suffix after a name_taken, cutting the slug further so the whole still fits.
 */
export function incidentChannelName(incidentNumber: number, title: string, attempt = 1): string {
  return channelName('inc', incidentNumber, title, attempt, 'incident');
}

/** A drill's channel: `drill-<n>-<slug of title>`, so nobody mistakes it for a real incident's. */
export function drillChannelName(incidentNumber: number, title: string, attempt = 1): string {
  return channelName('drill', incidentNumber, title, attempt, 'practice');
}

/** The channel name an incident's channel is created with: a drill's or a real incident's. */
export function channelNameOf(incident: { id: number; title: string; drill: boolean }, attempt = 1): string {
  return (incident.drill ? drillChannelName : incidentChannelName)(incident.id, incident.title, attempt);
}
