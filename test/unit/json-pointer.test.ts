import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPointer, parsePointer, resolvePointer } from '../../src/alerts/json-pointer.js';

// RFC 6901 section 5's example document.
const RFC_DOCUMENT: unknown = JSON.parse(`{
  "foo": ["bar", "baz"],
  "": 0,
  "a/b": 1,
  "c%d": 2,
  "e^f": 3,
  "g|h": 4,
  "i\\\\j": 5,
  "k\\"l": 6,
  " ": 7,
  "m~n": 8
}`);

function evaluate(document: unknown, pointer: string): unknown {
  const parsed = parsePointer(pointer);
  if (!parsed.ok) throw new Error(parsed.message);
  const got = resolvePointer(document, parsed.tokens);
  return got.found ? got.value : 'NOT FOUND';
}

describe('JSON pointers (RFC 6901)', () => {
  it.each([
    ['', RFC_DOCUMENT],
    ['/foo', ['bar', 'baz']],
    ['/foo/0', 'bar'],
    ['/', 0],
    ['/a~1b', 1],
    ['/c%d', 2],
    ['/e^f', 3],
    ['/g|h', 4],
    ['/i\\j', 5],
    ['/k"l', 6],
    ['/ ', 7],
    ['/m~0n', 8],
  ])('evaluates section 5 example %j', (pointer, expected) => {
    expect(evaluate(RFC_DOCUMENT, pointer)).toEqual(expected);
  });

  it('decodes ~01 as "~1", not "/" (section 4: ~1 first, then ~0)', () => {
    expect(parsePointer('/~01')).toEqual({ ok: true, tokens: ['~1'] });
    expect(evaluate({ '~1': 'tilde-one', '/': 'slash' }, '/~01')).toBe('tilde-one');
  });

  it('reads arrays only at indexes without leading zeros, and never at "-"', () => {
    const doc = { list: ['a', 'b'] };
    expect(evaluate(doc, '/list/1')).toBe('b');
    expect(evaluate(doc, '/list/2')).toBe('NOT FOUND');
    expect(evaluate(doc, '/list/01')).toBe('NOT FOUND');
    expect(evaluate(doc, '/list/-')).toBe('NOT FOUND');
    expect(evaluate(doc, '/list/-1')).toBe('NOT FOUND');
    expect(evaluate(doc, '/list/length')).toBe('NOT FOUND');
  });

  it('finds nothing below a scalar, or in an object key it does not own', () => {
    expect(evaluate({ a: 'text' }, '/a/0')).toBe('NOT FOUND');
    expect(evaluate({ a: null }, '/a/b')).toBe('NOT FOUND');
    expect(evaluate({}, '/constructor')).toBe('NOT FOUND');
    expect(evaluate({}, '/__proto__')).toBe('NOT FOUND');
    expect(evaluate({ a: null }, '/a')).toBeNull();
  });

  it('refuses text that is not a pointer, saying why', () => {
    expect(parsePointer('title')).toEqual({ ok: false, message: '"title" does not start with "/"' });
    expect(parsePointer('/a~2b')).toEqual({ ok: false, message: '"/a~2b" has a "~" at character 3 not followed by 0 or 1' });
    expect(parsePointer('/a~')).toMatchObject({ ok: false });
  });

  it('formats what it parses and parses what it formats, and the pointer of a key path reaches its value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', '/', '~', '0', '1', ' ', 'é') }), { maxLength: 5 }),
        fc.jsonValue(),
        (tokens, leaf) => {
          const pointer = formatPointer(tokens);
          expect(parsePointer(pointer)).toEqual({ ok: true, tokens });
          const document = tokens.reduceRight<unknown>((inner, key) => ({ [key]: inner, other: 1 }), leaf);
          expect(resolvePointer(document, tokens)).toEqual({ found: true, value: leaf });
        },
      ),
    );
  });
});
