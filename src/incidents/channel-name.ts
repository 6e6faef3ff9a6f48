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

/**
 * The channel name for an incident: `inc-<n>-<slug of title>`, at most 80 characters. `attempt` > 1 adds a
 * `-<attempt>` suffix after a name_taken, cutting the slug further so the whole still fits.
 */
export function incidentChannelName(incidentNumber: number, title: string, attempt = 1): string {
  const prefix = `inc-${incidentNumber}-`;
  const suffix = attempt > 1 ? `-${attempt}` : '';
  const slug = cutAtWord(slugify(title), MAX_CHANNEL_NAME - prefix.length - suffix.length) || 'incident';
  return `${prefix}${slug}${suffix}`.slice(0, MAX_CHANNEL_NAME);
}
