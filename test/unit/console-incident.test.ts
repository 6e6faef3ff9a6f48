// The incident page's pure parts: each timeline event in words, and the postmortem's Markdown as HTML that
// can never carry markup of its own.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markdownHtml } from '../../src/http/console/markdown.js';
import { timelineItemHtml } from '../../src/http/console/incident/timeline-html.js';
import { eventMessage } from '../../src/incidents/timeline-message.js';
import { peopleIn } from '../../src/http/html.js';
import { isTimelineKind, timelineEventSchemas } from '../../src/timeline/events.js';
import { samples } from '../support/timeline-samples.js';

const kinds = Object.keys(timelineEventSchemas).filter(isTimelineKind);
const row = (kind: string, data: unknown, id = 1) => ({
  id,
  incidentId: 42,
  kind,
  actor: 'U0ALICE',
  occurredAt: new Date('2026-11-29T23:00:00Z'),
  data: data as Record<string, unknown>,
  dedupKey: null,
});

/** The tags markdownHtml writes itself; anything else in its output came from its input. */
const OWN_TAGS = /<\/?(h[1-6]|p|br|ul|ol|li|strong|em|code|pre|blockquote|table|thead|tbody|tr|th|td)>/g;

describe('timeline events as messages', () => {
  it.each(kinds)('says what a %s event was, naming people by id', (kind) => {
    const message = eventMessage(row(kind, samples[kind]));
    expect(message.length).toBeGreaterThan(0);
    expect(message.map((p) => (typeof p === 'string' ? p : '')).join('')).not.toMatch(/undefined|\[object/);
  });

  it('names the actor and the people an event is about as people, not text', () => {
    const message = eventMessage(row('role_assigned', { role: 'comms', user: 'U0BOB', previous: 'U0CAROL' }));
    expect(peopleIn(message)).toEqual(['U0ALICE', 'U0BOB', 'U0CAROL']);
  });

  it('still says something for a kind it does not know or data it cannot read', () => {
    expect(eventMessage(row('from_the_future', {}))).toEqual([{ user: 'U0ALICE' }, ': from the future']);
    expect(eventMessage(row('note', { text: 42 }))).toEqual([{ user: 'U0ALICE' }, ': note']);
  });

  it('renders any text typed into an event as text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const html = timelineItemHtml(row('note', { text }, 7), {});
        expect(html.replace(/<\/?(li|time|strong)( [^>]*)?>/g, '')).not.toMatch(/[<>]/);
      }),
    );
  });
});

describe('the postmortem as HTML', () => {
  it('renders what compile writes: headings, lists, tables, quotes, emphasis and backslash escapes', () => {
    const html = markdownHtml(
      '# Postmortem: INC-1 — A \\<b\\> \\*title\\*\n\n- **Severity:** SEV1\n- **Status:** Closed\n\n## Summary\n\n> quoted\n> _lines_\n\n| A | B |\n| --- | --- |\n| x \\| y | `z` |',
    );
    expect(html).toContain('<h2>Postmortem: INC-1 — A &lt;b&gt; *title*</h2>');
    expect(html).toContain('<ul><li><strong>Severity:</strong> SEV1</li><li><strong>Status:</strong> Closed</li></ul>');
    expect(html).toContain('<h3>Summary</h3>');
    expect(html).toContain('<blockquote><p>quoted<br><em>lines</em></p></blockquote>');
    expect(html).toContain('<tbody><tr><td>x | y</td><td><code>z</code></td></tr></tbody>');
  });

  it('never lets markup through, whatever the Markdown says', () => {
    const pieces = fc.constantFrom(
      '<',
      '>',
      '"',
      "'",
      '&',
      '*',
      '_',
      '`',
      '\\',
      '|',
      '#',
      '-',
      '>',
      '\n',
      ' ',
      'a',
      '<script>',
      '<img src=x onerror=1>',
      '```',
      '| --- |',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 60 }), (parts) => {
        const html = markdownHtml(parts.join(''));
        expect(html.replace(OWN_TAGS, '')).not.toMatch(/[<>"']/);
      }),
      { numRuns: 500 },
    );
  });
});
