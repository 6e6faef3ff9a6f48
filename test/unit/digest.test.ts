import type { KnownBlock } from '@slack/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DigestData, DigestIncident } from '../../src/digests/build.js';
import { renderDigest } from '../../src/slack/blocks/digest.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const GENERATED_AT = Date.UTC(2026, 2, 10, 9, 0, 0);
const SINCE = GENERATED_AT - 16 * HOUR;
/** Resolved incidents get ids from here, so they never collide with open ones (1, 2, …). */
const RESOLVED_BASE = 100_000;

const SEVERITIES = [
  { severity: 'sev1', label: 'Critical' },
  { severity: 'sev2', label: 'Major' },
  { severity: 'sev3', label: 'Minor' },
  { severity: 'sev4', label: 'Low' },
  { severity: 'sev5', label: 'Cosmetic' },
  { severity: 'legacy', label: 'legacy' },
];

/** A small deterministic PRNG (mulberry32), so generated digests are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const WORDS = [
  'checkout',
  'API',
  'latency',
  'p99',
  'errors',
  'elevated',
  'in',
  'eu-west-1',
  'payments',
  'degraded',
  'for',
  'some',
  'customers',
  '&',
  'database',
  'failover',
  '"primary"',
  'queue',
  'backlog',
  '<growing>',
  'after',
  'deploy',
  'v2.14.3',
];

function text(rand: () => number, length: number, withChannel: boolean): string {
  let out = withChannel ? '<!channel> ' : '';
  while (out.length < length) out += `${WORDS[Math.floor(rand() * WORDS.length)] ?? 'x'} `;
  return out.slice(0, length).trim() || 'x';
}

interface GenOptions {
  seed?: number;
  /** Longest title (titles are up to 200 characters, as validate.ts allows). */
  titleMax?: number;
  /** Longest update first line. */
  updateMax?: number;
  /** Titles made of nothing but characters that grow when escaped (`&` becomes `&amp;`). */
  worstCaseEscaping?: boolean;
}

/**
 * `sizes[g]` open incidents in severity group g (most severe first), and `resolvedCount` resolved ones.
 * Every fifth incident has no lead, every seventh no update, every eleventh `<!channel>` in its title.
 */
function makeDigest(sizes: number[], resolvedCount: number, options: GenOptions = {}): DigestData {
  const rand = prng(options.seed ?? 42);
  const titleMax = options.titleMax ?? 200;
  const updateMax = options.updateMax ?? 500;
  const title = (withChannel: boolean) =>
    options.worstCaseEscaping ? '&'.repeat(titleMax) : text(rand, 1 + Math.floor(rand() * titleMax), withChannel);
  let id = 0;
  const open: DigestData['open'] = sizes.map((size, g) => {
    const sev = SEVERITIES[g] ?? { severity: `sev${g + 1}`, label: `Level ${g + 1}` };
    const incidents: DigestIncident[] = [];
    for (let i = 0; i < size; i++) {
      id++;
      const createdAt = GENERATED_AT - Math.floor(rand() * 10 * DAY);
      incidents.push({
        id,
        title: title(id % 11 === 0),
        status: ['triage', 'investigating', 'identified', 'monitoring'][id % 4] ?? 'investigating',
        leadId: id % 5 === 0 ? null : `U${String(id).padStart(6, '0')}`,
        channelId: id % 13 === 0 ? null : `C${String(id).padStart(6, '0')}`,
        createdAt: new Date(createdAt).toISOString(),
        lastUpdate:
          id % 7 === 0
            ? null
            : {
                at: new Date(createdAt + Math.floor(rand() * (GENERATED_AT - createdAt))).toISOString(),
                firstLine: options.worstCaseEscaping
                  ? '<'.repeat(updateMax)
                  : text(rand, 1 + Math.floor(rand() * updateMax), id % 17 === 0),
              },
      });
    }
    return { severity: sev.severity, label: sev.label, incidents };
  });
  const resolved: DigestData['resolved'] = [];
  for (let i = 0; i < resolvedCount; i++) {
    const rid = RESOLVED_BASE + i + 1;
    resolved.push({
      id: rid,
      title: title(i % 3 === 0),
      severity: SEVERITIES[i % 4]?.severity ?? 'sev4',
      channelId: i % 6 === 0 ? null : `C${rid}`,
      durationMs: Math.floor(rand() * 3 * DAY),
    });
  }
  return { generatedAt: new Date(GENERATED_AT).toISOString(), since: new Date(SINCE).toISOString(), open, resolved };
}

