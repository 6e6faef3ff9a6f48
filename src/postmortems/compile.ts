import { z } from 'zod';
import { incidentKey } from '../incidents/queries.js';
import { statusLabel } from '../incidents/status.js';
import { acknowledgedVia, parseEvent } from '../timeline/events.js';
import { activePins } from '../timeline/pins.js';
import { blockquote, escapeBlock, escapeInline, quoteMarkdown, slackToMarkdown, tableCell } from './markdown.js';
import { byOccurrence, formatDurationMs, incidentMetrics, type IncidentMetrics, type MetricEvent } from './metrics.js';
import { servicesSection, type PostmortemService } from './services-section.js';
import { describeEvent, mention, policyName, updateKey } from './timeline-wording.js';

export interface PostmortemAnswers {
  summary?: string;
  impact?: string;
  rootCause?: string;
  trigger?: string;
  resolution?: string;
  wentWell?: string;
  wentWrong?: string;
  lucky?: string;
}

const answer = z.string().max(3000).optional();

export const postmortemAnswersSchema = z.object({
  summary: answer,
  impact: answer,
  rootCause: answer,
  trigger: answer,
  resolution: answer,
  wentWell: answer,
  wentWrong: answer,
  lucky: answer,
});

export interface PostmortemInput {
  incident: {
    id: number;
    title: string;
    severity: string;
    severityLabel: string;
    status: string;
    type: string | null;
    impact: string | null;
    description: string;
    leadId: string | null;
    declaredBy: string;
    source: string;
    createdAt: Date;
    /** A practice incident: the document says so at its top. */
    drill?: boolean;
  };
  roles: Array<{ role: string; userId: string }>;
  /** In any order: the document orders them. */
  events: MetricEvent[];
  followups: Array<{ text: string; ownerId: string | null; dueAt: Date | null; doneAt: Date | null }>;
  answers: PostmortemAnswers;
  /** The services marked affected; the section is left out of documents that never had any. */
  services?: PostmortemService[];
  /** User id → display name. */
  names: Names;
  version: number;
}

const NOT_WRITTEN = '_Not written yet._';

const str = (value: unknown) => (typeof value === 'string' ? value : '');

const day = (date: Date) => date.toISOString().slice(0, 10);
/** Date and time, so a line of a multi-day incident says which day it was. */
const stamp = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');

/** Code-unit order: the same bytes whatever the machine's locale. */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
type Names = Readonly<Record<string, string>>;

/** Slack text on one line of the document. */
const inline = (text: string, names: Names) => slackToMarkdown(text.replace(/\s*[\r\n]\s*/g, ' ').trim(), names);
/** Slack text quoted in full, indented to belong to the list item above it. */
const quotedUnder = (text: string, names: Names) =>
  quoteMarkdown(slackToMarkdown(text.trim(), names))
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');

function timeline(events: readonly MetricEvent[], names: Names): string {
  if (!events.length) return 'No events recorded.';
  const updateTexts = new Set(events.filter((e) => e.kind === 'status_update').map((e) => updateKey(e, str(e.data.message))));
  return events
    .map((event) => {
      const line = describeEvent(event, updateTexts);
      const actor = line.actor ?? (event.actor ? mention(event.actor) : 'Firewatch');
      const head = `- **${stamp(event.occurredAt)}** · ${inline(actor, names)} · ${inline(line.text, names)}`;
      return line.quote?.trim() ? `${head}\n${quotedUnder(line.quote, names)}` : head;
    })
    .join('\n');
}

function section(title: string, ...blocks: string[]): string {
  return [`## ${title}`, ...blocks].join('\n\n');
}

/** A section only a document with something to put in it has. */
const optional = (title: string, body: string | undefined): string[] => (body === undefined ? [] : [section(title, body)]);

const written = (text: string | undefined) => (text?.trim() ? escapeBlock(text.trim()) : NOT_WRITTEN);

