import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/outbox/effects.js';
import { isTimelineKind, timelineEventSchemas, type TimelineData, type TimelineKind } from '../../src/timeline/events.js';
import { announce, announcedWhenDeclared, audienceOf, effectsFor, recorded } from '../../src/workflow/audience.js';
import { samples } from '../support/timeline-samples.js';

const incidentId = 7;
const eventId = 42;
/** An event as just recorded: a row of timeline_events with its id. */
const event = <K extends TimelineKind>(kind: K, data: TimelineData<K>) => ({ id: eventId, incidentId, kind, data });
const kinds = (effects: Effect[]) => effects.map((e) => (e.kind === 'timeline.post' ? `timeline.post:${e.payload.where}` : e.kind));
const moved = (from: string, to: string) => event('status_changed', { from, to });
const update = event('status_update', { message: 'Rolling back', status: 'identified', severity: 'sev2' });

describe('who hears about a status change', () => {
  it('tells the channel, the summary, the topic and each subscriber of a move between working statuses', () => {
    const change = moved('investigating', 'identified');
    expect(kinds(effectsFor(change, audienceOf(change), ['U1', 'U2']))).toEqual([
      'timeline.post:channel',
      'summary.update',
      'channel.topic',
      'subscriber.dm',
      'subscriber.dm',
    ]);
  });

  it('replies in the announcement thread for a resolution, broadcast to the announcements channel', () => {
    const thread = announce(moved('monitoring', 'resolved')).find(
      (e) => e.kind === 'timeline.post' && e.payload.where === 'announcement_thread',
    );
    expect(thread?.payload).toMatchObject({ broadcast: true });
  });

  it('replies in the thread without broadcasting a decline or a reopening, and stays out of it otherwise', () => {
    for (const [from, to, thread] of [
      ['triage', 'declined', 'reply'],
      ['resolved', 'investigating', 'reply'],
      ['resolved', 'closed', 'none'],
      ['triage', 'investigating', 'none'],
    ] as const) {
      expect(audienceOf(moved(from, to)).thread, `${from} → ${to}`).toBe(thread);
    }
  });
});

describe('who hears about other changes', () => {
  it('re-sets the topic after a status update only when it moved the status or severity', () => {
    expect(audienceOf(update).topic).toBe(false);
    expect(audienceOf(update, { movedStatusOrSeverity: true }).topic).toBe(true);
    expect(kinds(effectsFor(update, audienceOf(update), ['U1']))).toEqual([
      'timeline.post:channel',
      'timeline.post:announcement_thread',
      'summary.update',
      'subscriber.dm',
    ]);
  });

  it('invites and tells the person given a role, and re-sets the topic for a new lead only', () => {
    const lead = announce(event('role_assigned', { role: 'lead', user: 'U0BOB', previous: null }));
    expect(kinds(lead)).toEqual(['channel.invite', 'timeline.post:channel', 'role.dm', 'summary.update', 'channel.topic']);
    expect(lead[0]).toEqual({ kind: 'channel.invite', payload: { incidentId, users: ['U0BOB'] } });
    expect(kinds(announce(event('role_assigned', { role: 'comms', user: 'U0BOB', previous: null })))).not.toContain('channel.topic');
  });

  it('says severity, type and impact changes in the channel and the summary; only severity shows in the topic', () => {
    expect(kinds(announce(event('severity_changed', { from: 'sev3', to: 'sev1' })))).toEqual([
      'timeline.post:channel',
      'summary.update',
      'channel.topic',
    ]);
    expect(kinds(announce(event('type_changed', { from: null, to: 'security' })))).toEqual(['timeline.post:channel', 'summary.update']);
    expect(kinds(announce(event('impact_set', { text: 'EU', previous: null })))).toEqual(['timeline.post:channel', 'summary.update']);
  });

  it('gives page steps a channel line, except the start and the end of a page, which its DMs say', () => {
    for (const kind of ['page_notified', 'page_target_skipped', 'page_escalated', 'page_exhausted', 'page_acknowledged'] as const) {
      expect(kinds(announce(event(kind, samples[kind]))), kind).toEqual(['timeline.post:channel']);
    }
    expect(announce(event('page_triggered', samples.page_triggered))).toEqual([]);
    expect(announce(event('page_resolved', samples.page_resolved))).toEqual([]);
  });

  it('posts a due update as the reminder with its buttons, and a missing lead as a line', () => {
    expect(announce(event('update_reminder', { remind: null }))).toEqual([{ kind: 'reminder.post', payload: { incidentId, eventId } }]);
    expect(kinds(announce(event('lead_nudge', {})))).toEqual(['timeline.post:channel']);
  });

  it('tells nobody of what only the timeline keeps: notes, pins, follow-ups, snoozes, saved answers', () => {
    for (const kind of [
      'note',
      'message_pinned',
      'followup_added',
      'followup_done',
      'reminders_snoozed',
      'postmortem_answers_saved',
    ] as const) {
      expect(announce(event(kind, samples[kind])), kind).toEqual([]);
    }
  });

  it('never DMs subscribers of an event whose audience has none, even when given some', () => {
    const typed = event('type_changed', { from: null, to: 'security' });
    expect(kinds(effectsFor(typed, audienceOf(typed), ['U1']))).not.toContain('subscriber.dm');
  });

  it('has an audience for every kind in the catalogue, and refuses loudly an event recorded with the wrong data', () => {
    for (const kind of Object.keys(timelineEventSchemas).filter(isTimelineKind)) {
      expect(() => announce({ id: eventId, incidentId, kind, data: samples[kind] }), kind).not.toThrow();
    }
    expect(() => recorded({ id: eventId, incidentId, kind: 'status_changed', data: { to: 'resolved' } })).toThrow(/does not describe/);
    expect(() => recorded({ id: eventId, incidentId, kind: 'no_such_kind', data: {} })).toThrow();
  });
});

describe('who hears about a drill', () => {
  it('keeps every event of a drill in its own channel: no announcement thread, no broadcast, no subscriber DM', () => {
    for (const kind of Object.keys(timelineEventSchemas).filter(isTimelineKind)) {
      const known = recorded({ id: eventId, incidentId, kind, data: samples[kind] });
      const effects = effectsFor(known, audienceOf(known, { drill: true }), ['U1']);
      expect(kinds(effects), kind).not.toContain('timeline.post:announcement_thread');
      expect(kinds(effects), kind).not.toContain('subscriber.dm');
    }
  });

  it('still tells the channel, the summary and the topic of a drill what a real incident’s would hear', () => {
    const resolved = moved('monitoring', 'resolved');
    expect(kinds(effectsFor(resolved, audienceOf(resolved, { drill: true }), ['U1']))).toEqual([
      'timeline.post:channel',
      'summary.update',
      'channel.topic',
    ]);
    expect(kinds(effectsFor(resolved, audienceOf(resolved, { drill: false }), ['U1']))).toEqual([
      'timeline.post:channel',
      'timeline.post:announcement_thread',
      'summary.update',
      'channel.topic',
      'subscriber.dm',
    ]);
  });

  it('announces a declaration only of a public incident that is not a drill', () => {
    expect(announcedWhenDeclared({ isPrivate: false, drill: false })).toBe(true);
    expect(announcedWhenDeclared({ isPrivate: true, drill: false })).toBe(false);
    expect(announcedWhenDeclared({ isPrivate: false, drill: true })).toBe(false);
    expect(announcedWhenDeclared({ isPrivate: true, drill: true })).toBe(false);
  });
});
