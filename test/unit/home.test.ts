import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Followup, Incident, Page } from '../../src/db/schema.js';
import { HOME_HORIZON_MS, shiftsOf, type HomeData } from '../../src/paging/home.js';
import { changedSince } from '../../src/paging/oncall-watch.js';
import type { ScheduleDef } from '../../src/paging/schedule.js';
import { HOME_ACTIONS, HOME_BLOCKS_MAX, homeView } from '../../src/slack/blocks/home.js';
import { testConfig } from '../support/app.js';

const DAY = 86_400_000;
const weekly: ScheduleDef = {
  id: 'platform',
  timeZone: 'Europe/Berlin',
  rotation: { start: '2026-01-05T09:00', lengthMs: 7 * DAY, users: ['U0ALICE', 'U0BOB'] },
  overrides: [],
};

describe('shiftsOf: a person’s shift now and next', () => {
  const monday = new Date('2026-03-02T12:00:00Z');

  it('says until when someone on call now is on, and when their next shift starts and ends', () => {
    const [bob] = shiftsOf([weekly], 'U0BOB', new Date('2026-01-13T12:00:00Z'));
    expect(bob?.now?.until.toISOString()).toBe('2026-01-19T08:00:00.000Z');
    expect(bob?.next).toMatchObject({ start: new Date('2026-01-26T08:00:00Z'), end: new Date('2026-02-02T08:00:00Z') });
    const [alice] = shiftsOf([weekly], 'U0ALICE', new Date('2026-01-13T12:00:00Z'));
    expect(alice?.now).toBeUndefined();
    expect(alice?.next?.start.toISOString()).toBe('2026-01-19T08:00:00.000Z');
  });

  it('keeps the local hand-off time across daylight saving (09:00 Berlin is 07:00 UTC in summer)', () => {
    // The week from 2026-03-23 is the rotation's twelfth: Bob's. Clocks went forward on the 29th.
    const [bob] = shiftsOf([weekly], 'U0BOB', new Date('2026-03-24T12:00:00Z'));
    expect(bob?.now?.until.toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });

  it('counts an override, and leaves out schedules the person is not on', () => {
    const covered: ScheduleDef = {
      ...weekly,
      overrides: [{ user: 'U0CAROL', start: '2026-03-03T00:00:00Z', end: '2026-03-04T00:00:00Z' }],
    };
    const [carol] = shiftsOf([covered], 'U0CAROL', monday);
    expect(carol?.next).toMatchObject({ start: new Date('2026-03-03T00:00:00Z'), end: new Date('2026-03-04T00:00:00Z') });
    expect(shiftsOf([weekly], 'U0CAROL', monday)).toEqual([]);
  });

  it('says a shift runs past the horizon rather than naming the horizon as its end', () => {
    const alone: ScheduleDef = { ...weekly, rotation: { ...weekly.rotation, users: ['U0ALICE'] } };
    const [alice] = shiftsOf([alone], 'U0ALICE', monday);
    expect(alice?.now?.beyondHorizon).toBe(true);
    expect(alice?.next).toBeUndefined();
  });

  it('for any rotation and moment: "now" covers the moment, "next" starts later, both are the person’s', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('U0A', 'U0B', 'U0C'), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 240 }),
        fc.integer({ min: 0, max: 400 * 24 }),
        fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe'),
        (users, hours, offsetHours, timeZone) => {
          const def: ScheduleDef = {
            id: 's',
            timeZone,
            rotation: { start: '2026-01-01T00:00', lengthMs: hours * 3_600_000, users },
            overrides: [],
          };
          const at = new Date(Date.UTC(2026, 0, 1) + offsetHours * 3_600_000);
          for (const user of new Set(users)) {
            const [mine] = shiftsOf([def], user, at);
            if (mine?.now) expect(mine.now.until.getTime()).toBeGreaterThan(at.getTime());
            if (mine?.next) {
              expect(mine.next.start.getTime()).toBeGreaterThan(at.getTime());
              expect(mine.next.end.getTime()).toBeGreaterThan(mine.next.start.getTime());
              expect(mine.next.start.getTime()).toBeLessThan(at.getTime() + HOME_HORIZON_MS);
              if (mine.now) expect(mine.next.start.getTime()).toBeGreaterThan(mine.now.until.getTime());
            }
          }
        },
      ),
    );
  });
});

