/**
 * Markdown from strings we did not write (stored artefacts, upstream PxWeb text): every such
 * string goes through `text` or `code`, so it renders as the characters it holds and can make
 * no heading, list, link, image, emphasis, HTML tag, table cell or line break of its own.
 */

// C0/C1 controls, line and paragraph separators, and the bidirectional overrides and isolates
// (which can make text read other than it is).
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;
// Characters with inline meaning anywhere in a line (GFM: emphasis, strikethrough, code, links, tables).
const INLINE_SPECIAL = /[\\`*_[\]|~]/g;
// A token a GFM renderer could turn into a link by itself (extended autolinks: URLs, www., e-mail).
const LINK_LIKE = /[a-z0-9+.-]:\/\/|www\.|@|mailto:|xmpp:/i;

/** One line: unsafe characters become one space each run. */
function oneLine(value: string): string {
  return value.replace(UNSAFE_CHARACTERS, ' ');
}

/** A code span holding `value` literally: the fence is longer than any backtick run inside. */
function span(value: string): string {
  const longest = Math.max(0, ...[...value.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = value.startsWith('`') || value.endsWith('`') || value.startsWith(' ') || value.endsWith(' ') ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}

function escapeToken(token: string): string {
  return token.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(INLINE_SPECIAL, (character) => `\\${character}`);
}

/**
 * Inline text: escaped so that it renders as written, on one line. Link-like tokens are set as code
 * (an escaped URL would still be linked by GFM's autolinks); `|` stays outside code, escaped, so a
 * table cell cannot be split. Safe at the start of a line: a leading block marker is escaped.
 */
export function text(value: string): string {
  const line = oneLine(value);
  const out = line
    .split(/(\s+|\|)/)
    .map((token) => (token === '|' ? '\\|' : LINK_LIKE.test(token) ? span(token) : escapeToken(token)))
    .join('');
  // Block markers only count at the start of a line: a heading, list item, rule or setext line.
  if (/^\s*[-+=#]/.test(out)) return out.replace(/^(\s*)([-+=#])/, '$1\\$2');
  return out.replace(/^(\s*\d{1,9})([.)])(?=\s|$)/, '$1\\$2');
}

/**
 * Inline code holding `value` literally, on one line. Each `|` becomes `\|`, which GFM tables read
 * as a pipe within the cell; the backslashes before it are made even first, since the table scanner
 * pairs them off before it looks at the pipe.
 */
export function code(value: string): string {
  return span(oneLine(value)).replace(/(\\*)\|/g, (_match, slashes: string) => `${slashes}${slashes.length % 2 === 1 ? '\\' : ''}\\|`);
}

/** Markdown this code base wrote (the field dictionary, fixed texts), for a table cell: `|` escaped. */
export function trusted(value: string): string {
  return oneLine(value).replace(/\|/g, '\\|');
}

/** A fenced code block holding `content` literally (line breaks kept): the fence is longer than any backtick run inside. */
export function fenced(content: string, info = ''): string {
  // Its lines are its own; anything else unsafe (a CR, a bidi override) becomes a space.
  content = content.split('\n').map(oneLine).join('\n');
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${content.replace(/\n$/, '')}\n${fence}`;
}

/** A GFM table; cells are Markdown already (made with `text` and `code`). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A number with thousands separators (no locale: the same bytes everywhere). */
export function count(value: number): string {
  const [whole = '', fraction] = String(value).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** A measure with four significant digits; null as an em dash. */
export function measure(value: number | null): string {
  if (value === null) return '—';
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  return abs >= 1e-4 && abs < 1e6 ? String(Number(value.toPrecision(4))) : value.toExponential(3);
}
