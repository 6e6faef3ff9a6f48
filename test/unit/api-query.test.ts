// The JSON API's pure parts: the LIKE pattern for text search takes the text literally, and the query
// parameters parse as the OpenAPI document says (comma lists, bounded limits, key cursors).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ListQuery, TimelineQuery } from '../../src/http/api/schemas.js';
import { containsPattern } from '../../src/incidents/search.js';

/** LIKE (ILIKE without the case) with `\` as its escape, as Postgres reads a pattern, as a RegExp. */
function likeToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') out += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else if (c === '%') out += '[\\s\\S]*';
    else if (c === '_') out += '[\\s\\S]';
    else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'u');
}

describe('containsPattern', () => {
  it('matches exactly the strings that contain the text, wildcards and backslashes included', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '%', '_', '\\', 'é') });
    fc.assert(
      fc.property(text, text, (needle, haystack) => {
        expect(likeToRegExp(containsPattern(needle)).test(haystack)).toBe(haystack.includes(needle));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('list query parameters', () => {
  const parse = <K extends keyof typeof ListQuery>(name: K, value: string | undefined) => ListQuery[name].safeParse(value);

  it('reads comma-separated statuses, ignoring blanks, and refuses an unknown one', () => {
    expect(parse('status', 'resolved, closed,,').data).toEqual(['resolved', 'closed']);
    expect(parse('status', 'resolved,asleep').success).toBe(false);
    expect(parse('status', undefined).data).toBeUndefined();
  });

  it('bounds limit to 1–100 with 25 by default, in both lists', () => {
    for (const shape of [ListQuery, TimelineQuery]) {
      expect(shape.limit.safeParse(undefined).data).toBe(25);
      expect(shape.limit.safeParse('100').data).toBe(100);
      for (const bad of ['0', '101', '2.5', 'ten', '-1']) expect(shape.limit.safeParse(bad).success).toBe(false);
    }
  });

  it('takes a cursor only as the digits of a previous `next`', () => {
    expect(parse('after', '1234').data).toBe(1234);
    for (const bad of ['', '-1', '1e3', '12a', '9'.repeat(16)]) expect(parse('after', bad).success).toBe(false);
  });

  it('takes since and until as instants with an offset, and include_drills as true or false', () => {
    expect(parse('since', '2026-12-01T10:00:00+01:00').success).toBe(true);
    expect(parse('until', '2026-12-01T10:00:00Z').success).toBe(true);
    expect(parse('since', '2026-12-01').success).toBe(false);
    expect(parse('include_drills', 'yes').success).toBe(false);
  });
});
