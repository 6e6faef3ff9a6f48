import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseTemplate,
  renderJsonString,
  renderMrkdwn,
  TEMPLATE_VARIABLES,
  type Template,
  type TemplateValues,
} from '../../src/automation/templates.js';

const parsed = (source: string): Template => {
  const result = parseTemplate(source);
  if (!result.ok) throw new Error(result.error);
  return result.template;
};

const valuesOf = (value: string): TemplateValues => Object.fromEntries(TEMPLATE_VARIABLES.map((v) => [v, value])) as TemplateValues;

const everyVariable = parsed(TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(' · '));
const hostile = fc.oneof(
  fc.string(),
  fc.constantFrom('<!channel>', '<!here>', '<@U0123ALICE>', '<http://evil.example|click>', '&lt;', '<#C0123|x>', '"\\\n\u2028'),
  fc.array(fc.constantFrom('<', '>', '&', '!', '@', '|', 'http', '"', '\\', 'a')).map((parts) => parts.join('')),
);

describe('workflow templates', () => {
  it('parses variables with or without inner spaces and keeps the text around them', () => {
    expect(parsed('{{ incident.key }}: {{incident.title}}!').parts).toEqual([
      { variable: 'incident.key' },
      { text: ': ' },
      { variable: 'incident.title' },
      { text: '!' },
    ]);
  });

  it('refuses an unknown variable, naming it and the known ones', () => {
    const result = parseTemplate('{{incident.key}} {{process.env.SECRET}}');
    expect(result).toEqual({
      ok: false,
      error: expect.stringContaining('unknown variable "{{process.env.SECRET}}"; known: {{incident.key}}'),
    });
  });

  it('never lets a value open a mention, a broadcast or a link in mrkdwn', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const out = renderMrkdwn(everyVariable, valuesOf(value));
        expect(out).not.toMatch(/[<>]/);
        // Every & in the output starts an escape Slack decodes back to the value's own character.
        expect(out.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
        const decoded = out.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
        expect(decoded).toBe(TEMPLATE_VARIABLES.map(() => value).join(' · '));
      }),
    );
  });

  it('renders a JSON string that always parses back to the same text', () => {
    fc.assert(
      fc.property(hostile, fc.string(), (value, around) => {
        const template = parsed(`${around.replace(/[{}]/g, '')}{{incident.title}}`);
        const json = renderJsonString(template, valuesOf(value));
        expect(JSON.parse(json)).toBe(`${around.replace(/[{}]/g, '')}${value}`);
      }),
    );
  });
});
