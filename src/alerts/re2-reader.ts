// The lexical half of the RE2 translator (re2.ts): escapes, bracketed classes and repetition operators, read
// as Go's regexp/syntax reads them, whatever the flags. Errors use RE2's own wording where it has one.
import type { CharPart } from './re2-charset.js';
import { PERL, POSIX } from './re2-charset.js';
import { unicodeClass } from './re2-names.js';

/** Go's limit on a counted repetition, and on the product of nested ones. */
export const MAX_REPEAT = 1000;

const C_ESCAPES: Readonly<Record<string, number>> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };

// Escapes other regex dialects know, named so that the refusal says what was meant.
const REFUSED_ESCAPES: Readonly<Record<string, string>> = {
  k: 'named backreferences \\k<name>',
  Z: '\\Z (it writes the end of the text \\z)',
  G: '\\G',
  C: '\\C',
  X: '\\X',
  R: '\\R',
  K: '\\K',
  h: '\\h',
};

interface Repetition {
  op: string;
  lazy: boolean;
  /** The count of x{n,m} (m, or n when unbounded), for Go's limit; undefined for * + ?. */
  count?: number;
  shown: string;
}

export class Re2Reader {
  protected at = 0;

  protected readonly cps: readonly number[];
  /** Where each code point starts in the text, in UTF-16 units, and the text's length last. */
  private readonly offsets: readonly number[];

  constructor(protected readonly text: string) {
    this.cps = [...text].map((ch) => ch.codePointAt(0)!);
    const offsets = [0];
    for (const cp of this.cps) offsets.push(offsets.at(-1)! + (cp > 0xffff ? 2 : 1));
    this.offsets = offsets;
  }

  done(): boolean {
    return this.at >= this.cps.length;
  }

  protected fail(what: string): never {
    throw new Error(what);
  }

  protected peek(ahead = 0): string {
    const cp = this.cps[this.at + ahead];
    return cp === undefined ? '' : String.fromCodePoint(cp);
  }

  protected lookingAt(s: string): boolean {
    return [...s].every((ch, k) => this.peek(k) === ch);
  }

  protected slice(from: number, to = this.cps.length): string {
    return this.text.slice(this.offsets[from], this.offsets[to]);
  }

  /** An ASCII-only sticky pattern matched here, without consuming it. */
  private sticky(re: RegExp): RegExpExecArray | null {
    re.lastIndex = this.offsets[this.at]!;
    return re.exec(this.text);
  }

