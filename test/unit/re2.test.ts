// Matcher regexes are RE2 (Go's regexp/syntax) anchored as Alertmanager anchors them, `^(?:re)$`: the cases
// come from RE2's syntax reference (github.com/google/re2/wiki/Syntax, pkg.go.dev/regexp/syntax) and
// Alertmanager's matcher docs; each is a regex, a label value, and whether Alertmanager would match it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anchored, matcherHolds, parseMatchers, type MatchOp } from '../../src/alerts/matchers.js';
import { translateRe2 } from '../../src/alerts/re2.js';

const holds = (re: string, value: string): boolean => anchored(re).test(value);
const refusal = (re: string): string => {
  try {
    anchored(re);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${re} was accepted as ${JSON.stringify(translateRe2(`^(?:${re})$`))}`);
};

const MATCHES: ReadonlyArray<[regex: string, value: string, matches: boolean]> = [
  // Anchoring: the whole value, never a part of it.
  ['crit', 'critical', false],
  ['crit.*', 'critical', true],
  ['a|b', 'ab', false],
  ['', '', true],
  ['a)|(b', 'axyz', true], // Alertmanager wraps before compiling, so this escapes the group there too.
  // Flags.
  ['(?i)critical', 'CRITICAL', true],
  ['(?i)critical', 'CritIcal', true],
  ['(?i)critical', 'criticals', false],
  ['(?i)k', '\u212a', true], // RE2 folds k with the Kelvin sign.
  ['(?i)s', '\u017f', true], // and s with the long s.
  ['(?i)é', 'É', true],
  ['(?i)\\p{Greek}+', 'ΑΒΓ', true],
  ['(?i)[^k]', 'K', false],
  ['(?i)\\P{Ll}', 'a', false], // RE2 folds \p{Ll}, then negates.
  ['(?i)\\P{Ll}', 'A', false],
  ['(?i)\\P{Ll}', '1', true],
  ['(?i)[\\P{Ll}1]', 'A', false],
  ['(?i)[\\P{Ll}1]', '-', true],
  ['a(?i)b', 'aB', true],
  ['a(?i)b', 'AB', false],
  ['(?i:a)b', 'Ab', true],
  ['(?i:a)b', 'AB', false],
  ['(?i)Ab(?-i)C', 'aBC', true],
  ['(?i)Ab(?-i)C', 'aBc', false],
  ['(?i:[a-c])x', 'Bx', true],
  ['(?i:[^a-c])x', 'Bx', false],
  ['(?i:k)x', '\u212ax', true],
  ['(?i-s:a.)\\n', 'A\n\n', false],
  ['.*', 'a\nb', false],
  ['.', '\r', true], // RE2's . stops only at \n.
  ['(?s).*', 'a\nb', true],
  ['(?s:.)\\n.', '\n\nx', true],
  ['(?m)a$\\n^b', 'a\nb', true],
  ['a$\\n^b', 'a\nb', false],
  ['(?m)a$', 'a', true],
  ['(?U)a+', 'aaa', true],
  ['(?U)a+?b', 'aab', true],
  ['(?)a', 'a', true],
  // Escapes.
  ['db\\-1', 'db-1', true],
  ['\\/api\\/v1', '/api/v1', true],
  ['\\_\\ \\!\\#', '_ !#', true],
  ['\\.', 'x', false],
  ['\\x41\\x{1F600}\\101\\0', 'A😀A\0', true],
  ['\\a\\f\\t\\n\\r\\v', '\x07\f\t\n\r\v', true],
  ['\\Qa.b*c\\E', 'a.b*c', true],
  ['\\Qa.b*c\\E', 'axbbc', false],
  ['\\Qab\\E+', 'abbb', true],
  ['\\Aab\\z', 'ab', true],
  ['ab\\z', 'ab\n', false],
  ['a\\b-\\bb', 'a-b', true],
  ['a\\Bb', 'ab', true],
  ['^*a', 'a', true],
  ['a{,2}', 'a{,2}', true], // not a count: literal braces.
  ['a{2}', 'aa', true],
  ['a{2,}', 'aaaa', true],
  ['a{1,2}', 'aaa', false],
  // Perl and POSIX classes are ASCII.
  ['\\d+', '0123456789', true],
  ['\\d', '٣', false],
  ['\\s', '\v', false],
  ['\\s', '\u00a0', false],
  ['\\w+', 'ab_9Z', true],
  ['\\w', 'é', false],
  ['\\W', 'é', true],
  ['[[:alpha:]]+', 'abcXYZ', true],
  ['[[:alpha:]]+', 'ab1', false],
  ['[[:digit:][:upper:]]+', '9Z', true],
  ['[^[:space:]]+', 'a-b', true],
  ['[^[:space:]]+', 'a b', false],
  ['[[:^digit:]]', '5', false],
  ['[[:word:]]', '_', true],
  ['[[:punct:]]', '~', true],
  ['[[:xdigit:]]+', 'c0FFee', true],
  ['[[:space:]]', '\v', true],
  ['[^a]', '\n', true],
  ['[]a]', ']', true],
  ['[^]a]', 'b', true],
  ['[a-b-c]', '-', true],
  ['[\\d-z]', '-', true],
  ['[\\-]', '-', true],
  ['[.]', 'x', false],
  // Unicode classes.
  ['\\pL+', 'héllo', true],
  ['\\pL', '1', false],
  ['\\PL', '1', true],
  ['\\p{L}\\p{Lu}', 'aB', true],
  ['\\p{Greek}+', 'αβγ', true],
  ['\\p{Greek}', 'a', false],
  ['\\p{greek}', 'α', true], // Go 1.25 ignores case, spaces, underscores and hyphens in names.
  ['\\p{Old_Italic}\\p{old italic}', '\u{10300}\u{10300}', true],
  ['\\p{Letter}\\p{Uppercase_Letter}', 'aB', true],
  ['\\p{^Greek}', 'α', false],
  ['\\P{^Greek}', 'α', true],
  ['[\\p{Greek}\\d]+', 'α1', true],
  ['[^\\p{Greek}]', 'α', false],
  ['\\p{Any}', '\n', true],
  ['\\p{ASCII}', 'é', false],
  ['\\p{Assigned}', '\u0378', false],
  ['\\p{C}', '\u0378', false], // RE2's C is Cc, Cf, Co and Cs; not the unassigned.
  ['\\p{C}', '\u0007', true],
  // Groups.
  ['(?P<sev>crit|warn)ical', 'critical', true],
  ['(?<sev>x)(?<sev>y)', 'xy', true],
  ['(?P<1x>a)', 'a', true],
  ['(a|b)*c', 'ababc', true],
  ['((a)(b))', 'ab', true],
  ['(?:a|)+', '', true],
  ['a|b|', '', true],
];

const REFUSALS: ReadonlyArray<[regex: string, message: RegExp]> = [
  ['a(?=b)', /RE2 does not support lookahead/],
  ['a(?!b)', /RE2 does not support negative lookahead/],
  ['(?<=a)b', /RE2 does not support lookbehind/],
  ['(?<!a)b', /RE2 does not support negative lookbehind/],
  ['(a)\\1', /RE2 does not support backreferences \(\\1\)/],
  ['(?<n>a)\\k<n>', /RE2 does not support named backreferences/],
  ['(?P<n>a)(?P=n)', /RE2 does not support named backreferences/],
  ['(?>a+)', /RE2 does not support atomic groups/],
  ['a*+', /invalid nested repetition operator \*\+/],
  ['a++', /invalid nested repetition operator \+\+/],
  ['a**', /invalid nested repetition operator/],
  ['a{2}{3}', /invalid nested repetition operator/],
  ['a\\Z', /RE2 does not support \\Z/],
  ['\\Ga', /RE2 does not support \\G/],
  ['(?#note)a', /RE2 does not support comments/],
  ['(?x)a b', /invalid or unsupported Perl syntax \(\?x/],
  ['(?i-)a', /invalid or unsupported Perl syntax/],
  ['(?-)a', /invalid or unsupported Perl syntax/],
  ['(crit', /missing closing \)/],
  ['\\Qa.b', /missing closing \)/], // \Q without \E runs to the end: over the `)$` Alertmanager wraps it in.
  ['crit)', /unexpected \)/],
  ['[crit', /missing closing \]/],
  ['[z-a]', /invalid character class range z-a/],
  ['[[:alphabet:]]', /invalid character class range \[:alphabet:\]/],
  ['\\p{Klingon}', /invalid character class range \\p\{Klingon\}/],
  ['\\p{Grek}', /invalid character class range/], // a script code, not a name RE2 takes.
  ['*a', /missing argument to repetition operator \*/],
  ['a|*', /missing argument to repetition operator/],
  ['(*)', /missing argument to repetition operator/],
  ['a{1001}', /invalid repeat count \{1001\}/],
  ['(a{100}){11}', /invalid repeat count \{11\}/],
  ['a{3,2}', /invalid repeat count/],
  ['\\q', /invalid escape sequence \\q/],
  ['\\8', /RE2 does not support backreferences/],
  ['[\\b]', /invalid escape sequence \\b/],
  ['[\\Qa\\E]', /invalid escape sequence \\Q/],
  ['\\x{110000}', /invalid escape sequence/],
  ['\\xZZ', /invalid escape sequence/],
  ['(?P<a-b>x)', /invalid named capture <a-b>/],
  ['(?P<>x)', /invalid named capture/],
  ['x(?i:é)', /only part of a regex is supported for ASCII letters, not at "é"/],
  ['a(?i)\\pL', /only part of a regex is supported for ASCII letters/],
];

describe('RE2 regexes as Alertmanager anchors them', () => {
  it.each(MATCHES)('%j on %j matches: %s', (re, value, want) => {
    expect(holds(re, value)).toBe(want);
  });

  it.each(REFUSALS)('refuses %j, saying why', (re, message) => {
    expect(refusal(re)).toMatch(message);
  });

  it('refuses a regex nested too deeply or too large to compile, saying so briefly', () => {
    expect(refusal('('.repeat(1001) + ')'.repeat(1001))).toBe('expression nests too deeply');
    expect(refusal('a'.repeat(200_000))).toBe('Regular expression too large');
  });

  it('uses the i flag only when no case-sensitive part is left outside (?i)', () => {
    expect(translateRe2('^(?:(?i)critical)$').flags).toBe('iu');
    expect(translateRe2('^(?:(?i)critical|[0-9]+)$').flags).toBe('iu');
    expect(translateRe2('^(?:a(?i)b)$').flags).toBe('u');
    expect(translateRe2('^(?:critical)$').flags).toBe('u');
  });

  it('refuses a bad regex in a matcher list naming the value', () => {
    const r = parseMatchers('{x=~"a(?=b)"}');
    expect(r).toEqual({
      ok: false,
      error: expect.stringMatching(/column 5: "a\(\?=b\)" is not a valid regex \(RE2 does not support lookahead/),
    });
  });
});

/** Go's regexp.QuoteMeta: a regex matching exactly the text. */
const quoteMeta = (s: string): string => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');

const text = fc.string({
  unit: fc.constantFrom(
    'a',
    'B',
    'k',
    's',
    '.',
    '*',
    '\\',
    '(',
    ')',
    '[',
    ']',
    '{',
    '}',
    '|',
    '^',
    '$',
    '-',
    '\n',
    ' ',
    'é',
    '😀',
    '?',
    '+',
  ),
  maxLength: 8,
});
const asciiWord = fc.string({ unit: fc.constantFrom(...'abcxyzABCXYZ019_-'), maxLength: 6 });
const regex = fc.oneof(
  text.map(quoteMeta),
  fc.constantFrom('.*', '.+', 'a|b', '[a-c]+', '(?i)ab', '(?s).', '\\pL*', '[[:alpha:]]+', 'a(?i:b)', '\\Qa.\\E', 'x*?', '(?m)^a$'),
);
const op = fc.constantFrom<MatchOp>('=~', '!~');

describe('RE2 matcher properties', () => {
  it('matches a quoted literal exactly as = does', () => {
    fc.assert(
      fc.property(text, text, (literal, value) => {
        const eq = matcherHolds({ name: 'x', op: '=', value: literal }, { x: value });
        expect(matcherHolds({ name: 'x', op: '=~', value: quoteMeta(literal) }, { x: value })).toBe(eq);
        expect(matcherHolds({ name: 'x', op: '=~', value: quoteMeta(literal) }, { x: literal })).toBe(true);
      }),
    );
  });

  it('under (?i), matches ASCII words exactly when their lower cases are equal', () => {
    fc.assert(
      fc.property(asciiWord, asciiWord, (word, value) => {
        const same = word.toLowerCase() === value.toLowerCase();
        expect(holds(`(?i)${quoteMeta(word)}`, value)).toBe(same);
        expect(holds(`(?i)${quoteMeta(word)}`, word.toUpperCase())).toBe(true);
      }),
    );
  });

  it('makes !~ the complement of =~', () => {
    fc.assert(
      fc.property(regex, text, op, (re, value, o) => {
        const m = { name: 'x', op: o, value: re };
        const other = { ...m, op: o === '=~' ? ('!~' as const) : ('=~' as const) };
        expect(matcherHolds(m, { x: value })).toBe(!matcherHolds(other, { x: value }));
      }),
    );
  });

  it('never matches a part: a value with anything around a full match does not match a quoted literal', () => {
    fc.assert(
      fc.property(
        text.filter((s) => s !== ''),
        text,
        text,
        (literal, before, after) => {
          fc.pre(before + after !== '');
          expect(holds(quoteMeta(literal), before + literal + after)).toBe(false);
        },
      ),
    );
  });
});
