// A checklist's message: its steps as checkboxes, ten to a group (Slack's most for one checkboxes element),
// with who ticked what. Option text is plain_text of at most 75 characters, so a longer step is cut there
// and written in full under its group.
import type { ContextBlock, KnownBlock, PlainTextOption } from '@slack/types';
import { groupSteps, STEPS_PER_GROUP } from '../../incidents/checklist-ticks.js';
import type { Tick } from '../../incidents/checklists.js';
import { incidentKey } from '../../incidents/queries.js';
import type { SlackMessage } from './incident.js';
import { escapeMrkdwn, mention, slackDate, truncate } from './text.js';

export const CHECKLIST_TICK_ACTION = 'checklist_tick';
/** Slack's limit on a checkbox option's text. */
export const OPTION_TEXT_MAX = 75;

export interface ChecklistView {
  id: number;
  incidentId: number;
  title: string;
  steps: readonly string[];
  ticks: readonly Tick[];
}

/** The block of group `group` of checklist `id`: a click tells which steps its selection speaks for. */
export const checklistBlockId = (id: number, group: number) => `checklist:${id}:${group}`;

export function parseChecklistBlockId(blockId: string): { id: number; group: number } | undefined {
  const match = /^checklist:(\d{1,10}):(\d{1,2})$/.exec(blockId);
  if (!match) return undefined;
  const id = Number(match[1]);
  return id > 0 && id <= 2_147_483_647 ? { id, group: Number(match[2]) } : undefined;
}

const optionText = (step: number, text: string) => truncate(`${step + 1}. ${text}`, OPTION_TEXT_MAX);

function option(step: number, text: string): PlainTextOption {
  // plain_text shows what it holds as it is: no mrkdwn, no mention reaches anyone from a step.
  return { text: { type: 'plain_text', text: optionText(step, text), emoji: true }, value: String(step) };
}

/** Under a group: the steps cut short, in full, and who ticked which. */
function groupNotes(view: ChecklistView, steps: readonly number[]): ContextBlock | undefined {
  const cut = steps.filter((s) => optionText(s, view.steps[s] ?? '') !== `${s + 1}. ${view.steps[s] ?? ''}`);
  const ticks = view.ticks.filter((t) => steps.includes(t.step));
  const elements: ContextBlock['elements'] = [];
  if (cut.length) elements.push({ type: 'mrkdwn', text: cut.map((s) => `${s + 1}. ${escapeMrkdwn(view.steps[s] ?? '')}`).join('\n') });
  if (ticks.length)
    elements.push({ type: 'mrkdwn', text: ticks.map((t) => `✔️ ${t.step + 1} · ${mention(t.by)} · ${slackDate(t.at)}`).join('\n') });
  return elements.length ? { type: 'context', elements } : undefined;
}

export function checklistMessage(view: ChecklistView): SlackMessage {
  const done = view.ticks.length;
  const total = view.steps.length;
  const progress = `${done}/${total} done`;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`☑️ *${escapeMrkdwn(view.title)}* · ${incidentKey(view.incidentId)} · ${progress}`, 3000) },
    },
  ];
  const ticked = new Set(view.ticks.map((t) => t.step));
  for (let group = 0; group * STEPS_PER_GROUP < total; group++) {
    const steps = groupSteps(total, group);
    const options = steps.map((s) => option(s, view.steps[s] ?? ''));
    const initial = options.filter((o) => ticked.has(Number(o.value)));
    blocks.push({
      type: 'actions',
      block_id: checklistBlockId(view.id, group),
      elements: [
        { type: 'checkboxes', action_id: CHECKLIST_TICK_ACTION, options, ...(initial.length ? { initial_options: initial } : {}) },
      ],
    });
    const notes = groupNotes(view, steps);
    if (notes) blocks.push(notes);
  }
  return { text: truncate(`Checklist ${escapeMrkdwn(view.title)} (${incidentKey(view.incidentId)}): ${progress}`, 3000), blocks };
}
