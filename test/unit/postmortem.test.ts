import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePostmortem, postmortemAnswersSchema, type PostmortemInput } from '../../src/postmortems/compile.js';
import { blockquote, escapeInline, slackToMarkdown, tableCell } from '../../src/postmortems/markdown.js';
import type { MetricEvent } from '../../src/postmortems/metrics.js';

const at = (iso: string) => new Date(`${iso}Z`);
const PERMALINK = 'https://example.slack.com/archives/C0INC42/p1795994292000100';
const UPDATE = 'Checkout is failing for about 30% of EU customers.\nWe are rolling back deploy 2026.11.29-3.\nNext update in 30 minutes.';
const MITIGATED = 'Rollback complete; the error rate is back to baseline.';

/**
 * INC-42, declared late on 29 November and resolved the next morning after a reopen: a page escalated
 * once, a multi-line update, a 📌 message mentioning bob, a pin taken back, notes and follow-ups.
 */
function multiDayIncident(): PostmortemInput {
  let id = 0;
  const event = (iso: string, kind: string, actor: string | null, data: Record<string, unknown>): MetricEvent => ({
    id: ++id,
    kind,
    actor,
    occurredAt: at(iso),
    data,
  });
  const events: MetricEvent[] = [
    event('2026-11-29T22:40:00', 'declared', 'U0ALICE', {
      title: 'Checkout errors in eu-west-1',
      severity: 'sev1',
      description: '5xx on /checkout',
      private: false,
      lead: 'U0ALICE',
      status: 'investigating',
      type: 'availability',
    }),
    event('2026-11-29T22:40:00', 'page_triggered', 'U0ALICE', { pageId: 7, policy: 'primary', message: 'Declared as SEV1' }),
    event('2026-11-29T22:40:00', 'page_notified', 'U0ALICE', { pageId: 7, policy: 'primary', user: 'U0BOB', level: 0, loop: 0 }),
    event('2026-11-29T22:45:02', 'page_escalated', null, { pageId: 7, policy: 'primary', level: 1, loop: 0, manual: false, lateMs: 2000 }),
    event('2026-11-29T22:45:02', 'page_notified', 'U0ALICE', { pageId: 7, policy: 'primary', user: 'U0CAROL', level: 1, loop: 0 }),
    event('2026-11-29T22:47:30', 'page_acknowledged', 'U0CAROL', { pageId: 7, policy: 'primary', user: 'U0CAROL', level: 1, loop: 0 }),
    event('2026-11-29T22:50:00', 'role_assigned', 'U0ALICE', { role: 'comms', user: 'U0DAVE', previous: null }),
    event('2026-11-29T23:05:00', 'status_update', 'U0DAVE', {
      message: UPDATE,
      status: 'investigating',
      severity: 'sev1',
      nextUpdateMs: 1_800_000,
    }),
    event('2026-11-29T23:10:00', 'impact_set', 'U0DAVE', { text: 'About 30% of EU checkouts failed', previous: null }),
    event('2026-11-29T23:20:00', 'status_changed', 'U0CAROL', { from: 'investigating', to: 'identified' }),
    // Recorded after the move to identified, but dated when carol posted the message.
    event('2026-11-29T23:18:12', 'message_pinned', 'U0ALICE', {
      channel: 'C0INC42',
      ts: '1795994292.000100',
      author: 'U0CAROL',
      text: 'Found it: the new payment client times out after 2s. <@U0BOB> can you confirm on the canary?',
      permalink: PERMALINK,
      pinnedBy: 'U0ALICE',
    }),
    event('2026-11-29T23:30:00', 'note', 'U0BOB', { text: 'Canary confirms: no timeouts with the old client.' }),
    event('2026-11-29T23:55:00', 'status_changed', 'U0CAROL', { from: 'identified', to: 'monitoring', message: MITIGATED }),
    event('2026-11-29T23:55:00', 'status_update', 'U0CAROL', { message: MITIGATED, status: 'monitoring', severity: 'sev1' }),
    event('2026-11-30T01:10:00', 'status_changed', 'U0ALICE', {
      from: 'monitoring',
      to: 'resolved',
      message: 'Rolled back the payment client; no errors for an hour.',
    }),
    event('2026-11-30T08:02:00', 'status_changed', 'U0BOB', {
      from: 'resolved',
      to: 'investigating',
      message: 'Errors are back: the old client leaks connections under morning load.',
      reopen: true,
    }),
    event('2026-11-30T08:05:00', 'message_pinned', 'U0BOB', {
      channel: 'C0INC42',
      ts: '1796025900.000200',
      author: 'U0BOB',
      text: 'wrong graph, ignore',
      permalink: null,
      pinnedBy: 'U0BOB',
    }),
    event('2026-11-30T08:07:00', 'message_unpinned', 'U0BOB', { ts: '1796025900.000200', channel: 'C0INC42' }),
    event('2026-11-30T09:00:00', 'followup_added', 'U0ALICE', {
      followupId: 1,
      text: 'Alert on payment client timeouts',
      owner: 'U0CAROL',
    }),
    event('2026-11-30T10:45:00', 'status_changed', 'U0CAROL', {
      from: 'investigating',
      to: 'resolved',
      message: 'Raised the pool size and restarted; stable since 10:15.',
    }),
    event('2026-11-30T11:00:00', 'followup_added', 'U0DAVE', {
      followupId: 2,
      text: 'Load-test pool sizes | connection reuse',
      owner: 'U0BOB',
    }),
    event('2026-12-01T09:00:00', 'followup_done', 'U0CAROL', { followupId: 1, text: 'Alert on payment client timeouts' }),
  ];
  return {
    incident: {
      id: 42,
      title: 'Checkout errors in eu-west-1',
      severity: 'sev1',
      severityLabel: 'Critical',
      status: 'resolved',
      type: 'availability',
      impact: 'About 30% of EU checkouts failed',
      description: '5xx on /checkout',
      leadId: 'U0ALICE',
      declaredBy: 'U0ALICE',
      source: 'slack',
      createdAt: at('2026-11-29T22:40:00'),
    },
    roles: [{ role: 'comms', userId: 'U0DAVE' }],
    events,
    followups: [
      { text: 'Alert on payment client timeouts', ownerId: 'U0CAROL', dueAt: at('2026-12-05T00:00:00'), doneAt: at('2026-12-01T09:00:00') },
      { text: 'Load-test pool sizes | connection reuse', ownerId: 'U0BOB', dueAt: null, doneAt: null },
    ],
    answers: {
      summary: 'A payment client upgrade made checkout fail for EU customers, twice.',
      rootCause: 'The new client had a 2s timeout; the old one leaked connections.',
      trigger: 'Deploy 2026.11.29-3.',
      resolution: 'Rolled back, then raised the pool size.',
      wentWrong: 'The first resolve was premature.',
    },
    names: { U0ALICE: 'alice', U0BOB: 'bob', U0CAROL: 'carol', U0DAVE: 'dave' },
    version: 1,
  };
}

