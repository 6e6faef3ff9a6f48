import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { Incident, TimelineEvent } from '../../src/db/schema.js';
import { compilePostmortem, type PostmortemInput } from '../../src/postmortems/compile.js';
import { alertReason, timelineMessage } from '../../src/slack/blocks/timeline.js';
import { isTimelineKind, parseEvent, timelineEventSchemas } from '../../src/timeline/events.js';
import { timelineRow } from '../../src/timeline/record.js';
import { page, samples, sampleIncident } from '../support/timeline-samples.js';

const kinds = Object.keys(timelineEventSchemas).filter(isTimelineKind);

let nextId = 0;
function row(kind: string, data: Record<string, unknown>): TimelineEvent {
  return {
    id: ++nextId,
    incidentId: 42,
    kind,
    actor: 'U0ALICE',
    occurredAt: new Date('2026-11-29T23:00:00Z'),
    data,
    dedupKey: null,
  };
}

describe('the catalogue of timeline events', () => {
  it.each(kinds)('reads back the data its recorder writes for %s', (kind) => {
    const event = parseEvent(row(kind, samples[kind]));
    expect(event?.kind).toBe(kind);
    expect(event?.data).toEqual(samples[kind]);
  });

  it('reads a declaration from before it named status and source, and an escalation without lateness', () => {
    const { status: _status, source: _source, type: _type, ...early } = samples.declared;
    expect(parseEvent(row('declared', early))?.data).toEqual(early);
    expect(parseEvent(row('page_escalated', { ...page, level: 1, loop: 0, manual: true }))?.kind).toBe('page_escalated');
  });

  it('drops fields it does not know rather than refusing the event', () => {
    expect(parseEvent(row('note', { text: 'x', mood: 'tired' }))?.data).toEqual({ text: 'x' });
  });

  it('refuses an unknown kind and data of the wrong shape', () => {
    expect(isTimelineKind('weather_report')).toBe(false);
    expect(isTimelineKind('toString')).toBe(false);
    expect(parseEvent(row('weather_report', { sky: 'grey' }))).toBeUndefined();
    expect(parseEvent(row('note', { text: 3 }))).toBeUndefined();
    expect(parseEvent(row('status_changed', { to: 'resolved' }))).toBeUndefined();
    expect(parseEvent(row('page_notified', { ...page, user: 'U0BOB', level: '1', loop: 0 }))).toBeUndefined();
  });

  it('keeps the rest of the row as it was', () => {
    const stored = row('note', { text: 'x' });
    expect(parseEvent(stored)).toEqual({ ...stored, data: { text: 'x' } });
  });

  it('does not compile a row of an unknown kind or of the wrong data', () => {
    const base = { incidentId: 1, actor: null };
    // @ts-expect-error: no such kind in the catalogue
    timelineRow({ ...base, kind: 'weather_report', data: {} });
    // @ts-expect-error: a note's text is a string
    timelineRow({ ...base, kind: 'note', data: { text: 3 } });
    // @ts-expect-error: a status change names where it came from
    timelineRow({ ...base, kind: 'status_changed', data: { to: 'resolved' } });
    expect(timelineRow({ ...base, kind: 'note', data: { text: 'x' } })).toMatchObject({
      kind: 'note',
      data: { text: 'x' },
      dedupKey: null,
    });
  });
});

describe('readers of rows outside the catalogue', () => {
  const config = parseConfig({}, 'test config');
  const at = new Date('2026-11-29T22:00:00Z');
  const incident: Incident = sampleIncident({ id: 42, title: 'Checkout down', severity: 'sev1', createdAt: at, updatedAt: at });

  it('gives Slack the generic line for an unknown kind or unreadable data', () => {
    expect(timelineMessage(config, incident, row('weather_report', { sky: 'grey' })).text).toBe('• <@U0ALICE>: weather report on *INC-42*');
    const unreadable = timelineMessage(config, incident, row('status_changed', { from: 'investigating', to: 5 }), true);
    expect(unreadable.text).toBe('• <@U0ALICE>: status changed on *INC-42*');
    expect(unreadable.blocks).toHaveLength(1);
  });

  it('gives Slack the words of a kind that reads', () => {
    const resolved = timelineMessage(config, incident, row('status_changed', { from: 'monitoring', to: 'resolved' }), true);
    expect(resolved.text).toBe('✅ <@U0ALICE> resolved *INC-42*');
    expect(resolved.blocks).toHaveLength(2);
  });

  it("ends an alert's line with the pipeline's reason, set apart in italics and escaped", () => {
    const reason = 'route 2 {team="db"} → sev1, db-primary · group alertname=DiskFull · opened INC-42';
    expect(alertReason(reason)).toBe(` — _${reason}_`);
    expect(alertReason('no route · group <!channel> · joined INC-42')).toBe(' — _no route · group &lt;!channel&gt; · joined INC-42_');
    // Rows from before the pipeline carry no reason, and end where their words end.
    expect(alertReason(undefined)).toBe('');
    expect(alertReason('')).toBe('');
    const alert = { integration: 'prom', fingerprint: 'f1', title: 'Disk full', labels: {}, link: null, severity: null };
    expect(timelineMessage(config, incident, row('alert_firing', { ...alert, reason }), true).text).toBe(
      `🔔 Alert firing from *prom*: Disk full — _${reason}_`,
    );
    expect(
      timelineMessage(config, incident, row('alert_resolved', { ...alert, reason: 'no route · group g · resolved in INC-42' })).text,
    ).toBe('✅ Alert resolved at *prom*: Disk full — _no route · group g · resolved in INC-42_');
    expect(timelineMessage(config, incident, row('alert_firing', alert)).text).toBe('🔔 Alert firing from *prom*: Disk full');
  });

  it('gives the postmortem a line naming the kind for an unknown kind or unreadable data', () => {
    const input: PostmortemInput = {
      incident: {
        id: 42,
        title: 'Checkout down',
        severity: 'sev1',
        severityLabel: 'Critical',
        status: 'resolved',
        type: null,
        impact: null,
        description: '',
        leadId: null,
        declaredBy: 'U0ALICE',
        source: 'slack',
        createdAt: at,
      },
      roles: [],
      events: [row('weather_report', { sky: 'grey' }), row('note', { text: 3 }), row('note', { text: 'Canary is clean' })],
      followups: [],
      answers: {},
      names: { U0ALICE: 'alice' },
      version: 1,
    };
    const markdown = compilePostmortem(input);
    expect(markdown).toContain('· @alice · • weather\\_report');
    expect(markdown).toContain('· @alice · • note');
    expect(markdown).toContain('· @alice · 📝 Note: Canary is clean');
  });
});