function metricsTable(metrics: IncidentMetrics, names: Names): string {
  const rows: Array<[string, string]> = [
    ['Time to acknowledge', formatDurationMs(metrics.timeToAcknowledgeMs)],
    ['Time to mitigate', formatDurationMs(metrics.timeToMitigateMs)],
    ['Time to resolve', formatDurationMs(metrics.timeToResolveMs)],
    ['Total duration', formatDurationMs(metrics.totalDurationMs)],
    ['Pages', String(metrics.pages)],
    ...metrics.pageAcknowledgements.map((ack): [string, string] => [
      `Page acknowledged (${ack.policy.startsWith('user:') ? 'direct page' : tableCell(ack.policy)})`,
      `${formatDurationMs(ack.afterMs)} · ${tableCell(nameOf(ack.user, names))}${ack.via ? ` · woken${acknowledgedVia(ack.via)}` : ''}`,
    ]),
    ['Escalations', String(metrics.escalations)],
    ['People involved', String(metrics.people.length)],
  ];
  return ['| Metric | Value |', '| --- | --- |', ...rows.map(([name, value]) => `| ${name} | ${value} |`)].join('\n');
}

const nameOf = (id: string, names: Names) => `@${Object.hasOwn(names, id) ? names[id] : id}`;
const person = (id: string, names: Names) => escapeInline(nameOf(id, names));

function facts(input: PostmortemInput): string {
  const { incident, names } = input;
  const sev = incident.severity.toUpperCase();
  // Without a configured label the label is the id again, which says nothing twice.
  const severity =
    incident.severityLabel && incident.severityLabel.toLowerCase() !== incident.severity.toLowerCase()
      ? `${sev} (${incident.severityLabel})`
      : sev;
  const roles = [...input.roles].sort((a, b) => compareText(a.role, b.role) || compareText(a.userId, b.userId));
  const authors = [
    ...(incident.leadId ? [`${person(incident.leadId, names)} (lead)`] : []),
    ...roles.map((r) => `${person(r.userId, names)} (${escapeInline(r.role)})`),
  ];
  return [
    `- **Incident:** ${incidentKey(incident.id)}`,
    `- **Severity:** ${escapeInline(severity)}`,
    `- **Status:** ${escapeInline(statusLabel(incident.status))}`,
    `- **Date:** ${day(incident.createdAt)}`,
    `- **Type:** ${incident.type ? escapeInline(incident.type) : 'Not set'}`,
    `- **Authors:** ${authors.length ? authors.join(', ') : 'None assigned'}`,
    `- **Version:** ${input.version}`,
  ].join('\n');
}

function impact(input: PostmortemInput, metrics: IncidentMetrics): string[] {
  const blocks = [written(input.answers.impact)];
  if (input.incident.impact?.trim())
    blocks.push('Impact recorded during the incident:', quoteMarkdown(slackToMarkdown(input.incident.impact.trim(), input.names)));
  const duration =
    metrics.totalDurationMs === null
      ? 'not resolved'
      : `${formatDurationMs(metrics.totalDurationMs)}, from declaration to the final resolve`;
  return [...blocks, `**Duration:** ${duration}.`];
}

function resolution(input: PostmortemInput, events: readonly MetricEvent[]): string[] {
  const blocks = [written(input.answers.resolution)];
  const summaries = events.filter((e) => e.kind === 'status_changed' && e.data.to === 'resolved' && str(e.data.message).trim());
  if (!summaries.length) return blocks;
  const lines = summaries.map(
    (e) =>
      `- **${stamp(e.occurredAt)}** · ${inline(e.actor ? mention(e.actor) : 'Firewatch', input.names)}\n${quotedUnder(str(e.data.message), input.names)}`,
  );
  return [...blocks, 'Recorded when resolving:', lines.join('\n')];
}

function detection(input: PostmortemInput, events: readonly MetricEvent[]): string {
  const { incident, names } = input;
  const opened =
    incident.source === 'slack' || incident.source === 'console'
      ? `- Declared by ${person(incident.declaredBy, names)} in ${incident.source === 'slack' ? 'Slack' : 'the console'} at ${stamp(incident.createdAt)} UTC.`
      : `- Opened from an alert (${escapeInline(incident.source)}) at ${stamp(incident.createdAt)} UTC.`;
  const page = events.flatMap((e) => {
    const known = parseEvent(e);
    return known?.kind === 'page_triggered' ? [known] : [];
  })[0];
  if (!page) return `${opened}\n- Nobody was paged.`;
  const by = page.actor ? `, by ${mention(page.actor)}` : '';
  return `${opened}\n- First page: ${inline(`${policyName(page.data)} at ${stamp(page.occurredAt)} UTC${by}`, names)}.`;
}

