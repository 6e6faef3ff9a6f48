import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channelNameOf, drillChannelName, incidentChannelName, MAX_CHANNEL_NAME, slugify } from '../../src/incidents/channel-name.js';

describe('incident channel names', () => {
  it('names the channel inc-<n>-<slug of title>', () => {
    expect(incidentChannelName(12, 'Payments API returning 500s')).toBe('inc-12-payments-api-returning-500s');
  });

  it('drops emoji and punctuation and folds accents', () => {
    expect(incidentChannelName(3, '🔥 Café checkout: 50% of carts "stuck"!!! (EU/US)')).toBe('inc-3-cafe-checkout-50-of-carts-stuck-eu-us');
  });

  it('cuts a long title at a word boundary to stay within 80 characters', () => {
    const title = 'Database replication lag causing stale reads for customers in every region we serve today';
    const name = incidentChannelName(4821, title);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toBe('inc-4821-database-replication-lag-causing-stale-reads-for-customers-in-every');
    expect(slugify(title).startsWith(name.slice('inc-4821-'.length))).toBe(true);
  });

  it('cuts a single over-long word hard rather than dropping it', () => {
    const name = incidentChannelName(1, 'x'.repeat(200));
    expect(name).toBe(`inc-1-${'x'.repeat(MAX_CHANNEL_NAME - 6)}`);
  });

  it('falls back to "incident" when nothing of the title survives', () => {
    expect(incidentChannelName(9, '🔥🔥 !!! 🚒')).toBe('inc-9-incident');
  });

  it('adds a suffix after name_taken and still fits', () => {
    const long = 'word '.repeat(40);
    expect(incidentChannelName(7, 'Payments down', 2)).toBe('inc-7-payments-down-2');
    const name = incidentChannelName(7, long, 13);
    expect(name.endsWith('-13')).toBe(true);
    expect(name.length).toBeLessThanOrEqual(80);
  });

  it('always yields a valid Slack channel name with the incident prefix', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.string({ maxLength: 300, unit: 'grapheme' }),
        fc.integer({ min: 1, max: 99 }),
        (n, title, attempt) => {
          const name = incidentChannelName(n, title, attempt);
          expect(name).toMatch(/^[a-z0-9-]+$/);
          expect(name.length).toBeLessThanOrEqual(MAX_CHANNEL_NAME);
          expect(name.startsWith(`inc-${n}-`)).toBe(true);
          expect(name).not.toMatch(/--|-$/);
        },
      ),
    );
  });

  it('keeps whole words: the slug in the name is a word-prefix of the full slug', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z0-9]{1,12}$/), { minLength: 1, maxLength: 30 }), (words) => {
        const title = words.join(' ');
        const slug = incidentChannelName(42, title).slice('inc-42-'.length);
        const full = slugify(title);
        expect(full === slug || full.startsWith(`${slug}-`) || words[0]!.length > 70).toBe(true);
      }),
    );
  });
});

describe('drill channel names', () => {
  it('names a drill’s channel drill-<n>-<slug of title>, and a real incident’s inc-<n>-…', () => {
    expect(drillChannelName(12, 'Failover practice')).toBe('drill-12-failover-practice');
    expect(channelNameOf({ id: 12, title: 'Failover practice', drill: true })).toBe('drill-12-failover-practice');
    expect(channelNameOf({ id: 12, title: 'Failover practice', drill: false })).toBe('inc-12-failover-practice');
  });

  it('adds the name_taken suffix the same way, and falls back to "practice" when nothing of the title survives', () => {
    expect(channelNameOf({ id: 5, title: 'Failover practice', drill: true }, 3)).toBe('drill-5-failover-practice-3');
    expect(drillChannelName(9, '🧪🧪')).toBe('drill-9-practice');
  });

  it('always yields a valid Slack channel name with the drill prefix, within 80 characters', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.string({ maxLength: 300, unit: 'grapheme' }),
        fc.integer({ min: 1, max: 99 }),
        (n, title, attempt) => {
          const name = channelNameOf({ id: n, title, drill: true }, attempt);
          expect(name).toMatch(/^[a-z0-9-]+$/);
          expect(name.length).toBeLessThanOrEqual(MAX_CHANNEL_NAME);
          expect(name.startsWith(`drill-${n}-`)).toBe(true);
          expect(name).not.toMatch(/--|-$/);
          if (attempt > 1) expect(name.endsWith(`-${attempt}`)).toBe(true);
        },
      ),
    );
  });
});
