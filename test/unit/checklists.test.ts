import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { applyTicks, diffTicks, groupSteps } from '../../src/incidents/checklist-ticks.js';
import { compilePostmortem, type PostmortemInput } from '../../src/postmortems/compile.js';
import { CHECKLIST_TICK_ACTION, checklistMessage, parseChecklistBlockId, type ChecklistView } from '../../src/slack/blocks/checklist.js';
import { summaryMessage } from '../../src/slack/blocks/incident.js';
import { Args } from '../support/slack-emulator/args.js';
import { messageBlocks } from '../support/slack-emulator/block-kit.js';
import { PINGS } from '../support/hostile.js';
import { sampleIncident } from '../support/timeline-samples.js';

function refusal(checklists: unknown): string {
  try {
    parseConfig({ checklists }, 'firewatch.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('checklists in the config', () => {
  it('reads the example of DESIGN.md, the title defaulting to nothing', () => {
    const config = parseConfig(
      { checklists: [{ id: 'sev1-basics', steps: ['Name a lead', 'Post the first update', 'Open a status page entry'] }] },
      'f.yaml',
    );
    expect(config.checklists).toEqual([{ id: 'sev1-basics', steps: ['Name a lead', 'Post the first update', 'Open a status page entry'] }]);
    expect(parseConfig({}, 'f.yaml').checklists).toEqual([]);
  });

  it('refuses, naming the file and the field: duplicate ids, no steps, too many or too long steps', () => {
    const one = { id: 'a', steps: ['x'] };
    expect(refusal([one, one])).toMatch(/firewatch\.yaml[\s\S]*checklists\[1\]\.id: duplicate id "a"/);
    expect(refusal([{ id: 'a', steps: [] }])).toMatch(/checklists\[0\]\.steps: a checklist needs at least one step/);
    expect(refusal([{ id: 'a', steps: Array.from({ length: 51 }, (_, i) => `s${i}`) }])).toMatch(
      /checklists\[0\]\.steps: at most 50 steps/,
    );
    expect(refusal([{ id: 'a', steps: ['ok', 'y'.repeat(201)] }])).toMatch(/checklists\[0\]\.steps\[1\]: expected a step of at most 200/);
    expect(refusal([{ id: 'Not An Id', steps: ['x'] }])).toMatch(/checklists\[0\]\.id/);
    expect(refusal([{ id: 'a', steps: ['x'], extra: 1 }])).toMatch(/checklists\[0\]/);
  });
});

const view = (steps: string[], ticked: number[] = []): ChecklistView => ({
  id: 12,
  incidentId: 7,
  title: 'Sev1 basics',
  steps,
  ticks: ticked.map((step) => ({ step, by: 'U0ALICE', at: new Date('2026-01-05T09:30:00Z') })),
});

type Checkboxes = {
  type: string;
  action_id: string;
  options: Array<{ text: { type: string; text: string }; value: string }>;
  initial_options?: unknown[];
};
const groups = (blocks: unknown[]) =>
  (blocks as Array<{ type: string; block_id?: string; elements?: Checkboxes[] }>).filter((b) => b.type === 'actions');

function blockErrors(blocks: unknown): unknown {
  try {
    messageBlocks(new Args({ blocks }));
    return undefined;
  } catch (err) {
    return err;
  }
}

describe('a checklist message', () => {
  it('shows the steps as checkboxes, the ticked ones selected, with the progress', () => {
    const message = checklistMessage(view(['Name a lead', 'Post the first update', 'Open a status page entry'], [0, 2]));
    const [group] = groups(message.blocks);
    const box = group?.elements?.[0];
    expect(box?.type).toBe('checkboxes');
    expect(box?.action_id).toBe(CHECKLIST_TICK_ACTION);
    expect(box?.options.map((o) => o.value)).toEqual(['0', '1', '2']);
    expect(box?.initial_options).toEqual([box?.options[0], box?.options[2]]);
    expect(message.text).toContain('2/3 done');
    expect(parseChecklistBlockId(group?.block_id ?? '')).toEqual({ id: 12, group: 0 });
    expect(blockErrors(message.blocks)).toBeUndefined();
  });

  it('leaves initial_options out when nothing is ticked (Slack refuses an empty list)', () => {
    expect(groups(checklistMessage(view(['a'])).blocks)[0]?.elements?.[0]).not.toHaveProperty('initial_options');
  });

  it('splits more than 10 steps into groups of at most 10, and stays within Block Kit at 50 steps of 200 characters', () => {
    const steps = Array.from({ length: 23 }, (_, i) => `Step ${i}`);
    const message = checklistMessage(view(steps, [3, 15, 22]));
    const split = groups(message.blocks);
    expect(split.map((g) => g.elements?.[0]?.options.length)).toEqual([10, 10, 3]);
    expect(split.map((g) => g.elements?.[0]?.initial_options?.length)).toEqual([1, 1, 1]);
    expect(split[2]?.elements?.[0]?.options.map((o) => o.value)).toEqual(['20', '21', '22']);

    const longest = checklistMessage(
      view(
        Array.from({ length: 50 }, (_, i) => `${i}`.padEnd(200, 'x')),
        [0, 49],
      ),
    );
    expect(groups(longest.blocks)).toHaveLength(5);
    expect(blockErrors(longest.blocks)).toBeUndefined();
  });

  it('cuts a step at 75 characters in its checkbox and writes it in full under its group', () => {
    const long = `Tell support ${'and the account managers '.repeat(6)}what to say`;
    const message = checklistMessage(view([long]));
    const option = groups(message.blocks)[0]?.elements?.[0]?.options[0];
    expect(option?.text.text.length).toBeLessThanOrEqual(75);
    expect(option?.text.text.endsWith('…')).toBe(true);
    expect(JSON.stringify(message.blocks)).toContain(long);
  });

  it('keeps step text as it is in plain_text and escapes it in mrkdwn, so no step pings anyone', () => {
    for (const ping of PINGS) {
      const step = `${ping} & ${'p'.repeat(80)}`;
      const message = checklistMessage({ ...view([step], [0]), title: ping });
      const option = groups(message.blocks)[0]?.elements?.[0]?.options[0];
      expect(option?.text.type).toBe('plain_text');
      expect(option?.text.text.startsWith(`1. ${ping}`)).toBe(true);
      const mrkdwn = (message.blocks as Array<{ type: string; text?: { text: string }; elements?: Array<{ text?: string }> }>)
        .flatMap((b) => (b.type === 'actions' ? [] : [b.text?.text ?? '', ...(b.elements ?? []).map((e) => e.text ?? '')]))
        .join('\n');
      expect(mrkdwn).not.toContain(ping);
      expect(mrkdwn).toContain('&amp;');
      expect(message.text).not.toContain(ping);
    }
  });

  it('reads back only block ids it could have made', () => {
    for (const forged of ['checklist:0:0', 'checklist:x:1', 'checklist:99999999999:0', 'checklist:1:123', 'incident_actions', ''])
      expect(parseChecklistBlockId(forged)).toBeUndefined();
  });
});

describe('tick diffing', () => {
  it('ticks what is newly selected and unticks what was left out, within the clicked group only', () => {
    expect(diffTicks(new Set([0, 12]), new Set([1]), groupSteps(15, 0))).toEqual({ done: [1], undone: [0] });
    expect(groupSteps(15, 1)).toEqual([10, 11, 12, 13, 14]);
    expect(groupSteps(15, 2)).toEqual([]);
  });

  it('applying a sequence of selections leaves the last one ticked; applying it again changes nothing', () => {
    const count = 23;
    const selection = fc.record({
      group: fc.integer({ min: 0, max: 2 }),
      picks: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 10 }),
    });
    fc.assert(
      fc.property(fc.array(selection, { minLength: 1, maxLength: 30 }), (clicks) => {
        let ticked = new Set<number>();
        const lastOf = new Map<number, Set<number>>();
        for (const { group, picks } of clicks) {
          const scope = groupSteps(count, group);
          const selected = new Set(picks.map((p) => scope[p % scope.length] ?? 0));
          ticked = applyTicks(ticked, diffTicks(ticked, selected, scope));
          lastOf.set(group, selected);
          expect(diffTicks(ticked, selected, scope)).toEqual({ done: [], undone: [] });
        }
        const expected = [...lastOf.values()].flatMap((s) => [...s]).sort((a, b) => a - b);
        expect([...ticked].sort((a, b) => a - b)).toEqual(expected);
      }),
    );
  });
});

