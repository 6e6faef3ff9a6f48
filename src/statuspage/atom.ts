/**
 * The Atom feed (RFC 4287) of the page's publications, newest first: one entry per public update. Pure;
 * every text is escaped for XML, so a title or message never becomes markup.
 */
import type { PageModel } from './model.js';
import { stateLabel } from './states.js';

const XML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** XML text: the five special characters as entities, and the control characters XML 1.0 forbids dropped. */
export const escapeXml = (text: string): string =>
  // eslint-disable-next-line no-control-regex
  text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => XML[c] ?? c);

const EPOCH = new Date(0);
const STATUS_WORD = { investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved' } as const;

/** `pageUrl` is the page's own address (…/status); entries link to their incident on it. */
export function atomFeed(model: PageModel, pageUrl: string): string {
  const entries = model.incidents
    .flatMap((incident) => incident.updates.map((update) => ({ incident, update })))
    .sort((a, b) => b.update.at.getTime() - a.update.at.getTime() || Number(b.update.id) - Number(a.update.id));
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `<id>${escapeXml(pageUrl)}</id>`,
    `<title>${escapeXml(model.title)}</title>`,
    `<updated>${(model.updatedAt ?? EPOCH).toISOString()}</updated>`,
    `<link rel="alternate" type="text/html" href="${escapeXml(pageUrl)}"/>`,
    `<link rel="self" type="application/atom+xml" href="${escapeXml(`${pageUrl}/feed.atom`)}"/>`,
    `<author><name>${escapeXml(model.title)}</name></author>`,
  ];
  for (const { incident, update } of entries) {
    const affected = update.affected.map((a) => `${a.name}: ${stateLabel(a.to)}`).join('; ');
    const content = [`${STATUS_WORD[update.status]}${update.body ? ` - ${update.body}` : ''}`, affected].filter(Boolean).join('\n');
    lines.push(
      '<entry>',
      `<id>${escapeXml(`${pageUrl}#update-${update.id}`)}</id>`,
      `<title>${escapeXml(incident.name)}</title>`,
      `<updated>${update.at.toISOString()}</updated>`,
      `<link rel="alternate" type="text/html" href="${escapeXml(`${pageUrl}#incident-${incident.id}`)}"/>`,
      `<content type="text">${escapeXml(content)}</content>`,
      '</entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