function followupsTable(input: PostmortemInput): string {
  if (!input.followups.length) return 'None recorded.';
  const rows = input.followups.map((f) => {
    const owner = f.ownerId ? tableCell(nameOf(f.ownerId, input.names)) : '—';
    return `| ${inline(f.text, input.names)} | ${owner} | ${f.dueAt ? day(f.dueAt) : '—'} | ${f.doneAt ? `Yes, ${day(f.doneAt)}` : 'No'} |`;
  });
  return ['| Action | Owner | Due | Done |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/**
 * Each checklist given to the incident, each step with who ticked it off and when, as the timeline last
 * left it (a step unticked again is not done). Undefined when the incident had none.
 */
function checklists(events: readonly MetricEvent[], names: Names): string | undefined {
  const known = events.flatMap((e) => {
    const event = parseEvent(e);
    return event ? [{ ...event, occurredAt: e.occurredAt, actor: e.actor }] : [];
  });
  const added = known.flatMap((e) => (e.kind === 'checklist_added' ? [e] : []));
  if (!added.length) return undefined;
  const last = new Map<string, { done: boolean; actor: string | null; at: Date }>();
  for (const e of known)
    if (e.kind === 'checklist_step_done' || e.kind === 'checklist_step_undone')
      last.set(`${e.data.checklist}\u0000${e.data.step}`, { done: e.kind === 'checklist_step_done', actor: e.actor, at: e.occurredAt });
  return added
    .map((list) => {
      const steps = list.data.steps.map((text, step) => {
        const state = last.get(`${list.data.checklist}\u0000${step}`);
        const how = state?.done ? `done by ${state.actor ? person(state.actor, names) : 'Firewatch'} at ${stamp(state.at)}` : 'not done';
        return `- [${state?.done ? 'x' : ' '}] ${escapeInline(text)} — ${how}`;
      });
      return [`### ${escapeInline(list.data.title)}`, steps.join('\n')].join('\n\n');
    })
    .join('\n\n');
}

function participants(people: readonly string[], names: Names): string {
  if (!people.length) return 'None recorded.';
  return people
    .map((id) => ({ id, name: nameOf(id, names) }))
    .sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id))
    .map((p) => `- ${escapeInline(p.name)}`)
    .join('\n');
}

export function compilePostmortem(input: PostmortemInput): string {
  const { incident, names, answers } = input;
  const events = [...input.events].sort(byOccurrence);
  const metrics = incidentMetrics(incident, events);
  const pinned = new Set(activePins(events).map((e) => e.id));
  // A message unpinned again was taken off the timeline by whoever unpinned it: neither event is shown.
  const shown = events.filter((e) => (e.kind === 'message_pinned' ? pinned.has(e.id) : e.kind !== 'message_unpinned'));
  const description = incident.description.trim() ? ['Description when declared:', blockquote(incident.description.trim())] : [];

  return `${[
    `# Postmortem: ${incident.drill ? 'DRILL · ' : ''}${incidentKey(incident.id)} — ${inline(incident.title, names)}`,
    ...(incident.drill ? ['> **DRILL:** this was a practice incident. It is left out of insights, digests and the metrics.'] : []),
    facts(input),
    section('Summary', written(answers.summary), ...description),
    section('Impact', ...impact(input, metrics)),
    ...(input.services?.length ? [section('Affected services', servicesSection(input.services))] : []),
    section('Key metrics', metricsTable(metrics, input.names)),
    section('Root cause', written(answers.rootCause)),
    section('Trigger', written(answers.trigger)),
    section('Resolution', ...resolution(input, shown)),
    section('Detection', detection(input, shown)),
    section('Timeline (UTC)', timeline(shown, names)),
    ...optional('Checklists', checklists(events, names)),
    section('Follow-ups', followupsTable(input)),
    section(
      'Lessons learned',
      `### What went well\n\n${written(answers.wentWell)}`,
      `### What went wrong\n\n${written(answers.wentWrong)}`,
      `### Where we got lucky\n\n${written(answers.lucky)}`,
    ),
    section('Participants', participants(metrics.people, names)),
  ].join('\n\n')}\n`;
}
