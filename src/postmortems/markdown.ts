/**
 * Turning user text into Markdown that shows it literally. Escaping is by backslash, which CommonMark
 * and GFM honour before every ASCII punctuation character, so the rendered text reads as typed.
 */

// Everywhere in a line: code spans and fences, emphasis, links and images, HTML and autolinks,
// entities, block quotes, strikethrough, and the `$` of GitHub's math.
const SPECIAL = /[\\`*_[\]<>&~$]/g;
// Block text also spans lines, where a `|` line followed by a `|---|` line would make a table.
const SPECIAL_OR_PIPE = /[\\`*_[\]<>&~$|]/g;
// A `#` opens a heading at the start of a line and closes one after a space, but only before a space,
// another `#` or the end.
const HASH = /(^|\s)#(?=#|\s|$)/g;
// At the start of a line: list items, setext underlines and thematic breaks (`#` is handled above).
const LINE_START = /^([ \t]*)(?:([+=-])|(\d+)([.)]))/gm;

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&' };

/** CommonMark ends a line at a lone `\r` too, which would leave a quoted line without its `> `. */
const unifyLineEnds = (text: string) => text.replace(/\r\n?/g, '\n');

const oneLine = (text: string) => text.replace(/\s*[\r\n]\s*/g, ' ').trim();

function escapeSpecials(text: string, pipes: boolean): string {
  return text.replace(pipes ? SPECIAL_OR_PIPE : SPECIAL, '\\$&').replace(HASH, '$1\\#');
}

function escapeLineStarts(markdown: string): string {
  return markdown.replace(
    LINE_START,
    (_match, indent: string, marker: string | undefined, digits: string | undefined, punct: string | undefined) =>
      marker ? `${indent}\\${marker}` : `${indent}${digits ?? ''}\\${punct ?? ''}`,
  );
}

/** One line of literal text, for list items, headings and the like: newlines become spaces. */
export function escapeInline(text: string): string {
  return escapeLineStarts(escapeSpecials(oneLine(text), false));
}

/** One cell of a GFM table: inline text whose `|` cannot end the cell. */
export function tableCell(text: string): string {
  return escapeInline(text).replace(/\|/g, '\\|');
}

/** Literal text of one or more lines, for a paragraph of its own. */
export function escapeBlock(text: string): string {
  return escapeLineStarts(escapeSpecials(unifyLineEnds(text), true));
}

/** Markdown already made safe, as a block quote: every line, blank ones included, stays inside it. */
export function quoteMarkdown(markdown: string): string {
  return unifyLineEnds(markdown)
    .split('\n')
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n');
}

/** Literal text as a block quote. */
export function blockquote(text: string): string {
  return quoteMarkdown(escapeBlock(text));
}

const decode = (slack: string) => slack.replace(/&(lt|gt|amp);/g, (_match, name: string) => ENTITIES[name] ?? '');

/** Literal text taken from a Slack message, whose `&`, `<` and `>` Slack sends as entities. */
const literal = (slack: string) => escapeSpecials(decode(slack), true);

/** Words Firewatch puts in place of a token: literal, and on one line so they cannot split a table row. */
const words = (text: string) => escapeSpecials(oneLine(text), true);

/**
 * A link destination that ends where the link does: spaces and control characters are not allowed in
 * one, and `(`, `)`, `<`, `>`, `\` and a backquote could end it early or be read as markup.
 */
function destination(url: string): string {
  const percent = (c: string) =>
    Array.from(new TextEncoder().encode(c), (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  return url.replace(/[\p{Cc} ()<>\\`]/gu, percent).replace(/&/g, '\\&');
}

// Only links people can follow safely become links; anything else (`javascript:` …) stays visible text.
const LINKABLE = /^(?:https?|mailto):/i;

function token(body: string, names: Readonly<Record<string, string>>): string {
  const bar = body.indexOf('|');
  const target = bar === -1 ? body : body.slice(0, bar);
  const label = bar === -1 ? '' : decode(body.slice(bar + 1));
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return words(`@${Object.hasOwn(names, id) ? names[id] : id}`);
  }
  if (target.startsWith('#')) return words(`#${label || target.slice(1)}`);
  if (/^!(?:here|channel|everyone)$/.test(target)) return words(`@${target.slice(1)}`);
  if (target.startsWith('!subteam^')) return words(label || `@${target.slice('!subteam^'.length)}`);
  if (target.startsWith('!date^') && label) return words(label);
  if (LINKABLE.test(target)) {
    const url = decode(target);
    return label ? `[${words(label)}](${destination(url)})` : words(url);
  }
  return literal(`<${body}>`);
}

/**
 * Slack message text as Markdown: mentions, channels, special mentions, dates and links rendered as
 * people read them in Slack (names from `names`, user id → display name), and everything else literal.
 */
export function slackToMarkdown(text: string, names: Readonly<Record<string, string>>): string {
  const source = unifyLineEnds(text);
  let markdown = '';
  let last = 0;
  for (const match of source.matchAll(/<([^<>\n]*)>/g)) {
    markdown += literal(source.slice(last, match.index)) + token(match[1] ?? '', names);
    last = match.index + match[0].length;
  }
  return escapeLineStarts(markdown + literal(source.slice(last)));
}
