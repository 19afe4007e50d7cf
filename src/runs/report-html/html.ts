/**
 * The few HTML helpers the trust report page needs: escaping (every string read from a stored run
 * goes through `esc`, so no stored string adds markup), elements, and locale-free number formats
 * (the same run gives the same bytes on every machine).
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or an attribute value, escaped for HTML and SVG. */
export function esc(value: string | number | boolean): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Markup already built by these helpers (not escaped again). */
export interface Html {
  readonly html: string;
}

export const raw = (html: string): Html => ({ html });

type Child = Html | string | number | null | undefined | false | readonly Child[];
type Attrs = Readonly<Record<string, string | number | boolean | null | undefined>>;

function childHtml(child: Child): string {
  if (child === null || child === undefined || child === false) return '';
  if (Array.isArray(child)) return (child as readonly Child[]).map(childHtml).join('');
  if (typeof child === 'object') return (child as Html).html;
  return esc(child as string | number);
}

/** An element: attributes escaped (null, undefined and false left out), children escaped unless built here. */
export function el(tag: string, attrs: Attrs | null, ...children: Child[]): Html {
  const attributes = Object.entries(attrs ?? {})
    .filter(([, value]) => value !== null && value !== undefined && value !== false)
    .map(([name, value]) => (value === true ? ` ${name}` : ` ${name}="${esc(value as string | number)}"`))
    .join('');
  return raw(`<${tag}${attributes}>${children.map(childHtml).join('')}</${tag}>`);
}

/** A self-closed SVG element. */
export function leaf(tag: string, attrs: Attrs): Html {
  const attributes = Object.entries(attrs)
    .filter(([, value]) => value !== null && value !== undefined && value !== false)
    .map(([name, value]) => ` ${name}="${esc(value as string | number)}"`)
    .join('');
  return raw(`<${tag}${attributes}/>`);
}

export const join = (...parts: Child[]): Html => raw(parts.map(childHtml).join(''));

/** A coordinate with one decimal (small, stable bytes). */
export const px = (value: number): string => (Math.round(value * 10) / 10).toFixed(1);

/** A share as a percentage with `digits` decimals; null as an em dash. */
export function pct(value: number | null, digits = 1): string {
  return value === null || !Number.isFinite(value) ? '—' : `${(value * 100).toFixed(digits)}%`;
}

// The number formats are the card's (locale-free, the same bytes everywhere).
export { count, measure } from '../markdown.js';

/** A table with a caption; cells are escaped unless built here. */
export function table(caption: string, headers: readonly string[], rows: readonly (readonly Child[])[], className = 'data'): Html {
  return el(
    'table',
    { class: className },
    el('caption', null, caption),
    el('thead', null, el('tr', null, headers.map((header) => el('th', { scope: 'col' }, header)))),
    el('tbody', null, rows.map((row) => el('tr', null, row.map((cell, i) => (i === 0 ? el('th', { scope: 'row' }, cell) : el('td', null, cell)))))),
  );
}
