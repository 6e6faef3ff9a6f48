import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { truncate } from '../../src/slack/blocks/text.js';

// Text as Firewatch builds it: words, emoji outside the BMP, mentions, links, dates and entities.
const piece = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('🔥', '👩‍💻', '𝔘', 'é', ' '),
  fc.constantFrom('&amp;', '&lt;', '&gt;', '&#39;', '&#x1F525;'),
  fc.stringMatching(/^[A-Z0-9]{3,11}$/).map((id) => `<@U${id}>`),
  fc.constantFrom('<#C0123|incidents>', '<https://example.com/a?b=1&amp;c=2|the runbook>', '<!date^1700000000^{date_short}|Nov 14>'),
);
const slackText = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(''));
const UNCUTTABLE = /<[^<>]*>|&(?:[a-zA-Z]+|#\d+|#x[\da-fA-F]+);/g;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('truncate', () => {
  it('keeps text within the limit and marks every cut with an ellipsis after a prefix of the text', () => {
    fc.assert(
      fc.property(slackText, fc.integer({ min: 1, max: 120 }), (text, max) => {
        const out = truncate(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        if (text.length <= max) expect(out).toBe(text);
        else {
          expect(out.endsWith('…')).toBe(true);
          expect(text.startsWith(out.slice(0, -1))).toBe(true);
        }
      }),
    );
  });

  it('never splits a code point, so no emoji is left as a lone surrogate', () => {
    fc.assert(
      fc.property(slackText, fc.integer({ min: 1, max: 120 }), (text, max) => {
        expect(loneSurrogate.test(truncate(text, max))).toBe(false);
      }),
    );
    expect(truncate('ab🔥cd', 4)).toBe('ab…');
  });

  it('never cuts inside a <…> token or an entity: each is kept whole or dropped', () => {
    fc.assert(
      fc.property(slackText, fc.integer({ min: 1, max: 120 }), (text, max) => {
        const out = truncate(text, max);
        if (out === text) return;
        const kept = out.length - 1;
        for (const m of text.matchAll(UNCUTTABLE)) {
          const end = m.index + m[0].length;
          expect(m.index >= kept || end <= kept, `${JSON.stringify(m[0])} cut at ${kept} of ${JSON.stringify(text)}`).toBe(true);
        }
      }),
    );
    expect(truncate('fixed by <@U0ALICE> at once', 14)).toBe('fixed by …');
    expect(truncate('Tom &amp; Jerry', 8)).toBe('Tom …');
  });

  it('keeps a lone < or & that opens no token', () => {
    expect(truncate('a < b and c & d are both longer', 16)).toBe('a < b and c & d…');
  });
});
