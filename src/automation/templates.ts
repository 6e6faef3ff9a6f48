// Message templates of workflows: `{{incident.key}}` and the like, parsed when the config is read (an unknown
// variable stops start-up) and rendered by substitution only: no code from the config ever runs.

export const TEMPLATE_VARIABLES = [
  'incident.key',
  'incident.title',
  'incident.severity',
  'incident.status',
  'incident.type',
  'incident.channel',
  'incident.url',
  'lead',
  'services',
  'workflow.id',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

export type TemplatePart = { text: string } | { variable: TemplateVariable };
export interface Template {
  source: string;
  parts: TemplatePart[];
}

export type TemplateValues = Record<TemplateVariable, string>;

const isVariable = (name: string): name is TemplateVariable => (TEMPLATE_VARIABLES as readonly string[]).includes(name);

/** The template's parts, or the first unknown variable it names. */
export function parseTemplate(source: string): { ok: true; template: Template } | { ok: false; error: string } {
  const parts: TemplatePart[] = [];
  const pattern = /\{\{\s*([^{}]*?)\s*\}\}/g;
  let last = 0;
  for (const match of source.matchAll(pattern)) {
    const name = match[1] ?? '';
    if (!isVariable(name)) {
      return { ok: false, error: `unknown variable "{{${name}}}"; known: ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(', ')}` };
    }
    if (match.index > last) parts.push({ text: source.slice(last, match.index) });
    parts.push({ variable: name });
    last = match.index + match[0].length;
  }
  if (last < source.length) parts.push({ text: source.slice(last) });
  return { ok: true, template: { source, parts } };
}

/** Slack's mrkdwn escaping: only &, < and > are control characters, so a value can never open a mention or a link. */
export const escapeMrkdwn = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Renders for Slack: the config's own text is the operator's mrkdwn, kept as written; every value comes
 * from incidents (titles people typed) and is escaped. `markup`: values the Slack surface built itself
 * from ids it validated (the lead's mention, the channel's link), inserted as they are.
 */
export function renderMrkdwn(template: Template, values: TemplateValues, markup: Partial<TemplateValues> = {}): string {
  return template.parts
    .map((part) => ('text' in part ? part.text : (markup[part.variable] ?? escapeMrkdwn(values[part.variable]))))
    .join('');
}

/** Renders as a JSON string literal (quotes included), so the result always parses back to the plain rendering. */
export function renderJsonString(template: Template, values: TemplateValues): string {
  return JSON.stringify(renderPlain(template, values));
}

/** The values substituted as they are, for places that escape on their own (plan output, a JSON body built with JSON.stringify). */
export function renderPlain(template: Template, values: TemplateValues): string {
  return template.parts.map((part) => ('text' in part ? part.text : values[part.variable])).join('');
}

/** What the variables stand for, from plain incident data; `lead` and `channel` as the surface names them. */
export function templateValues(input: {
  key: string;
  title: string;
  severity: string;
  status: string;
  type: string | null;
  channel: string;
  url: string;
  lead: string;
  services: readonly string[];
  workflowId: string;
}): TemplateValues {
  return {
    'incident.key': input.key,
    'incident.title': input.title,
    'incident.severity': input.severity,
    'incident.status': input.status,
    'incident.type': input.type ?? '',
    'incident.channel': input.channel,
    'incident.url': input.url,
    lead: input.lead,
    services: input.services.join(', '),
    'workflow.id': input.workflowId,
  };
}
