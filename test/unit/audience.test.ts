import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/outbox/effects.js';
import { announce, audienceOf, effectsFor } from '../../src/workflow/audience.js';

const incidentId = 7;
const eventId = 42;
const event = (kind: string, data: Record<string, unknown> = {}) => ({ id: eventId, incidentId, kind, data });
const kinds = (effects: Effect[]) => effects.map((e) => (e.kind === 'timeline.post' ? `timeline.post:${e.payload.where}` : e.kind));

describe('who hears about a status change', () => {
  it('tells the channel, the summary, the topic and each subscriber of a move between working statuses', () => {
    const moved = event('status_changed', { from: 'investigating', to: 'identified' });
    expect(kinds(effectsFor(moved, audienceOf(moved), ['U1', 'U2']))).toEqual([
      'timeline.post:channel',
      'summary.update',
      'channel.topic',
      'subscriber.dm',
      'subscriber.dm',
    ]);
  });

  it('replies in the announcement thread for a resolution, broadcast to the announcements channel', () => {
    const resolved = event('status_changed', { from: 'monitoring', to: 'resolved' });
    const thread = effectsFor(resolved, audienceOf(resolved)).find(
      (e) => e.kind === 'timeline.post' && e.payload.where === 'announcement_thread',
    );
    expect(thread?.payload).toMatchObject({ broadcast: true });
  });

  it('replies in the thread without broadcasting a decline or a reopening, and stays out of it for closing', () => {
    for (const [from, to, inThread] of [
      ['triage', 'declined', true],
      ['resolved', 'investigating', true],
      ['resolved', 'closed', false],
      ['triage', 'investigating', false],
    ] as const) {
      const moved = event('status_changed', { from, to });
      expect(audienceOf(moved).thread, `${from} → ${to}`).toBe(inThread ? 'reply' : 'none');
    }
  });
});

describe('who hears about other changes', () => {
  it('re-sets the topic after a status update only when it moved the status or severity', () => {
    expect(audienceOf(event('status_update')).topic).toBe(false);
    expect(audienceOf(event('status_update'), { movedStatusOrSeverity: true }).topic).toBe(true);
    expect(kinds(effectsFor(event('status_update'), audienceOf(event('status_update')), ['U1']))).toEqual([
      'timeline.post:channel',
      'timeline.post:announcement_thread',
      'summary.update',
      'subscriber.dm',
    ]);
  });

  it('invites and tells the person given a role, and re-sets the topic for a new lead only', () => {
    const lead = event('role_assigned', { role: 'lead', user: 'U0BOB' });
    expect(kinds(announce(lead))).toEqual(['channel.invite', 'timeline.post:channel', 'role.dm', 'summary.update', 'channel.topic']);
    expect(announce(lead)[0]).toEqual({ kind: 'channel.invite', payload: { incidentId, users: ['U0BOB'] } });
    expect(kinds(announce(event('role_assigned', { role: 'comms', user: 'U0BOB' })))).not.toContain('channel.topic');
  });

  it('says severity, type and impact changes in the channel and the summary; only severity shows in the topic', () => {
    expect(kinds(announce(event('severity_changed')))).toEqual(['timeline.post:channel', 'summary.update', 'channel.topic']);
    expect(kinds(announce(event('type_changed')))).toEqual(['timeline.post:channel', 'summary.update']);
    expect(kinds(announce(event('impact_set')))).toEqual(['timeline.post:channel', 'summary.update']);
  });

  it('gives page steps a channel line, except the page starting, which its notifications say', () => {
    for (const kind of ['page_notified', 'page_target_skipped', 'page_escalated', 'page_exhausted', 'page_acknowledged']) {
      expect(kinds(announce(event(kind))), kind).toEqual(['timeline.post:channel']);
    }
    expect(announce(event('page_triggered'))).toEqual([]);
    expect(announce(event('page_resolved'))).toEqual([]);
  });

  it('posts a due update as the reminder with its buttons, and a missing lead as a line', () => {
    expect(announce(event('update_reminder'))).toEqual([{ kind: 'reminder.post', payload: { incidentId, eventId } }]);
    expect(kinds(announce(event('lead_nudge')))).toEqual(['timeline.post:channel']);
  });

  it('tells nobody of what only the timeline keeps: notes, pins, follow-ups, snoozes', () => {
    for (const kind of ['note', 'message_pinned', 'followup_added', 'reminders_snoozed', 'declared', 'something_unknown']) {
      expect(announce(event(kind)), kind).toEqual([]);
    }
  });

  it('never DMs subscribers of an event whose audience has none, even when given some', () => {
    const typed = event('type_changed');
    expect(kinds(effectsFor(typed, audienceOf(typed), ['U1']))).not.toContain('subscriber.dm');
  });
});
