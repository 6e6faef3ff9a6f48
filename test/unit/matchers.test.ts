// Alertmanager's matcher syntax and semantics (matcher/parse and pkg/labels in prometheus/alertmanager):
// braces optional, bare or quoted names and values, regexes anchored at both ends, a missing label is "".
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMatchers, matchesAll, matcherHolds, parseMatchers, type Matcher, type MatchOp } from '../../src/alerts/matchers.js';
import { isActive, silenceFor, type SilenceRule } from '../../src/alerts/silence-match.js';

const parsed = (input: string): Matcher[] => {
  const r = parseMatchers(input);
  if (!r.ok) throw new Error(`${input}: ${r.error}`);
  return r.matchers;
};
const refused = (input: string): string => {
  const r = parseMatchers(input);
  if (r.ok) throw new Error(`${input} parsed as ${JSON.stringify(r.matchers)}`);
  return r.error;
};

describe('parsing matchers as Alertmanager does', () => {
  it('reads braced and unbraced lists, bare and quoted values, every operator and a trailing comma', () => {
    const want = [
      { name: 'team', op: '=', value: 'db' },
      { name: 'severity', op: '=~', value: 'critical|page' },
      { name: 'env', op: '!=', value: 'dev' },
      { name: 'job', op: '!~', value: 'test.*' },
    ];
    expect(parsed('{team="db", severity=~"critical|page", env!="dev", job!~"test.*"}')).toEqual(want);
    expect(parsed('team=db,severity=~"critical|page",env!=dev,job!~"test.*",')).toEqual(want);
    expect(parsed('{ team = "db" , severity =~ "critical|page" , env != dev , job !~ "test.*" , }')).toEqual(want);
  });

  it('reads the empty list, with or without braces, as matching everything', () => {
    expect(parsed('')).toEqual([]);
    expect(parsed('{}')).toEqual([]);
    expect(matchesAll(parsed('{}'), { anything: 'x' })).toBe(true);
  });

  it('unquotes Go escapes and UTF-8 names', () => {
    expect(parsed('{msg="say \\"hi\\"\\n\\t\\\\ \\u00e9 \\x41 \\101"}')).toEqual([{ name: 'msg', op: '=', value: 'say "hi"\n\t\\ é A A' }]);
    expect(parsed('{"service name"="pay ments", 名前=値}')).toEqual([
      { name: 'service name', op: '=', value: 'pay ments' },
      { name: '名前', op: '=', value: '値' },
    ]);
  });

  it('refuses malformed input, saying where and what', () => {
    expect(refused('{team="db"')).toMatch(/closing \}/);
    expect(refused('team="db"}')).toMatch(/without an opening/);
    expect(refused('{team}')).toMatch(/expected =, !=, =~ or !~ after team/);
    expect(refused('{team=}')).toMatch(/expected a value after team=/);
    expect(refused('{team!"db"}')).toMatch(/column 6: "!" must be followed/);
    expect(refused('{team="db}')).toMatch(/missing its closing "/);
    expect(refused('{team="db" env="x"}')).toMatch(/expected a comma or \} after team="db"/);
    expect(refused('{severity=~"(critical"}')).toMatch(/"\(critical" is not a valid regex/);
    expect(refused('{a="\\q"}')).toMatch(/unknown escape \\q/);
    expect(refused('{a="b"} extra')).toMatch(/expected the end after \}/);
    expect(refused("{a='b'}")).toMatch(/unexpected "'"/);
  });
});

describe('what a matcher matches', () => {
  it('anchors regexes at both ends', () => {
    const [m] = parsed('{alertname=~"Disk"}');
    expect(matcherHolds(m!, { alertname: 'Disk' })).toBe(true);
    expect(matcherHolds(m!, { alertname: 'DiskFull' })).toBe(false);
    expect(matcherHolds(m!, { alertname: 'NoDisk' })).toBe(false);
    const [alt] = parsed('{severity=~"critical|page"}');
    // Anchored as ^(?:critical|page)$, not ^critical|page$.
    expect(matcherHolds(alt!, { severity: 'pager' })).toBe(false);
    expect(matcherHolds(alt!, { severity: 'page' })).toBe(true);
  });

  it('treats a missing label as the empty string', () => {
    expect(matchesAll(parsed('{team=""}'), {})).toBe(true);
    expect(matchesAll(parsed('{team!=""}'), {})).toBe(false);
    expect(matchesAll(parsed('{team=~".*"}'), {})).toBe(true);
    expect(matchesAll(parsed('{team=~".+"}'), {})).toBe(false);
    expect(matchesAll(parsed('{team!="db"}'), {})).toBe(true);
  });

  it('needs every matcher to hold', () => {
    const ms = parsed('{team="db", severity="critical"}');
    expect(matchesAll(ms, { team: 'db', severity: 'critical' })).toBe(true);
    expect(matchesAll(ms, { team: 'db', severity: 'warning' })).toBe(false);
  });
});

