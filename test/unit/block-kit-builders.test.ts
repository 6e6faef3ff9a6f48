import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { Incident } from '../../src/db/schema.js';
import { declareModal } from '../../src/slack/blocks/declare-modal.js';
import { summaryMessage } from '../../src/slack/blocks/incident.js';
import { updateModal } from '../../src/slack/blocks/modals.js';
import { Args } from '../support/slack-emulator/args.js';
import { messageBlocks, viewArg } from '../support/slack-emulator/block-kit.js';
import { sampleIncident } from '../support/timeline-samples.js';

// Ids as long as the config allows, labels as long as it allows, and as many incident types as a menu holds.
const config = parseConfig(
  {
    severities: [
      { id: `critical-${'x'.repeat(141)}`, label: 'L'.repeat(40) },
      { id: 'sev2', label: 'Major' },
    ],
    incident_types: Array.from({ length: 100 }, (_, i) => `type-${i}-${'t'.repeat(140)}`),
  },
  'f.yaml',
);

const incident = (status: Incident['status']): Incident =>
  sampleIncident({ status, channelName: 'inc-7-payments-down', channelId: 'C0INC7' });

/** What Slack answers views.open with this view: nothing when it is valid. */
function viewErrors(view: unknown): unknown {
  try {
    viewArg(new Args({ view }), ['modal']);
    return undefined;
  } catch (err) {
    return err;
  }
}
function blockErrors(blocks: unknown): unknown {
  try {
    messageBlocks(new Args({ blocks }));
    return undefined;
  } catch (err) {
    return err;
  }
}

describe('Block Kit limits in the builders', () => {
  it('cuts the declare form’s severity options to 75 characters, keeping each value whole', () => {
    const view = declareModal(config, { severity: undefined, declaredBy: 'U0ALICE', privateMetadata: '{}' });
    expect(viewErrors(view)).toBeUndefined();
    const severity = view.blocks.find((b) => b.block_id === 'severity');
    const options = (severity as { element: { options: Array<{ text: { text: string }; value: string }> } }).element.options;
    expect(options[0]?.text.text).toHaveLength(75);
    expect(options[0]?.value).toBe(config.severities[0]?.id);
  });

  it('keeps the update form within Slack’s limits for the longest severities the config allows', () => {
    expect(viewErrors(updateModal(config, incident('investigating')))).toBeUndefined();
  });

  it('puts the Resolve confirmation in plain_text, which is all Slack takes in a confirm dialog', () => {
    const { blocks } = summaryMessage(config, { incident: incident('investigating'), roles: [], lastUpdate: undefined });
    expect(blockErrors(blocks)).toBeUndefined();
  });
});