const incident = (id: number, extra: Partial<Incident> = {}): Incident =>
  ({
    id,
    title: `Incident ${id} <!channel>`,
    severity: 'sev1',
    status: 'investigating',
    isPrivate: false,
    drill: false,
    channelId: `C${id}`,
    ...extra,
  }) as Incident;
const page = (id: number): Page => ({ id, state: 'triggered', createdAt: new Date('2026-03-02T12:00:00Z') }) as Page;
const followup = (id: number): Followup => ({ id, text: `Follow-up ${id}`, dueAt: null }) as Followup;

function data(n: number): HomeData {
  return {
    userId: 'U0BOB',
    schedules: Array.from({ length: n }, (_, i) => ({ scheduleId: `s${i}`, now: undefined, next: undefined })),
    pages: Array.from({ length: n }, (_, i) => ({ page: page(i + 1), incident: incident(i + 1) })),
    incidents: Array.from({ length: n }, (_, i) => incident(i + 1)),
    followups: Array.from({ length: n }, (_, i) => ({ followup: followup(i + 1), incident: incident(i + 1) })),
  };
}

describe('homeView', () => {
  const config = testConfig();

  it('stays within Slack’s 100 blocks however long the lists, and says how many more there are', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 101 }), (n) => {
        const view = homeView(config, data(n));
        expect(view.blocks.length).toBeLessThanOrEqual(HOME_BLOCKS_MAX);
        const text = JSON.stringify(view.blocks);
        if (n > 20) expect(text).toContain(n >= 101 ? `and ${n - 20} or more` : `and ${n - 20} more`);
        else expect(text).not.toContain('more');
      }),
    );
  });

  it('gives pages the page DM’s Acknowledge and follow-ups the list’s Done, with their ids', () => {
    const text = JSON.stringify(homeView(config, data(1)).blocks);
    expect(text).toContain('"action_id":"page_acknowledge"');
    expect(text).toContain('"action_id":"followup_done"');
    expect(text).toContain('"value":"1"');
    expect(text).toContain(`"action_id":"${HOME_ACTIONS.requestCover}"`);
    expect(text).toContain(`"action_id":"${HOME_ACTIONS.pagingSettings}"`);
    // A title is shown, never acted on.
    expect(text).not.toContain('<!channel>');
  });

  it('says when a list is empty', () => {
    const text = JSON.stringify(homeView(config, data(0)).blocks);
    for (const words of ['You are on no on-call schedule.', 'No open pages.', 'You are in no open incident.', 'No open follow-ups.'])
      expect(text).toContain(words);
  });
});

describe('changedSince: the schedules whose on-call changed since the last tick', () => {
  it('is every schedule not seen yet, and those whose person or group differs', () => {
    const seen = new Map([
      ['a', { userId: 'U0A', userGroup: 'S1' }],
      ['b', { userId: 'U0B', userGroup: null }],
      ['c', { userId: null, userGroup: 'S3' }],
    ]);
    const now = [
      { scheduleId: 'a', userId: 'U0A', userGroup: 'S1' },
      { scheduleId: 'b', userId: 'U0B', userGroup: 'S2' },
      { scheduleId: 'c', userId: 'U0C', userGroup: 'S3' },
      { scheduleId: 'd', userId: null, userGroup: null },
    ];
    expect(changedSince(seen, now).map((c) => c.after.scheduleId)).toEqual(['b', 'c', 'd']);
    expect(changedSince(seen, now).find((c) => c.after.scheduleId === 'd')?.before).toBeUndefined();
  });
});