const goldenPath = new URL('./golden/postmortem-multi-day.md', import.meta.url);

function sectionOf(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start === -1) throw new Error(`no section ${heading}`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

describe('compiling a drill’s postmortem', () => {
  it('says DRILL in the title and in a note under it, and a real incident’s says neither', () => {
    const input = multiDayIncident();
    const lines = compilePostmortem({ ...input, incident: { ...input.incident, drill: true } }).split('\n');
    expect(lines[0]).toMatch(/^# Postmortem: DRILL · INC-\d+ — /);
    expect(lines[2]).toBe('> **DRILL:** this was a practice incident. It is left out of insights, digests and the metrics.');
    expect(compilePostmortem({ ...input, incident: { ...input.incident, drill: false } })).not.toContain('DRILL');
  });
});

describe('compiling a multi-day incident', () => {
  const input = multiDayIncident();
  const markdown = compilePostmortem(input);
  const timeline = sectionOf(markdown, 'Timeline (UTC)');
  const timelineLines = timeline.split('\n').filter((l) => l.startsWith('- **'));

  it('matches the reviewed golden file byte for byte', () => {
    expect(markdown).toBe(readFileSync(goldenPath, 'utf8'));
  });

  it('gives every event a timeline line, except a pin that was taken back and its unpin', () => {
    expect(timelineLines).toHaveLength(input.events.length - 2);
    expect(markdown).not.toContain('wrong graph');
    for (const event of input.events.filter(
      (e) => e.occurredAt.getTime() !== at('2026-11-30T08:05:00').getTime() && e.kind !== 'message_unpinned',
    )) {
      const stamp = event.occurredAt.toISOString().slice(0, 19).replace('T', ' ');
      expect(timeline).toContain(`- **${stamp}** · `);
    }
  });

  it('lists the timeline in time order with the day on every line, so the days are told apart', () => {
    const stamps = timelineLines.map((l) => /^- \*\*(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\*\*/.exec(l)?.[1]);
    expect(stamps.every((s) => s !== undefined)).toBe(true);
    expect([...stamps].sort()).toEqual(stamps);
    expect(stamps[0]).toBe('2026-11-29 22:40:00');
    expect(stamps.at(-1)).toBe('2026-12-01 09:00:00');
    // The pin is dated at the message, before the move to identified recorded ahead of it.
    expect(timeline.indexOf('📌')).toBeLessThan(timeline.indexOf('Status: Investigating → Identified'));
  });

  it('reports the key metrics from the first acknowledgement, first mitigation, first and last resolve', () => {
    const table = sectionOf(markdown, 'Key metrics');
    expect(table).toContain('| Time to acknowledge | 7m |');
    expect(table).toContain('| Time to mitigate | 1h 15m |');
    expect(table).toContain('| Time to resolve | 2h 30m |');
    expect(table).toContain('| Total duration | 12h 05m |');
    expect(table).toContain('| Pages | 1 |');
    expect(table).toContain('| Escalations | 1 |');
    expect(table).toContain('| People involved | 4 |');
  });

  it('quotes status updates in full, each line inside the quote', () => {
    expect(timeline).toContain(
      UPDATE.split('\n')
        .map((line) => `  > ${escapeInline(line)}`)
        .join('\n'),
    );
  });

  it('quotes the text given with a status move that an update made once, under the update', () => {
    expect(timeline.split(MITIGATED).length - 1).toBe(1);
  });

  it('quotes a pinned message with its author, its permalink and its mentions as names', () => {
    expect(timeline).toContain(`- **2026-11-29 23:18:12** · @carol · 📌 Message ([permalink](${PERMALINK})), pinned by @alice`);
    expect(timeline).toContain('  > Found it: the new payment client times out after 2s. @bob can you confirm on the canary?');
  });

  it('names people by display name and lists the participants sorted', () => {
    expect(markdown).toContain('- **Authors:** @alice (lead), @dave (comms)');
    expect(sectionOf(markdown, 'Participants')).toContain('- @alice\n- @bob\n- @carol\n- @dave');
    expect(markdown).not.toMatch(/U0(ALICE|BOB|CAROL|DAVE)/);
  });

  it('records both resolution summaries, the reopen and the follow-ups with owner, due date and done', () => {
    const resolution = sectionOf(markdown, 'Resolution');
    expect(resolution).toContain('Rolled back the payment client; no errors for an hour.');
    expect(resolution).toContain('Raised the pool size and restarted; stable since 10:15.');
    expect(timeline).toContain('🔁 Reopened: Resolved → Investigating');
    const followups = sectionOf(markdown, 'Follow-ups');
    expect(followups).toContain('| Alert on payment client timeouts | @carol | 2026-12-05 | Yes, 2026-12-01 |');
    expect(followups).toContain('| Load-test pool sizes \\| connection reuse | @bob | — | No |');
  });

  it('marks the sections nobody has written yet', () => {
    expect(sectionOf(markdown, 'Lessons learned')).toContain('### What went well\n\n_Not written yet._');
    expect(sectionOf(markdown, 'Lessons learned')).toContain('### What went wrong\n\nThe first resolve was premature.');
    expect(sectionOf(markdown, 'Impact')).toContain('_Not written yet._');
  });
});

describe('determinism', () => {
  it('compiles the same input to the same bytes', () => {
    expect(compilePostmortem(multiDayIncident())).toBe(compilePostmortem(multiDayIncident()));
  });

  it('compiles events given in any order to the same bytes', () => {
    const input = multiDayIncident();
    const expected = compilePostmortem(input);
    fc.assert(
      fc.property(fc.shuffledSubarray(input.events, { minLength: input.events.length }), (events) => {
        expect(compilePostmortem({ ...input, events })).toBe(expected);
      }),
      { numRuns: 50 },
    );
  });

  it('orders roles itself, so their order in the input does not matter', () => {
    const input = {
      ...multiDayIncident(),
      roles: [
        { role: 'scribe', userId: 'U0BOB' },
        { role: 'comms', userId: 'U0DAVE' },
      ],
    };
    expect(compilePostmortem(input)).toBe(compilePostmortem({ ...input, roles: [...input.roles].reverse() }));
    expect(compilePostmortem(input)).toContain('@alice (lead), @dave (comms), @bob (scribe)');
  });
});

describe('other documents', () => {
  it('says when nothing was recorded or written', () => {
    const input = multiDayIncident();
    const markdown = compilePostmortem({
      ...input,
      events: [],
      followups: [],
      roles: [],
      answers: {},
      incident: { ...input.incident, leadId: null, impact: null, description: '' },
    });
    for (const heading of ['Summary', 'Root cause', 'Trigger', 'Resolution'])
      expect(sectionOf(markdown, heading)).toContain('_Not written yet._');
    expect(sectionOf(markdown, 'Follow-ups')).toContain('None recorded.');
    expect(sectionOf(markdown, 'Timeline (UTC)')).toContain('No events recorded.');
    expect(sectionOf(markdown, 'Detection')).toContain('- Nobody was paged.');
    expect(markdown).toContain('- **Authors:** None assigned');
    expect(sectionOf(markdown, 'Key metrics')).toContain('| Total duration | — |');
  });

  it('says an incident opened by an alert was detected by it', () => {
    const input = multiDayIncident();
    const markdown = compilePostmortem({ ...input, incident: { ...input.incident, source: 'alertmanager' } });
    expect(sectionOf(markdown, 'Detection')).toContain('- Opened from an alert (alertmanager) at 2026-11-29 22:40:00 UTC.');
    expect(sectionOf(markdown, 'Detection')).toContain('- First page: policy primary at 2026-11-29 22:40:00 UTC, by @alice.');
  });

  it('gives an event of a kind it does not know a line naming the kind', () => {
    const input = multiDayIncident();
    const markdown = compilePostmortem({
      ...input,
      events: [{ id: 1, kind: 'weather_report', actor: null, occurredAt: at('2026-11-29T23:00:00'), data: { sky: 'grey' } }],
    });
    expect(markdown).toContain('- **2026-11-29 23:00:00** · Firewatch · • weather\\_report');
  });

  it('quotes a message pinned, unpinned and pinned again once', () => {
    const input = multiDayIncident();
    const pin = (id: number) => ({
      id,
      kind: 'message_pinned',
      actor: 'U0BOB',
      occurredAt: at('2026-11-29T23:00:00'),
      data: { channel: 'C0INC42', ts: '1.2', author: 'U0BOB', text: 'look here', permalink: null, pinnedBy: 'U0BOB' },
    });
    const events = [
      pin(1),
      { id: 2, kind: 'message_unpinned', actor: 'U0BOB', occurredAt: at('2026-11-29T23:05:00'), data: { ts: '1.2', channel: 'C0INC42' } },
      pin(3),
    ];
    const timeline = sectionOf(compilePostmortem({ ...input, events }), 'Timeline (UTC)');
    expect(timeline.match(/📌/g)).toHaveLength(1);
    expect(timeline).not.toContain('unpinned');
  });
});

describe('postmortemAnswersSchema', () => {
  it('accepts optional strings up to 3000 characters and refuses longer ones', () => {
    expect(postmortemAnswersSchema.parse({ summary: 'x', lucky: 'y'.repeat(3000) })).toEqual({ summary: 'x', lucky: 'y'.repeat(3000) });
    expect(postmortemAnswersSchema.parse({})).toEqual({});
    expect(postmortemAnswersSchema.safeParse({ summary: 'y'.repeat(3001) }).success).toBe(false);
    expect(postmortemAnswersSchema.safeParse({ summary: 3 }).success).toBe(false);
  });
});

const NAMES = { U123: 'alice', U0BOB: 'bob' };

describe('slackToMarkdown', () => {
  it.each([
    ['<@U123>', '@alice'],
    ['<@U123|someone>', '@alice'],
    ['<@U999>', '@U999'],
    ['<#C123|general>', '#general'],
    ['<#C123>', '#C123'],
    ['<!here> <!channel> <!everyone>', '@here @channel @everyone'],
    ['<!subteam^S1|@team>', '@team'],
    ['<!date^1795994292^{date_short}|29 Nov 2026>', '29 Nov 2026'],
    ['<https://x.example/a|label>', '[label](https://x.example/a)'],
    ['<https://x.example/a>', 'https://x.example/a'],
    ['a &lt; b &amp;&amp; c &gt; d', 'a \\< b \\&\\& c \\> d'],
    ['&amp;lt;', '\\&lt;'],
  ])('renders %s as %s', (slack, markdown) => {
    expect(slackToMarkdown(slack, NAMES)).toBe(markdown);
  });

  it('does not take a name from the map prototype', () => {
    expect(slackToMarkdown('<@constructor>', {})).toBe('@constructor');
  });

  it('escapes the labels and names it puts in, and keeps its own links working', () => {
    expect(slackToMarkdown('<https://x.example/q?a=1&amp;b=(2)|see *this* [here]>', {})).toBe(
      '[see \\*this\\* \\[here\\]](https://x.example/q?a=1\\&b=%282%29)',
    );
    expect(slackToMarkdown('<@U1>', { U1: '*bo|b*\n# x' })).toBe('@\\*bo\\|b\\* \\# x');
  });

  it('leaves links it cannot vouch for as visible text', () => {
    expect(slackToMarkdown('<javascript:alert(1)|click>', {})).toBe('\\<javascript:alert(1)\\|click\\>');
    expect(slackToMarkdown('[x](javascript:alert(1))', {})).toBe('\\[x\\](javascript:alert(1))');
  });
});

describe('escaping hostile text', () => {
  it.each([
    ['a code fence', '```\ncode\n```', '\\`\\`\\`\ncode\n\\`\\`\\`'],
    ['a heading', '# Heading', '\\# Heading'],
    ['a table', '| a | b |\n|---|---|', '\\| a \\| b \\|\n\\|---\\|---\\|'],
    ['HTML', '<script>alert(1)</script>', '\\<script\\>alert(1)\\</script\\>'],
    ['a link', '[x](javascript:alert(1))', '\\[x\\](javascript:alert(1))'],
    ['an ordered list', '1. first', '1\\. first'],
    ['a bullet list', '- first\n+ second\n* third', '\\- first\n\\+ second\n\\* third'],
    ['a setext heading', 'Title\n===', 'Title\n\\==='],
    ['a quote', '> quoted', '\\> quoted'],
  ])('keeps %s literal in a block quote', (_name, text, escaped) => {
    expect(blockquote(text)).toBe(
      escaped
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n'),
    );
  });

  it('keeps inline text on one line and cells inside their cell', () => {
    expect(escapeInline('# a\n- b\r\n1. c')).toBe('\\# a - b 1. c');
    expect(tableCell('a | b `c`\nd')).toBe('a \\| b \\`c\\` d');
    expect(escapeInline('x | y')).toBe('x | y');
  });

  it('keeps a closing `#` of the title heading as text', () => {
    expect(escapeInline('fix for #123 ##')).toBe('fix for #123 \\##');
  });

  it('keeps blank lines inside the quote', () => {
    expect(blockquote('a\n\nb')).toBe('> a\n>\n> b');
  });

  it('keeps a lone carriage return from ending a quoted line early', () => {
    expect(blockquote('a\r# b')).toBe('> a\n> \\# b');
  });

  const HOSTILE = ['```', '# Heading', '| a | b |', '<script>', '[x](javascript:alert(1))', '1. one', '- item'];

  it.each(HOSTILE)('keeps %s inside its section wherever users write', (text) => {
    const input = withUserText(multiDayIncident(), () => `before\n${text}\nafter ${text}`);
    expect(structure(compilePostmortem(input))).toEqual(structure(compilePostmortem(withUserText(multiDayIncident(), () => 'plain'))));
    const markdown = compilePostmortem(input);
    expect(markdown).not.toMatch(/^[ \t>]*(```|#+ Heading|\| a \||<script>|\[x\]\(|1\. one|- item)/m);
  });
});

/**
 * The lines that give the document its shape: headings and table rows (cells counted), wherever they
 * are, quotes included, and list items at the top level that Firewatch did not write.
 */
function structure(markdown: string): string[] {
  const lines = markdown.split(/\r\n|\r|\n/);
  expect(lines[0]).toMatch(/^# Postmortem: INC-42 — /);
  return lines.slice(1).flatMap((line) => {
    const bare = line.replace(/^[\s>]*/, '');
    if (/^#{1,6}(\s|$)/.test(bare)) return [line];
    if (/^\|/.test(bare) || /^(=+|-+)\s*$/.test(bare)) return [`table row with ${line.match(/(?<!\\)(?:\\\\)*\|/g)?.length ?? 0} bars`];
    if (/^([-+*]|\d+[.)])(\s|$)/.test(line) && !/^- (\*\*|@|Declared by |Opened from |First page: |Nobody was paged)/.test(line))
      return [`stray list item: ${line}`];
    return [];
  });
}

/** What decides the document's shape (status moves, who took part) rather than what it says. */
const KEPT = ['ts', 'permalink', 'to', 'from', 'user', 'lead', 'previous', 'remind', 'pinnedBy'];

/** Every piece of user text in the input, and every name, replaced by what `text` makes. */
function withUserText(input: PostmortemInput, text: () => string): PostmortemInput {
  const data = (event: MetricEvent): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(event.data).map(([key, value]) => [key, typeof value === 'string' && !KEPT.includes(key) ? text() : value]),
    );
  return {
    ...input,
    incident: {
      ...input.incident,
      title: text(),
      severityLabel: text(),
      type: text(),
      impact: text(),
      description: text(),
      source: text(),
    },
    roles: input.roles.map((r) => ({ ...r, role: text() })),
    events: input.events.map((e) => ({ ...e, data: data(e) })),
    followups: input.followups.map((f) => ({ ...f, text: text() })),
    answers: {
      summary: text(),
      impact: text(),
      rootCause: text(),
      trigger: text(),
      resolution: text(),
      wentWell: text(),
      wentWrong: text(),
      lucky: text(),
    },
    names: Object.fromEntries(Object.keys(input.names).map((id) => [id, text()])),
  };
}

describe('the document structure', () => {
  const fragments = fc.constantFrom(
    '```',
    '~~~',
    '# ',
    '## ',
    '\n',
    '\r',
    '\r\n',
    '|',
    '---',
    '===',
    '- ',
    '* ',
    '1. ',
    '> ',
    '<',
    '>',
    '&lt;',
    '&amp;',
    '<@U0BOB>',
    '<#C1|x>',
    '<https://x.example|y>',
    '[x](y)',
    '\\',
    '`',
    '*',
    '_',
    '#',
    '    ',
    '\t',
    'a',
    ' ',
    '<!here>',
    '<script>',
  );
  const userText = fc.oneof(
    fc.string({ unit: 'grapheme-ascii' }),
    fc.string({ unit: 'grapheme' }),
    fc.array(fragments, { maxLength: 12 }).map((parts) => parts.join('')),
  );
  const plain = structure(compilePostmortem(withUserText(multiDayIncident(), () => 'plain')));

  it('is the same whatever users wrote', () => {
    fc.assert(
      fc.property(fc.array(userText, { minLength: 1, maxLength: 40 }), (texts) => {
        let next = 0;
        const input = withUserText(multiDayIncident(), () => texts[next++ % texts.length] ?? '');
        expect(structure(compilePostmortem(input))).toEqual(plain);
      }),
      { numRuns: 300 },
    );
  });
});