const name = fc.oneof(fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/), fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }));
const value = fc.string({ unit: 'binary', maxLength: 10 });
const op = fc.constantFrom<MatchOp>('=', '!=', '=~', '!~');
/** Regex sources that are valid and mean something: literals, classes, alternations. */
const regex = fc.oneof(fc.stringMatching(/^[a-z]{0,4}$/), fc.constantFrom('.*', '.+', 'a|b', '[a-c]+', 'db-.*', '(x|y)z?'));
const matcher = op.chain((o) =>
  fc.record({ name, op: fc.constant(o), value: o === '=~' || o === '!~' ? regex : value }),
) as fc.Arbitrary<Matcher>;
const labels = fc.dictionary(fc.constantFrom('a', 'b', 'team', 'x'), fc.constantFrom('', 'a', 'b', 'db', 'db-1', 'xz', 'aa'));

describe('matcher properties', () => {
  it('reads back what it writes', () => {
    fc.assert(
      fc.property(fc.array(matcher, { maxLength: 5 }), (ms) => {
        expect(parsed(formatMatchers(ms))).toEqual(ms);
      }),
    );
  });

  it('makes != the complement of = and !~ the complement of =~', () => {
    fc.assert(
      fc.property(name, value, regex, labels, (n, v, r, ls) => {
        expect(matcherHolds({ name: n, op: '!=', value: v }, ls)).toBe(!matcherHolds({ name: n, op: '=', value: v }, ls));
        expect(matcherHolds({ name: n, op: '!~', value: r }, ls)).toBe(!matcherHolds({ name: n, op: '=~', value: r }, ls));
      }),
    );
  });

  it('matches a regex only on the whole value: =~ of a literal is =', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{0,4}$/), labels, (literal, ls) => {
        expect(matcherHolds({ name: 'team', op: '=~', value: literal }, ls)).toBe(
          matcherHolds({ name: 'team', op: '=', value: literal }, ls),
        );
      }),
    );
  });

  it('is a conjunction: a list matches when each of its matchers does, in any order', () => {
    fc.assert(
      fc.property(fc.array(matcher, { maxLength: 4 }), labels, (ms, ls) => {
        expect(matchesAll(ms, ls)).toBe(ms.every((m) => matchesAll([m], ls)));
        expect(matchesAll([...ms].reverse(), ls)).toBe(matchesAll(ms, ls));
      }),
    );
  });
});

describe('which silence holds an alert', () => {
  const at = new Date('2027-01-10T12:00:00Z');
  const silence = (id: number, matchers: string, start: string, end: string): SilenceRule => ({
    id,
    matchers: parsed(matchers),
    startsAt: new Date(start),
    endsAt: new Date(end),
    stopPages: false,
  });

  it('holds from its start up to, not including, its end', () => {
    const s = silence(1, '{team="db"}', '2027-01-10T11:00:00Z', '2027-01-10T12:00:00Z');
    expect(silenceFor({ team: 'db' }, new Date('2027-01-10T11:00:00Z'), [s])).toBe(s);
    expect(silenceFor({ team: 'db' }, at, [s])).toBeUndefined();
    expect(silenceFor({ team: 'web' }, new Date('2027-01-10T11:30:00Z'), [s])).toBeUndefined();
  });

  it('answers the same silence whatever order they are listed in', () => {
    const window = fc.record({ start: fc.integer({ min: -5, max: 5 }), length: fc.integer({ min: 1, max: 8 }) });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('{team="db"}', '{x=~"a|b"}', '{}'), window), { maxLength: 6 }), labels, (specs, ls) => {
        const silences = specs.map(([m, w], i) => ({
          id: i + 1,
          matchers: parsed(m),
          startsAt: new Date(at.getTime() + w.start * 3_600_000),
          endsAt: new Date(at.getTime() + (w.start + w.length) * 3_600_000),
          stopPages: false,
        }));
        const chosen = silenceFor(ls, at, silences);
        expect(silenceFor(ls, at, [...silences].reverse())).toBe(chosen);
        expect(chosen === undefined).toBe(!silences.some((s) => isActive(s, at) && matchesAll(s.matchers, ls)));
      }),
    );
  });
});
