/**
 * The postmortem's Markdown as a Slack canvas takes it. The file escapes people's text with backslashes
 * (CommonMark), which a canvas shows literally, and quotes a message under its timeline item, which a
 * canvas does not take inside a list item. Here each escape becomes the character itself, and where that
 * character would start markup the canvas would act on, an invisible zero-width space keeps it text;
 * quotes under list items become quotes of their own between the items.
 */
const ZWSP = '\u200B';
// An escape at the start of a line, after its indent and quote markers: `\#`, `\-`, `\>`, `1\.` …
const LINE_START_ESCAPE = /^((?:[ \t]*>[ \t]?)*[ \t]*)(\d*\\[!-/:-@[-`{-~])/;
const ESCAPE = /\\([!-/:-@[-`{-~])/g;
// A quote the file indents under the list item above it.
const QUOTE_UNDER_ITEM = /^ {2}>/;

/** The character an escape stood for, kept from becoming markup where it would (a tag, an entity, a link). */
function literal(char: string, rest: string, inTable: boolean): string {
  switch (char) {
    case '|':
      // A canvas table cell ends at any `|`; the full-width bar reads the same.
      return inTable ? '｜' : '|';
    case '<':
      return /^[A-Za-z/!?]/.test(rest) ? `<${ZWSP}` : '<';
    case '&':
      return /^#?[A-Za-z0-9]+;/.test(rest) ? `&${ZWSP}` : '&';
    case ']':
      return rest.startsWith('(') ? `]${ZWSP}` : ']';
    default:
      return char;
  }
}

function unescapeLine(line: string): string {
  const inTable = line.startsWith('|');
  const guarded = line.replace(LINE_START_ESCAPE, (_match, prefix: string, escaped: string) => `${prefix}${ZWSP}${escaped}`);
  return guarded.replace(ESCAPE, (_match, char: string, offset: number) => literal(char, guarded.slice(offset + 2), inTable));
}

export function canvasMarkdown(fileMarkdown: string): string {
  const lines = fileMarkdown.split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (!QUOTE_UNDER_ITEM.test(line)) {
      out.push(unescapeLine(line));
      return;
    }
    if (!QUOTE_UNDER_ITEM.test(lines[i - 1] ?? '')) out.push('');
    out.push(unescapeLine(line.slice(2)));
    const next = lines[i + 1];
    if (next && !QUOTE_UNDER_ITEM.test(next)) out.push('');
  });
  return out.join('\n');
}