describe('checklists in the summary and the postmortem', () => {
  it('shows each checklist’s progress in the summary', () => {
    const config = parseConfig({}, 'f.yaml');
    const message = summaryMessage(config, {
      incident: sampleIncident(),
      roles: [],
      lastUpdate: undefined,
      checklists: [
        { title: 'Sev1 basics', done: 2, total: 3 },
        { title: 'Comms', done: 1, total: 1 },
      ],
    });
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('Sev1 basics: 2/3 done');
    expect(text).toContain('Comms: 1/1 done');
  });

  it('lists each step of each checklist with who did it and when, or not done', () => {
    let id = 0;
    const event = (at: string, kind: string, actor: string, data: Record<string, unknown>) => ({
      id: ++id,
      kind,
      actor,
      occurredAt: new Date(`${at}Z`),
      data,
    });
    const steps = ['Name a lead', 'Post the first update', 'Open a status page entry'];
    const input: PostmortemInput = {
      incident: {
        id: 7,
        title: 'Payments down',
        severity: 'sev1',
        severityLabel: 'Critical',
        status: 'resolved',
        type: null,
        impact: null,
        description: '',
        leadId: null,
        declaredBy: 'U0ALICE',
        source: 'slack',
        createdAt: new Date('2026-01-05T09:00:00Z'),
      },
      roles: [],
      events: [
        event('2026-01-05T09:01:00', 'checklist_added', 'U0ALICE', { checklist: 'sev1-basics', title: 'Sev1 basics', steps }),
        event('2026-01-05T09:02:00', 'checklist_step_done', 'U0BOB', { checklist: 'sev1-basics', step: 0, text: steps[0] }),
        event('2026-01-05T09:03:00', 'checklist_step_done', 'U0ALICE', { checklist: 'sev1-basics', step: 1, text: steps[1] }),
        event('2026-01-05T09:04:00', 'checklist_step_undone', 'U0ALICE', { checklist: 'sev1-basics', step: 1, text: steps[1] }),
      ],
      followups: [],
      answers: {},
      names: { U0ALICE: 'alice', U0BOB: 'bob' },
      version: 1,
    };
    const markdown = compilePostmortem(input);
    expect(markdown).toContain(
      [
        '## Checklists',
        '',
        '### Sev1 basics',
        '',
        '- [x] Name a lead — done by @bob at 2026-01-05 09:02:00',
        '- [ ] Post the first update — not done',
        '- [ ] Open a status page entry — not done',
      ].join('\n'),
    );
    expect(compilePostmortem({ ...input, events: [] })).not.toContain('## Checklists');
  });
});
