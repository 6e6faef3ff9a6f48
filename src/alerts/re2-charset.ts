// RE2's character sets as JavaScript writes them, for the translator in re2.ts: a set is the union of
// parts, each a list of code point ranges and Unicode properties, possibly negated on its own (\D, \PL,
// [:^alpha:]). Case folding is RE2's: a class folds each part, then negates the whole.
type CodeRange = readonly [number, number];

export interface CharPart {
  neg: boolean;
  ranges: CodeRange[];
  /** JavaScript property escapes, such as \p{L} or \p{Script=Greek}. */
  props: string[];
}

const ranges = (...rs: CodeRange[]): CharPart => ({ neg: false, ranges: rs, props: [] });
const c = (ch: string): number => ch.codePointAt(0)!;
const span = (lo: string, hi: string): CodeRange => [c(lo), c(hi)];

// RE2's Perl classes are ASCII only: \s is [\t\n\f\r ] (no \v), \w is [0-9A-Za-z_].
export const PERL: Readonly<Record<string, CharPart>> = {
  d: ranges(span('0', '9')),
  s: ranges([9, 10], [12, 13], [32, 32]),
  w: ranges(span('0', '9'), span('A', 'Z'), span('_', '_'), span('a', 'z')),
};

export const POSIX: Readonly<Record<string, CharPart>> = {
  alnum: ranges(span('0', '9'), span('A', 'Z'), span('a', 'z')),
  alpha: ranges(span('A', 'Z'), span('a', 'z')),
  ascii: ranges([0, 0x7f]),
  blank: ranges([9, 9], [32, 32]),
  cntrl: ranges([0, 0x1f], [0x7f, 0x7f]),
  digit: ranges(span('0', '9')),
  graph: ranges(span('!', '~')),
  lower: ranges(span('a', 'z')),
  print: ranges(span(' ', '~')),
  punct: ranges(span('!', '/'), span(':', '@'), span('[', '`'), span('{', '~')),
  space: ranges([9, 13], [32, 32]),
  upper: ranges(span('A', 'Z')),
  word: PERL.w!,
  xdigit: ranges(span('0', '9'), span('A', 'F'), span('a', 'f')),
};

/** A code point as JavaScript source that means only itself, in or out of a class, with the u flag. */
export const lit = (cp: number): string =>
  /^[0-9A-Za-z]$/.test(String.fromCodePoint(cp)) ? String.fromCodePoint(cp) : `\\u{${cp.toString(16)}}`;

const isCased = (cp: number): boolean => {
  const s = String.fromCodePoint(cp);
  return s.toLowerCase() !== s || s.toUpperCase() !== s;
};

// Go's bounds of the code points that case folding touches.
const FOLD_MIN = 0x41;
const FOLD_MAX = 0x1e943;

/** Whether case folding might change the range (a range over all the foldable code points cannot change). */
function rangeFolds([lo, hi]: CodeRange): boolean {
  if (hi < FOLD_MIN || lo > FOLD_MAX || (lo <= FOLD_MIN && hi >= FOLD_MAX)) return false;
  if (Math.min(hi, FOLD_MAX) - Math.max(lo, FOLD_MIN) > 0x10000) return true;
  for (let cp = Math.max(lo, FOLD_MIN); cp <= Math.min(hi, FOLD_MAX); cp++) if (isCased(cp)) return true;
  return false;
}

/** Whether case folding might change the part; Unicode properties are taken to be cased. */
export const partFolds = (p: CharPart): boolean => p.props.length > 0 || p.ranges.some(rangeFolds);

/** The other members of an ASCII letter's case-folding orbit: its other case, and K (Kelvin) for k, ſ for s. */
function asciiOrbit(cp: number): number[] {
  const lower = cp | 0x20;
  const extra = lower === 0x6b ? [0x212a] : lower === 0x73 ? [0x17f] : [];
  return [lower, lower - 0x20, ...extra];
}

/**
 * The part case-folded by hand, for case-insensitivity over only some of a regex (JavaScript's i flag is all
 * or nothing). Only ASCII letters are folded so: anything else that folds is refused.
 */
export function foldPart(p: CharPart, where: string): CharPart {
  const unsupported = (): never => {
    throw new Error(
      `case-insensitive matching of only part of a regex is supported for ASCII letters, not at ${JSON.stringify(where)}; put (?i) at the start to apply it to the whole regex`,
    );
  };
  if (p.props.length > 0) unsupported();
  const out: CodeRange[] = [];
  for (const r of p.ranges) {
    out.push(r);
    if (!rangeFolds(r)) continue;
    if (r[1] > 0x7f && rangeFolds([Math.max(r[0], 0x80), r[1]])) unsupported();
    for (let cp = Math.max(r[0], 0x41); cp <= Math.min(r[1], 0x7a); cp++)
      if (/[A-Za-z]/.test(String.fromCharCode(cp))) for (const o of asciiOrbit(cp)) out.push([o, o]);
  }
  return { ...p, ranges: out };
}

const body = (p: CharPart): string => [...p.ranges.map(([lo, hi]) => (lo === hi ? lit(lo) : `${lit(lo)}-${lit(hi)}`)), ...p.props].join('');

/**
 * A class as JavaScript source. A part negated on its own becomes an alternative `[^…]`, since JavaScript,
 * under the i flag, would fold a negated escape inside a class after negating it (RE2 folds first).
 */
export function classSource(parts: readonly CharPart[], neg: boolean): string {
  const positive = parts
    .filter((p) => !p.neg)
    .map(body)
    .join('');
  const negated = parts.filter((p) => p.neg);
  if (negated.length === 0) return neg ? `[^${positive}]` : `[${positive}]`;
  const alternatives = [...(positive ? [`[${positive}]`] : []), ...negated.map((p) => `[^${body(p)}]`)];
  const any = `(?:${alternatives.join('|')})`;
  return neg ? `(?:(?!${any})[^])` : any;
}
