// RE2 syntax (Go's regexp/syntax, which Alertmanager compiles matcher regexes with) translated into an
// equivalent JavaScript RegExp, so Firewatch accepts and refuses what Alertmanager does and a regex matches
// the same strings. Everything becomes constructs whose JavaScript meaning is fixed: groups are (?:…)
// (captures are never read), `.` is [^\n] (JavaScript's also stops at \r, U+2028 and U+2029), ^ and $ under
// (?m) are lookarounds on \n (RE2's only line end), \s \d \w are their ASCII sets, \z and \A are $ and ^.
//
// Flags are scoped as in RE2: (?flags) lasts to the end of its group, (?flags:…) to the end of that one.
// s, m and U are expressed wherever they appear. i becomes JavaScript's i flag when no part of the regex
// outside it cares about case (so a leading (?i), the common case, is exact); otherwise the case-insensitive
// parts are folded by hand, for ASCII letters only: anything else that folds there is refused, saying so,
// rather than matched differently. Left as JavaScript has it: \b under i also counts ſ and K (Kelvin) as word
// characters, where RE2 takes only ASCII ones.
import { classSource, foldPart, lit, partFolds, type CharPart } from './re2-charset.js';
import { MAX_REPEAT, Re2Reader } from './re2-reader.js';

export interface JsRegExp {
  source: string;
  flags: string;
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

/** What a repetition applies to: its source, whether it must be wrapped first, its nested counts' product. */
interface Atom {
  src: string;
  wrap: boolean;
  reps: number;
}

const MAX_DEPTH = 1000;

// Groups other regex dialects have, named so that the refusal says what was meant.
const REFUSED_GROUPS: ReadonlyArray<[string, string]> = [
  ['?=', 'lookahead (?=…)'],
  ['?!', 'negative lookahead (?!…)'],
  ['?<=', 'lookbehind (?<=…)'],
  ['?<!', 'negative lookbehind (?<!…)'],
  ['?>', 'atomic groups (?>…)'],
  ['?#', 'comments (?#…)'],
  ['?P=', 'named backreferences (?P=name)'],
  ['?P>', 'recursion (?P>name)'],
];

class Translator extends Re2Reader {
  private flags: Flags = { i: false, m: false, s: false, U: false };
  private atomStart = 0;
  private depth = 0;
  sawFolded = false;
  sawCaseSensitive = false;

  constructor(
    text: string,
    private readonly byHand: boolean,
  ) {
    super(text);
  }

  /** An alternation up to a `)` or the end; its source and the largest product of nested counts in it. */
  alternation(): { src: string; reps: number } {
    const alternatives: string[] = [];
    let seq: Atom[] = [];
    let reps = 1;
    let lastRepeat = '';
    while (!this.done() && this.peek() !== ')') {
      if (this.peek() === '|') {
        this.at++;
        alternatives.push(seq.map((a) => a.src).join(''));
        seq = [];
        lastRepeat = '';
        continue;
      }
      const repeat = this.repetition();
      if (!repeat) {
        lastRepeat = '';
        for (const atom of this.atoms()) {
          seq.push(atom);
          reps = Math.max(reps, atom.reps);
        }
        continue;
      }
      if (lastRepeat) this.fail(`invalid nested repetition operator ${lastRepeat}${repeat.shown}`);
      const sub = seq.pop() ?? this.fail(`missing argument to repetition operator ${repeat.shown}`);
      const count = Math.max(repeat.count ?? 1, 1);
      if (count > 1 && sub.reps * count > MAX_REPEAT) this.fail(`invalid repeat count ${repeat.shown}`);
      const lazy = repeat.lazy !== this.flags.U ? '?' : '';
      seq.push({ src: `${sub.wrap ? `(?:${sub.src})` : sub.src}${repeat.op}${lazy}`, wrap: true, reps: sub.reps * count });
      reps = Math.max(reps, sub.reps * count);
      lastRepeat = repeat.shown;
    }
    alternatives.push(seq.map((a) => a.src).join(''));
    return { src: alternatives.join('|'), reps };
  }

  /** The atoms of the next item: none for a flag group, one a character for \Q…\E. */
  private atoms(): Atom[] {
    this.atomStart = this.at;
    const ch = this.peek();
    if (ch === '(') return this.group();
    if (ch === '[') {
      const { parts, neg } = this.bracket();
      return [this.charClass(parts, neg)];
    }
    this.at++;
    if (ch === '.') return [{ src: this.flags.s ? '[^]' : '[^\\n]', wrap: false, reps: 1 }];
    if (ch === '^') return [assertion(this.flags.m ? '(?<![^\\n])' : '^')];
    if (ch === '$') return [assertion(this.flags.m ? '(?![^\\n])' : '$')];
    if (ch !== '\\') return [this.literal(this.cps[this.at - 1]!)];
    const e = this.peek();
    if (e === 'A' || e === 'z' || e === 'b' || e === 'B') {
      this.at++;
      return [assertion(e === 'A' ? '^' : e === 'z' ? '$' : `\\${e}`)];
    }
    if (e === 'Q') {
      // Literal text up to \E, or to the end when there is none.
      const end = this.cps.findIndex((cp, k) => k > this.at && cp === 0x5c && this.cps[k + 1] === 0x45);
      const stop = end < 0 ? this.cps.length : end;
      const quoted = this.cps.slice(this.at + 1, stop).map((cp) => this.literal(cp));
      this.at = end < 0 ? stop : stop + 2;
      return quoted;
    }
    this.at--;
    const part = this.classEscape();
    return [part ? this.charClass([part]) : this.literal(this.escape())];
  }

