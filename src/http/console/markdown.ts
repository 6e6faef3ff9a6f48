// The postmortem's Markdown as HTML for the console: the blocks and emphasis postmortems/compile.ts writes
// (headings, lists, tables, quotes, paragraphs, bold, italics, code), and nothing else. Every character of
// the source is escaped first, so HTML written in it, or in anything quoted into it, shows as text.
import { escapeHtml } from '../html.js';

/** Backslash escapes are CommonMark's: before ASCII punctuation, the character stands for itself. */
const ESCAPED = /\\([!-/:-@[-`{-~])/g;
// A private-use character marks where an escaped character goes back; it is dropped from the source first.
const HOLE = /\uE000(\d+)\uE000/g;

/** Inline Markdown as escaped HTML. */
export function inlineHtml(text: string): string {
  const literal: string[] = [];
  const held = text.replace(/\uE000/g, '').replace(ESCAPED, (_m, c: string) => `\uE000${literal.push(c) - 1}\uE000`);
  return escapeHtml(held)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w*])[*_]([^*_]+)[*_](?![\w*])/g, '$1<em>$2</em>')
    .replace(HOLE, (_m, i: string) => escapeHtml(literal[Number(i)] ?? ''));
}

const cells = (line: string): string[] =>
  line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

const isTableRule = (line: string | undefined) => line !== undefined && /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/.test(line);

function table(lines: string[]): string {
  const [head = '', , ...body] = lines;
  const row = (line: string, tag: 'th' | 'td') =>
    `<tr>${cells(line)
      .map((c) => `<${tag}>${inlineHtml(c)}</${tag}>`)
      .join('')}</tr>`;
  return `<table><thead>${row(head, 'th')}</thead><tbody>${body.map((l) => row(l, 'td')).join('')}</tbody></table>`;
}

function list(lines: string[], ordered: boolean): string {
  const items: string[][] = [];
  for (const line of lines) {
    if (/^\s*([-*+]|\d+[.)])\s+/.test(line) && !/^\s{2,}/.test(line)) items.push([line.replace(/^\s*([-*+]|\d+[.)])\s+/, '')]);
    else items.at(-1)?.push(line.trim().replace(/^>\s?/, ''));
  }
  const tag = ordered ? 'ol' : 'ul';
  return `<${tag}>${items.map((item) => `<li>${item.map(inlineHtml).join('<br>')}</li>`).join('')}</${tag}>`;
}

/** Markdown as HTML safe to put in a page. */
export function markdownHtml(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let i = 0;
  const take = (keep: (line: string) => boolean): string[] => {
    const taken: string[] = [];
    while (i < lines.length && keep(lines[i] ?? '')) taken.push(lines[i++] ?? '');
    return taken;
  };
  while (i < lines.length) {
    const line = lines[i] ?? '';
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (!line.trim()) {
      i++;
    } else if (heading) {
      const level = Math.min((heading[1] ?? '').length + 1, 6);
      out.push(`<h${level}>${inlineHtml(heading[2] ?? '')}</h${level}>`);
      i++;
    } else if (/^\s*```/.test(line)) {
      i++;
      const code = take((l) => !/^\s*```/.test(l));
      i++;
      out.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
    } else if (line.includes('|') && isTableRule(lines[i + 1])) {
      out.push(table(take((l) => l.includes('|'))));
    } else if (/^\s*([-*+]|\d+[.)])\s+/.test(line)) {
      const ordered = /^\s*\d/.test(line);
      out.push(
        list(
          take((l) => /^\s*([-*+]|\d+[.)])\s+/.test(l) || /^\s{2,}\S/.test(l)),
          ordered,
        ),
      );
    } else if (/^\s*>/.test(line)) {
      const quoted = take((l) => /^\s*>/.test(l)).map((l) => l.replace(/^\s*>\s?/, ''));
      out.push(`<blockquote>${markdownHtml(quoted.join('\n'))}</blockquote>`);
    } else {
      const paragraph = take((l) => l.trim() !== '' && !/^(#{1,6}\s|\s*>|\s*```|\s*[-*+]\s)/.test(l));
      out.push(`<p>${paragraph.map(inlineHtml).join('<br>')}</p>`);
    }
  }
  return out.join('\n');
}
