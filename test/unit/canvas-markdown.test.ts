import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePostmortem, type PostmortemInput } from '../../src/postmortems/compile.js';
import { escapeBlock } from '../../src/postmortems/markdown.js';
import { canvasMarkdown } from '../../src/slack/canvas-markdown.js';

const golden = readFileSync(new URL('./golden/postmortem-multi-day.md', import.meta.url), 'utf8');
const ZWSP = '\u200B';
const at = (iso: string) => new Date(`${iso}Z`);

/** A resolved incident whose people wrote Markdown-looking text everywhere Firewatch quotes them. */
function hostileIncident(text: string): PostmortemInput {
  return {
    incident: {
      id: 9,
      title: `Title with *stars* & <tags>`,
      severity: 'sev2',
      severityLabel: 'Major',
      status: 'resolved',
      type: null,
      impact: text,
      description: text,
      leadId: 'U0ALICE',
      declaredBy: 'U0ALICE',
      source: 'slack',
      createdAt: at('2026-11-29T22:40:00'),
    },
    roles: [],
    events: [
      {
        id: 1,
        kind: 'status_update',
        actor: 'U0ALICE',
        occurredAt: at('2026-11-29T23:00:00'),
        data: { message: text, status: 'investigating' },
      },
      {
        id: 2,
        kind: 'status_changed',
        actor: 'U0ALICE',
        occurredAt: at('2026-11-29T23:30:00'),
        data: { from: 'investigating', to: 'resolved', message: text },
      },
    ],
    followups: [{ text: 'split | this cell', ownerId: null, dueAt: null, doneAt: null }],
    answers: { summary: text, rootCause: text },
    names: { U0ALICE: 'alice' },
    version: 1,
  };
}

const HOSTILE =
  '1. first\n# not a heading\n* not a bullet\n- nor this\n> not a quote\n| a | b |\n|---|---|\nuser_id & <b>bold</b> &amp; [x](https://e.x) 2 * 3';

describe('canvas Markdown', () => {
  it('puts no quote inside a list item: each quote under a timeline item stands on its own between the items', () => {
    const canvas = canvasMarkdown(golden);
    expect(golden).toMatch(/^ {2}>/m);
    expect(canvas).not.toMatch(/^[ \t]+>/m);
    const lines = canvas.split('\n');
    lines.forEach((line, i) => {
      if (line.startsWith('>') && !lines[i - 1]?.startsWith('>')) expect(lines[i - 1], `line ${i}`).toBe('');
      if (line.startsWith('- ') && lines[i - 1]?.startsWith('>')) expect.fail(`list item right after a quote at line ${i}`);
    });
    expect(canvas).toContain('\n\n> Found it: the new payment client times out after 2s. @bob can you confirm on the canary?\n\n- **');
  });

  it('leaves no backslash escape for the canvas to show, in the golden postmortem and in hostile text', () => {
    expect(golden).toMatch(/\\[!-/:-@[-`{-~]/);
    expect(canvasMarkdown(golden)).not.toContain('\\');
    expect(canvasMarkdown(compilePostmortem(hostileIncident(HOSTILE)))).not.toContain('\\');
  });

  it('keeps people’s text as text where it would start a heading, list, quote or table, with an invisible space', () => {
    const canvas = canvasMarkdown(compilePostmortem(hostileIncident(HOSTILE)));
    for (const line of ['1. first', '# not a heading', '* not a bullet', '- nor this', '> not a quote', '| a | b |', '|---|---|']) {
      expect(canvas).toContain(`\n${ZWSP}${line}\n`);
      expect(canvas).toContain(`\n> ${ZWSP}${line}\n`);
    }
    expect(canvas).not.toMatch(/^(?:> )?(?:1\. first|# not|\* not|- nor|> not|\| a)/m);
  });

  it('keeps tags, entities and links people typed as text, and a | inside a table cell', () => {
    const canvas = canvasMarkdown(compilePostmortem(hostileIncident(HOSTILE)));
    expect(canvas).toContain(`user_id & <${ZWSP}b>bold<${ZWSP}/b> &${ZWSP}amp; [x]${ZWSP}(https://e.x) 2 * 3`);
    expect(canvas).toContain('| split ｜ this cell |');
  });

  it('reads as the text people wrote, invisible spaces aside, whatever they wrote', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const plain = text.replace(/\r\n?/g, '\n').replace(/\\/g, '');
        const canvas = canvasMarkdown(escapeBlock(plain)).replaceAll(ZWSP, '');
        expect(canvas).toBe(plain);
      }),
    );
  });
});