  private literal(cp: number): Atom {
    return this.charClass([{ neg: false, ranges: [[cp, cp]], props: [] }], false, lit(cp));
  }

  /** A class atom, noting whether case matters to it; folded by hand when under i in a mixed regex. */
  private charClass(parts: CharPart[], neg = false, single?: string): Atom {
    if (parts.some(partFolds)) {
      if (!this.flags.i) this.sawCaseSensitive = true;
      else {
        this.sawFolded = true;
        const where = this.slice(this.atomStart, this.at);
        if (this.byHand)
          return {
            src: classSource(
              parts.map((p) => foldPart(p, where)),
              neg,
            ),
            wrap: false,
            reps: 1,
          };
      }
    }
    return { src: single ?? classSource(parts, neg), wrap: false, reps: 1 };
  }

  private group(): Atom[] {
    this.at++;
    // Go's limit on the height of the parse tree (maxHeight), which also keeps this recursion shallow.
    if (++this.depth > MAX_DEPTH) this.fail('expression nests too deeply');
    const saved = { ...this.flags };
    for (const [prefix, what] of REFUSED_GROUPS) if (this.lookingAt(prefix)) this.fail(`RE2 does not support ${what}`);
    if (this.lookingAt('?P<') || this.lookingAt('?<')) {
      this.at += this.peek(1) === 'P' ? 3 : 2;
      const close = this.cps.indexOf(0x3e, this.at);
      const name = close < 0 ? '' : this.slice(this.at, close);
      if (!/^[A-Za-z0-9_]+$/.test(name)) this.fail(`invalid named capture ${close < 0 ? 'without a closing >' : `<${name}>`}`);
      this.at = close + 1;
    } else if (this.peek() === '?') {
      this.at++;
      if (this.perlFlags()) {
        this.depth--;
        return [];
      }
    }
    const inner = this.alternation();
    if (this.peek() !== ')') this.fail('missing closing )');
    this.at++;
    this.flags = saved;
    this.depth--;
    return [{ src: `(?:${inner.src})`, wrap: false, reps: inner.reps }];
  }

  /** Flags after (?: true for (?flags), which sets them to the end of the group, false for (?flags:…). */
  private perlFlags(): boolean {
    const start = this.at;
    const next = { ...this.flags };
    let on = true;
    let saw = false;
    for (;;) {
      const ch = this.peek();
      this.at++;
      if (ch === 'i' || ch === 'm' || ch === 's' || ch === 'U') {
        next[ch] = on;
        saw = true;
      } else if (ch === '-' && on) {
        on = false;
        saw = false;
      } else if ((ch === ':' || ch === ')') && (on || saw)) {
        this.flags = next;
        return ch === ')';
      } else this.fail(`invalid or unsupported Perl syntax (?${this.slice(start, this.at)}`);
    }
  }
}

const assertion = (src: string): Atom => ({ src, wrap: true, reps: 1 });

/** The JavaScript equivalent of an RE2 regex; throws, saying why, for one RE2 refuses or that cannot be expressed. */
export function translateRe2(pattern: string): JsRegExp {
  if (/\p{Cs}/u.test(pattern)) throw new Error('invalid UTF-8 (a lone surrogate)');
  const run = (byHand: boolean) => {
    const t = new Translator(pattern, byHand);
    const { src } = t.alternation();
    if (!t.done()) throw new Error('unexpected )');
    return { t, src };
  };
  const first = run(false);
  if (!(first.t.sawFolded && first.t.sawCaseSensitive)) return { source: first.src, flags: first.t.sawFolded ? 'iu' : 'u' };
  return { source: run(true).src, flags: 'u' };
}

/** An RE2 regex compiled as the JavaScript RegExp that matches the same strings. */
export function compileRe2(pattern: string): RegExp {
  const { source, flags } = translateRe2(pattern);
  try {
    const re = new RegExp(source, flags);
    // V8 compiles on first use: using it here makes one too large to compile a refusal now, not a throw later.
    re.test('');
    return re;
  } catch (err) {
    // V8 says `Invalid regular expression: /<the whole source>/u: <why>`; only the why is of use.
    const message = (err as Error).message;
    throw new Error(message.slice(message.lastIndexOf(': ') + 2), { cause: err });
  }
}