  /** A repetition operator here (consumed), or undefined; a { that starts no valid count is a literal. */
  protected repetition(): Repetition | undefined {
    const start = this.at;
    const ch = this.peek();
    let op: string;
    let count: number | undefined;
    if (ch === '*' || ch === '+' || ch === '?') {
      op = ch;
      this.at++;
    } else if (ch === '{') {
      const m = this.sticky(/\{(0|[1-9][0-9]*)(,(0|[1-9][0-9]*)?)?\}/y);
      if (!m) return undefined;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === undefined ? -1 : Number(m[3]);
      this.at += m[0].length;
      if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max)) this.fail(`invalid repeat count ${m[0]}`);
      op = `{${min}${max === min ? '' : `,${max < 0 ? '' : max}`}}`;
      count = max < 0 ? min : max;
    } else return undefined;
    const lazy = this.peek() === '?';
    if (lazy) this.at++;
    return { op, lazy, count, shown: this.slice(start, this.at) };
  }

  /** A bracketed class (at points at its [): its parts, and whether it is negated. */
  protected bracket(): { parts: CharPart[]; neg: boolean } {
    this.at++;
    const neg = this.peek() === '^';
    if (neg) this.at++;
    const parts: CharPart[] = [];
    // A ] first in the class is itself; - is itself where it cannot make a range.
    for (let first = true; first || this.peek() !== ']'; first = false) {
      if (this.done()) this.fail('missing closing ]');
      const posix = this.posixClass();
      const part = posix ?? this.classEscape();
      if (part) {
        parts.push(part);
        continue;
      }
      const rangeStart = this.at;
      const lo = this.classChar();
      let hi = lo;
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== '') {
        this.at++;
        hi = this.classChar();
        if (hi < lo) this.fail(`invalid character class range ${this.slice(rangeStart, this.at)}`);
      }
      parts.push({ neg: false, ranges: [[lo, hi]], props: [] });
    }
    this.at++;
    return { parts, neg };
  }

  /** [:name:] or [:^name:] here (consumed), as Go finds it: up to the first :] after the [:. */
  private posixClass(): CharPart | undefined {
    if (!this.lookingAt('[:')) return undefined;
    const start = this.offsets[this.at]!;
    const end = this.text.indexOf(':]', start + 2);
    if (end < 0) return undefined;
    const name = this.text.slice(start + 2, end);
    const posix = POSIX[name.replace(/^\^/, '')] ?? this.fail(`invalid character class range [:${name}:]`);
    this.at = this.offsets.indexOf(end + 2, this.at);
    return name.startsWith('^') ? { ...posix, neg: true } : posix;
  }

  private classChar(): number {
    const cp = this.cps[this.at]!;
    if (cp === 0x5c) return this.escape();
    this.at++;
    return cp;
  }

  /** \d \s \w, their negations, or \pX \p{Name} \PX \P{Name} \p{^Name} here (consumed); else undefined. */
  protected classEscape(): CharPart | undefined {
    if (this.peek() !== '\\') return undefined;
    const e = this.peek(1);
    const perl = /^[dsw]$/i.test(e) ? PERL[e.toLowerCase()] : undefined;
    if (perl) {
      this.at += 2;
      return e === e.toUpperCase() ? { ...perl, neg: true } : perl;
    }
    if (e !== 'p' && e !== 'P') return undefined;
    this.at += 2;
    let name = this.peek();
    if (name === '') this.fail(`invalid character class range \\${e}`);
    if (name === '{') {
      const close = this.cps.indexOf(0x7d, this.at);
      if (close < 0) this.fail(`invalid character class range \\${e}{ without a closing }`);
      name = this.slice(this.at + 1, close);
      this.at = close + 1;
    } else this.at++;
    const flip = name.startsWith('^');
    const part = unicodeClass(flip ? name.slice(1) : name) ?? this.fail(`invalid character class range \\${e}{${name}}`);
    return { ...part, neg: (part.neg !== (e === 'P')) !== flip };
  }

  /** A single-character escape (at points at its \), as its code point. */
  protected escape(): number {
    this.at++;
    const e = this.peek();
    if (e === '') this.fail('trailing backslash at end of expression');
    this.at++;
    if (C_ESCAPES[e] !== undefined) return C_ESCAPES[e];
    const cp = e.codePointAt(0)!;
    // Any ASCII punctuation may be escaped to mean itself (\-, \/, \_, \ …); letters and digits may not.
    if (cp < 0x80 && !/[0-9A-Za-z]/.test(e)) return cp;
    if (/[0-7]/.test(e) && (e === '0' || /[0-7]/.test(this.peek()))) {
      let value = Number(e);
      for (let k = 0; k < 2 && /[0-7]/.test(this.peek()); k++, this.at++) value = value * 8 + Number(this.peek());
      return value;
    }
    if (/[1-9]/.test(e)) this.fail(`RE2 does not support backreferences (\\${e})`);
    if (e === 'x') {
      const m = this.sticky(/\{([0-9A-Fa-f]+)\}|([0-9A-Fa-f]{2})/y);
      const value = m ? parseInt(m[1] ?? m[2]!, 16) : NaN;
      if (!m || value > 0x10ffff) this.fail(`invalid escape sequence \\x${this.slice(this.at, this.at + 2)}`);
      this.at += m![0].length;
      return value;
    }
    const refused = REFUSED_ESCAPES[e];
    if (refused) this.fail(`RE2 does not support ${refused}`);
    return this.fail(`invalid escape sequence \\${e}`);
  }
}
