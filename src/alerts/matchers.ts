// Alertmanager's label matchers, as its UTF-8 matcher parser reads them: `{name="value", other=~"re"}`,
// braces optional, names and values quoted (Go string escapes) or bare, a trailing comma allowed. A regex
// is RE2 (Go's syntax, translated in re2.ts) anchored at both ends as Alertmanager anchors it (`^(?:re)$`),
// and a missing label is the empty string.
import { compileRe2 } from './re2.js';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}

export type Labels = Readonly<Record<string, string>>;

export type ParsedMatchers = { ok: true; matchers: Matcher[] } | { ok: false; error: string };

export const MATCHER_SYNTAX = '{label="value", other=~"regex", …} with =, !=, =~ or !~';

/** Runes that end a bare name or value (Alertmanager's reserved set). */
const RESERVED = /[\s{}!=~,\\"'`]/u;

type Token =
  { kind: '{' | '}' | ',' | MatchOp; at: number; text: string } | { kind: 'quoted' | 'bare'; at: number; text: string; value: string };

class MatcherSyntaxError extends Error {}

const fail = (at: number, what: string): never => {
  throw new MatcherSyntaxError(`at column ${at + 1}: ${what}`);
};

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };

/** A double-quoted Go string literal's value; `at` is where it starts, for errors. */
function unquote(literal: string, at: number): string {
  let out = '';
  for (let i = 1; i < literal.length - 1; i++) {
    const c = literal[i]!;
    if (c === '\n') fail(at + i, 'a quoted value cannot span lines; write \\n');
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = literal[++i] ?? '';
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const hex = { x: 2, u: 4, U: 8 }[e];
    const digits = hex ? literal.slice(i + 1, i + 1 + hex) : /^[0-7]/.test(e) ? literal.slice(i, i + 3) : '';
    const valid = hex ? new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits) : /^[0-7]{3}$/.test(digits);
    if (!valid) fail(at + i - 1, `unknown escape \\${e}`);
    const code = parseInt(digits, hex ? 16 : 8);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || (!hex && code > 255))
      fail(at + i - 1, `escape \\${e}${digits} is not a character`);
    out += String.fromCodePoint(code);
    i += hex ? hex : 2;
  }
  return out;
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/u.test(c)) {
      i++;
      continue;
    }
    if (c === '{' || c === '}' || c === ',') {
      tokens.push({ kind: c, at: i, text: c });
      i++;
    } else if (c === '=' || c === '!') {
      const two = input.slice(i, i + 2);
      const op: MatchOp | undefined = two === '=~' || two === '!=' || two === '!~' ? two : c === '=' ? '=' : undefined;
      if (!op) fail(i, `"!" must be followed by = or ~`);
      tokens.push({ kind: op!, at: i, text: op! });
      i += op!.length;
    } else if (c === '"') {
      let j = i + 1;
      while (j < input.length && input[j] !== '"') j += input[j] === '\\' ? 2 : 1;
      if (j >= input.length) fail(i, 'a quoted value is missing its closing "');
      const text = input.slice(i, j + 1);
      tokens.push({ kind: 'quoted', at: i, text, value: unquote(text, i) });
      i = j + 1;
    } else if (!RESERVED.test(c)) {
      let j = i;
      while (j < input.length && !RESERVED.test(input[j]!)) j++;
      const text = input.slice(i, j);
      tokens.push({ kind: 'bare', at: i, text, value: text });
      i = j;
    } else {
      fail(i, `unexpected ${JSON.stringify(c)}`);
    }
  }
  return tokens;
}

/** Compiles an anchored RE2 regex once per distinct source; throws, saying why, for one RE2 refuses. */
const compiled = new Map<string, RegExp>();
export function anchored(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) {
    // Wrapped before translating, as Alertmanager wraps before compiling: a value such as `a)|(b` means there
    // what it means here.
    re = compileRe2(`^(?:${source})$`);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(source, re);
  }
  return re;
}

/** Parses a matcher list, or says where and why it is not one. */
export function parseMatchers(input: string): ParsedMatchers {
  try {
    const tokens = tokenize(input);
    let k = 0;
    const braced = tokens[0]?.kind === '{';
    if (braced) k++;
    const matchers: Matcher[] = [];
    const end = input.length;
    while (k < tokens.length && tokens[k]!.kind !== '}') {
      const name = tokens[k]!;
      if (name.kind !== 'quoted' && name.kind !== 'bare') fail(name.at, `expected a label name, found ${name.text}`);
      const op = tokens[k + 1];
      if (!op || !['=', '!=', '=~', '!~'].includes(op.kind)) fail(op?.at ?? end, `expected =, !=, =~ or !~ after ${name.text}`);
      const value = tokens[k + 2];
      if (!value || (value.kind !== 'quoted' && value.kind !== 'bare'))
        fail(value?.at ?? end, `expected a value after ${name.text}${op!.text}`);
      const matcher: Matcher = {
        name: (name as { value: string }).value,
        op: op!.kind as MatchOp,
        value: (value as { value: string }).value,
      };
      if (matcher.name === '') fail(name.at, 'a label name cannot be empty');
      if (matcher.op === '=~' || matcher.op === '!~') {
        try {
          anchored(matcher.value);
        } catch (err) {
          fail(value!.at, `${JSON.stringify(matcher.value)} is not a valid regex (${(err as Error).message})`);
        }
      }
      matchers.push(matcher);
      k += 3;
      const next = tokens[k];
      if (next?.kind === ',') k++;
      else if (next && next.kind !== '}') fail(next.at, `expected a comma or } after ${matcher.name}${matcher.op}${value!.text}`);
    }
    const close = tokens[k];
    if (braced && close?.kind !== '}') fail(end, 'expected a closing }');
    if (!braced && close?.kind === '}') fail(close.at, 'a } without an opening {');
    if (close && tokens.length > k + 1) fail(tokens[k + 1]!.at, 'expected the end after }');
    return { ok: true, matchers };
  } catch (err) {
    if (err instanceof MatcherSyntaxError) return { ok: false, error: err.message };
    throw err;
  }
}

/** Whether one matcher holds for the labels; a label that is absent has the empty value. */
export function matcherHolds(m: Matcher, labels: Labels): boolean {
  const value = Object.hasOwn(labels, m.name) ? (labels[m.name] ?? '') : '';
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return anchored(m.value).test(value);
    case '!~':
      return !anchored(m.value).test(value);
  }
}

/** Whether every matcher holds (an empty list matches everything, as in Alertmanager). */
export const matchesAll = (matchers: readonly Matcher[], labels: Labels): boolean => matchers.every((m) => matcherHolds(m, labels));

const quote = (text: string): string => JSON.stringify(text);

/** The matchers written back in the syntax they are parsed from. */
export const formatMatchers = (matchers: readonly Matcher[]): string =>
  `{${matchers.map((m) => `${/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(m.name) ? m.name : quote(m.name)}${m.op}${quote(m.value)}`).join(', ')}}`;