/** Spreads n open incidents over sev1..sev4, more of the less severe kind. */
function spread(n: number): number[] {
  const weights = [1, 2, 3, 4];
  const sizes = weights.map((w) => Math.floor((n * w) / 10));
  sizes[3] = (sizes[3] ?? 0) + n - sizes.reduce((a, b) => a + b, 0);
  return sizes.filter((s) => s > 0);
}

// ---- reading rendered blocks ----

/** Every mrkdwn/plain_text string in the blocks, with the block's type. */
function texts(blocks: KnownBlock[]): Array<{ type: string; text: string }> {
  const out: Array<{ type: string; text: string }> = [];
  const walk = (value: unknown, type: string) => {
    if (Array.isArray(value)) value.forEach((v) => walk(v, type));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'text' && typeof v === 'string') out.push({ type, text: v });
        else walk(v, type);
      }
    }
  };
  for (const block of blocks) walk(block, block.type);
  return out;
}

/** The `text.text` of each block of one type (sections, headers). */
function ownTexts(blocks: KnownBlock[], type: 'section' | 'header'): string[] {
  return blocks.flatMap((b) => (b.type === type && b.text && typeof b.text.text === 'string' ? [b.text.text] : []));
}

const sectionTexts = (blocks: KnownBlock[]) => ownTexts(blocks, 'section');
const headerTexts = (blocks: KnownBlock[]) => ownTexts(blocks, 'header');

/** How many times each incident key appears as `*INC-<n>*` (the bold key of a line) in the blocks. */
function keyCounts(blocks: KnownBlock[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const { text: t } of texts(blocks)) {
    for (const m of t.matchAll(/\*INC-(\d+)\*/g)) {
      const n = Number(m[1]);
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
  }
  return counts;
}

/** The counts of the final "…and N more" line; zeros when there is none. */
function moreLine(blocks: KnownBlock[]): { present: boolean; open: number; resolved: number; text: string } {
  const lines = texts(blocks).filter((t) => t.text.includes('…and '));
  if (lines.length === 0) return { present: false, open: 0, resolved: 0, text: '' };
  expect(lines).toHaveLength(1);
  const line = lines[0]?.text ?? '';
  // It is the very last block.
  expect(texts([blocks[blocks.length - 1] as KnownBlock]).map((t) => t.text)).toContain(line);
  const open = /(\d+) more open incidents?/.exec(line);
  const resolved = /(\d+) more resolved/.exec(line);
  return { present: true, open: open ? Number(open[1]) : 0, resolved: resolved ? Number(resolved[1]) : 0, text: line };
}

/** Slack's limits and the shown + omitted = total accounting, for open and resolved separately. */
function checkLimitsAndAccounting(digest: DigestData, blocks: KnownBlock[]) {
  expect(blocks.length).toBeGreaterThan(0);
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const t of sectionTexts(blocks)) expect(t.length).toBeLessThanOrEqual(3_000);
  for (const t of headerTexts(blocks)) expect(t.length).toBeLessThanOrEqual(150);
  for (const { text: t } of texts(blocks)) expect(t.length).toBeLessThanOrEqual(3_000);

  const counts = keyCounts(blocks);
  for (const [, n] of counts) expect(n).toBe(1);
  const openIds = digest.open.flatMap((g) => g.incidents.map((i) => i.id));
  const resolvedIds = digest.resolved.map((r) => r.id);
  const shownOpen = openIds.filter((id) => counts.has(id)).length;
  const shownResolved = resolvedIds.filter((id) => counts.has(id)).length;
  // Nothing but these incidents is keyed.
  expect(counts.size).toBe(shownOpen + shownResolved);

  const more = moreLine(blocks);
  expect(shownOpen + more.open).toBe(openIds.length);
  expect(shownResolved + more.resolved).toBe(resolvedIds.length);
  expect(more.open).toBeGreaterThanOrEqual(0);
  expect(more.resolved).toBeGreaterThanOrEqual(0);
  if (more.present) {
    expect(more.open + more.resolved).toBeGreaterThan(0);
    expect(more.text).toContain('/incident list');
  }
  return { shownOpen, shownResolved, more };
}

/**
 * Group headings in the order they appear, and every shown open incident under its own group's heading.
 */
function checkGroupOrder(digest: DigestData, blocks: KnownBlock[]) {
  const headings: string[] = [];
  const groupOf = new Map<number, string>();
  for (const g of digest.open) for (const i of g.incidents) groupOf.set(i.id, g.severity);
  let current: string | undefined;
  let inResolved = false;
  for (const t of sectionTexts(blocks)) {
    const heading = /^\*([A-Z0-9_-]+) · [^*]*\* \(\d+\)$/.exec(t);
    if (heading) {
      current = heading[1]?.toLowerCase();
      headings.push(current ?? '');
      continue;
    }
    if (/^\*Resolved since /.test(t)) {
      inResolved = true;
      continue;
    }
    for (const m of t.matchAll(/\*INC-(\d+)\*/g)) {
      const id = Number(m[1]);
      if (inResolved) expect(id).toBeGreaterThan(RESOLVED_BASE);
      else expect(groupOf.get(id)).toBe(current);
    }
  }
  // The shown groups are the first ones given, in the order given (most severe first).
  expect(headings).toEqual(digest.open.slice(0, headings.length).map((g) => g.severity));
  return headings;
}

