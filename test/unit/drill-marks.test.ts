import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { Page } from '../../src/db/schema.js';
import { countsAsReal } from '../../src/incidents/drills.js';
import { pageContent } from '../../src/providers/page-message.js';
import { summaryMessage, topicText } from '../../src/slack/blocks/incident.js';
import { pageDm, pageDmEnded } from '../../src/slack/blocks/paging.js';
import { Args } from '../support/slack-emulator/args.js';
import { messageBlocks } from '../support/slack-emulator/block-kit.js';
import { sampleIncident } from '../support/timeline-samples.js';

const config = parseConfig({ severities: [{ id: 'sev2', label: 'Major' }] }, 'f.yaml');
const drill = sampleIncident({ drill: true, title: 'Failover practice', channelId: 'C0DRILL' });
const real = sampleIncident({ title: 'Failover practice', channelId: 'C0INC' });
const links = { ackUrl: 'https://fw.example/ack/t', callUrl: 'https://fw.example/twilio/voice?page=1' };
const page: Page = {
  id: 1,
  incidentId: drill.id,
  kind: 'incident',
  testTarget: null,
  reportChannel: null,
  reportTs: null,
  drillDueAt: null,
  policyId: 'primary',
  policy: {},
  rules: null,
  state: 'triggered',
  level: 0,
  loop: 0,
  step: 0,
  nextEscalationAt: null,
  triggeredBy: 'U0ALICE',
  message: 'Drill declared as SEV2',
  acknowledgedBy: null,
  acknowledgedAt: null,
  endedAt: null,
  createdAt: new Date('2026-01-05T09:00:00Z'),
};

describe('what counts as a real incident', () => {
  it('is every incident but a drill', () => {
    expect(countsAsReal(real)).toBe(true);
    expect(countsAsReal(drill)).toBe(false);
  });
});

describe('a drill’s page outside Slack', () => {
  it('says DRILL in the subject, the text and the SMS, and a real page does not', () => {
    const content = pageContent(config, drill, page, links);
    expect(content.subject).toBe('🧪 DRILL · Paged: INC-7 · SEV2 · Major · Failover practice');
    expect(content.text.split('\n')[0]).toBe('DRILL: this is a practice incident. Acknowledge it as you would a real page.');
    expect(content.short).toMatch(/^Firewatch DRILL: paged for INC-7 /);
    const normal = pageContent(config, real, page, links);
    for (const part of [normal.subject, normal.text, normal.short]) expect(part).not.toContain('DRILL');
  });
});

describe('a drill in Slack', () => {
  it('heads the page DM with DRILL, in valid blocks, and keeps the mark once the page is over', () => {
    const dm = pageDm(config, drill, page);
    expect(dm.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '🧪 DRILL: practice page' } });
    expect(dm.text).toMatch(/^🧪 DRILL · You are being paged for a practice incident\./);
    expect(() => messageBlocks(new Args({ blocks: dm.blocks }))).not.toThrow();
    expect(pageDmEnded(config, drill, { ...page, state: 'resolved' }).text).toContain('🧪 DRILL · *INC-7*');
    expect(JSON.stringify(pageDm(config, real, page))).not.toContain('DRILL');
  });

  it('marks the summary and the topic, and offers no Subscribe on a drill', () => {
    const summary = summaryMessage(config, { incident: drill, roles: [], lastUpdate: undefined });
    expect(summary.blocks[0]).toMatchObject({ type: 'header', text: { text: '🧪 DRILL · INC-7: Failover practice' } });
    expect(summary.blocks[1]).toMatchObject({ type: 'context' });
    expect(summary.text).toMatch(/^🧪 DRILL · /);
    expect(JSON.stringify(summary.blocks)).not.toContain('incident_subscribe');
    expect(() => messageBlocks(new Args({ blocks: summary.blocks }))).not.toThrow();
    expect(topicText(drill, 'alice')).toBe('🧪 DRILL · SEV2 · Investigating · Lead: @alice');

    const normal = summaryMessage(config, { incident: real, roles: [], lastUpdate: undefined });
    expect(JSON.stringify(normal)).not.toContain('DRILL');
    expect(JSON.stringify(normal.blocks)).toContain('incident_subscribe');
    expect(topicText(real, 'alice')).toBe('SEV2 · Investigating · Lead: @alice');
  });
});