describe('renderDigest', () => {
  it('posts a one-line all clear when nothing is open and nothing was resolved', () => {
    const { text, blocks } = renderDigest(makeDigest([], 0));
    expect(blocks).toHaveLength(1);
    const [block] = blocks;
    expect(block?.type).toBe('section');
    const t = sectionTexts(blocks)[0] ?? '';
    expect(t).toContain('All clear');
    expect(t).not.toContain('\n');
    expect(text).toContain('All clear');
  });

  it('shows one open incident with everything about it', () => {
    const digest: DigestData = {
      generatedAt: new Date(GENERATED_AT).toISOString(),
      since: new Date(SINCE).toISOString(),
      open: [
        {
          severity: 'sev2',
          label: 'Major',
          incidents: [
            {
              id: 42,
              title: 'Checkout API returning 502s',
              status: 'investigating',
              leadId: 'U0123ALICE',
              channelId: 'C0INC42',
              createdAt: new Date(GENERATED_AT - (2 * HOUR + 5 * MINUTE)).toISOString(),
              lastUpdate: { at: new Date(GENERATED_AT - 17 * MINUTE).toISOString(), firstLine: 'Rolled back v2.14.3, errors dropping' },
            },
          ],
        },
      ],
      resolved: [],
    };
    const { text, blocks } = renderDigest(digest);
    expect(blocks[0]?.type).toBe('header');
    expect(headerTexts(blocks)).toHaveLength(1);
    const all = texts(blocks)
      .map((t) => t.text)
      .join('\n');
    expect(all).toContain('SEV2');
    expect(all).toContain('Major');
    const line = sectionTexts(blocks).find((t) => t.includes('INC-42'));
    expect(line).toBeDefined();
    expect(line).toContain('*INC-42*');
    expect(line).toContain('Checkout API returning 502s');
    expect(line).toContain('Investigating');
    expect(line).toContain('<@U0123ALICE>');
    expect(line).toContain('open 2h 5m');
    expect(line).toContain('last update 17m ago');
    expect(line).toContain('Rolled back v2.14.3, errors dropping');
    expect(line).toContain('<#C0INC42>');
    expect(moreLine(blocks).present).toBe(false);
    expect(text).toContain('1 open');
    checkLimitsAndAccounting(digest, blocks);
  });

  it('says "no update yet" and "no lead" for an incident without them', () => {
    const digest = makeDigest([1], 0);
    const incident = digest.open[0]?.incidents[0];
    if (!incident) throw new Error('expected an incident');
    incident.lastUpdate = null;
    incident.leadId = null;
    const { blocks } = renderDigest(digest);
    const line = sectionTexts(blocks).find((t) => t.includes('*INC-1*')) ?? '';
    expect(line).toContain('no update yet');
    expect(line).not.toContain('last update');
    expect(line).toContain('no lead');
    expect(line).not.toContain('<@');
  });

  it('shows resolved incidents with how long they lasted', () => {
    const digest = makeDigest([], 2);
    const [first, second] = digest.resolved;
    if (!first || !second) throw new Error('expected two resolved incidents');
    first.durationMs = 3 * HOUR + 20 * MINUTE;
    first.channelId = 'C0RES1';
    second.durationMs = 2 * DAY + 4 * HOUR;
    const { blocks } = renderDigest(digest);
    const all = sectionTexts(blocks).join('\n');
    expect(all).toContain('Resolved since');
    const line1 = all.split('\n').find((l) => l.includes(`*INC-${first.id}*`)) ?? '';
    const line2 = all.split('\n').find((l) => l.includes(`*INC-${second.id}*`)) ?? '';
    expect(line1).toContain('resolved after 3h 20m');
    expect(line1).toContain('<#C0RES1>');
    expect(line2).toContain('resolved after 2d 4h');
    checkLimitsAndAccounting(digest, blocks);
  });

  it('escapes user text: <!channel> in a title or update is shown, never acted on', () => {
    const digest = makeDigest([3], 1);
    const [a, b] = digest.open[0]?.incidents ?? [];
    const r = digest.resolved[0];
    if (!a || !b || !r) throw new Error('expected incidents');
    a.title = '<!channel> checkout down & <@U0BAD> paged';
    b.lastUpdate = { at: digest.generatedAt, firstLine: 'ping <!here> and <!channel>' };
    r.title = 'resolved <!channel>';
    const { blocks } = renderDigest(digest);
    const all = texts(blocks).map((t) => t.text);
    for (const t of all) {
      expect(t).not.toContain('<!channel>');
      expect(t).not.toContain('<!here>');
      expect(t).not.toContain('<@U0BAD>');
    }
    const joined = all.join('\n');
    expect(joined).toContain('&lt;!channel&gt; checkout down &amp; &lt;@U0BAD&gt; paged');
    expect(joined).toContain('ping &lt;!here&gt; and &lt;!channel&gt;');
    expect(joined).toContain('resolved &lt;!channel&gt;');
  });

  it.each([0, 1, 49, 50, 500])('stays within Slack limits with %i open incidents (and a few resolved)', (n) => {
    const digest = makeDigest(spread(n), 5, { seed: n + 1 });
    const { blocks } = renderDigest(digest);
    const { shownOpen, shownResolved, more } = checkLimitsAndAccounting(digest, blocks);
    checkGroupOrder(digest, blocks);
    // <!channel> titles are escaped at every size.
    for (const { text: t } of texts(blocks)) expect(t).not.toContain('<!channel>');
    if (!more.present) {
      expect(shownOpen).toBe(n);
      expect(shownResolved).toBe(5);
    }
    if (n <= 1) expect(more.present).toBe(false);
    if (n === 500) {
      expect(more.open).toBeGreaterThan(0);
      expect(more.text).toContain(`${more.open} more open incidents`);
    }
  });

  it('has no "and N more" line when everything fits, and shows every incident', () => {
    const digest = makeDigest([2, 3, 1], 4, { titleMax: 40, updateMax: 60 });
    const { blocks } = renderDigest(digest);
    const { shownOpen, shownResolved, more } = checkLimitsAndAccounting(digest, blocks);
    expect(more.present).toBe(false);
    expect(shownOpen).toBe(6);
    expect(shownResolved).toBe(4);
    expect(checkGroupOrder(digest, blocks)).toEqual(['sev1', 'sev2', 'sev3']);
  });

  it('keeps the order of the groups given, even when it is not alphabetical', () => {
    const digest = makeDigest([1, 1, 1], 0);
    digest.open.reverse();
    const { blocks } = renderDigest(digest);
    expect(checkGroupOrder(digest, blocks)).toEqual(['sev3', 'sev2', 'sev1']);
  });

  it('stays within the section limit when every character of the user text grows when escaped', () => {
    const digest = makeDigest(spread(120), 30, { worstCaseEscaping: true, titleMax: 200, updateMax: 500 });
    const { blocks } = renderDigest(digest);
    checkLimitsAndAccounting(digest, blocks);
    checkGroupOrder(digest, blocks);
  });

  it('counts resolved incidents in the "and N more" line when open ones fill the message', () => {
    const digest = makeDigest(spread(500), 40, { seed: 7 });
    const { blocks } = renderDigest(digest);
    const { shownResolved, more } = checkLimitsAndAccounting(digest, blocks);
    expect(shownResolved + more.resolved).toBe(40);
  });

  // Shown incidents are counted per line packed, not by the line breaks in a section's text.
  it('counts an incident whose title holds a line break once', () => {
    const digest = makeDigest([1], 0);
    const incident = digest.open[0]?.incidents[0];
    if (!incident) throw new Error('expected an incident');
    incident.title = 'Checkout down\nafter deploy';
    const { blocks } = renderDigest(digest);
    expect(moreLine(blocks).present).toBe(false);
  });

  it('property: limits and shown + omitted = total hold for random digests', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer(),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 500 }),
        fc.boolean(),
        (sizes, resolvedCount, seed, titleMax, updateMax, worstCaseEscaping) => {
          const digest = makeDigest(sizes, resolvedCount, { seed, titleMax, updateMax, worstCaseEscaping });
          const { blocks } = renderDigest(digest);
          checkLimitsAndAccounting(digest, blocks);
          checkGroupOrder(digest, blocks);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('property: limits hold with 0–600 open incidents and no resolved ones, or only resolved ones', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 100 }),
        fc.boolean(),
        fc.integer(),
        (n, resolvedCount, onlyResolved, seed) => {
          const digest = onlyResolved ? makeDigest([], resolvedCount, { seed }) : makeDigest(spread(n), 0, { seed });
          const { blocks } = renderDigest(digest);
          checkLimitsAndAccounting(digest, blocks);
          checkGroupOrder(digest, blocks);
        },
      ),
      { numRuns: 100 },
    );
  });
});
