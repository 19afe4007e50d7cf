/**
 * Inline SVG charts of the trust report, drawn on the server: generated against target with the
 * sampling envelope. Every chart has a title and a description for screen readers and a table
 * beside it (the page adds the tables); bars carry a <title> with their numbers.
 *
 * The envelope of a bar is the 95% interval of a share drawn by simple random sampling of `n`
 * persons from the target share p: p ± 1.96·√(p(1 − p)/n), per bar, not simultaneous (the gates
 * test a field's TVD against its own threshold, docs/trust.md §5.2). A generated bar outside
 * its envelope is what one bar in twenty does by chance.
 */
import { el, leaf, pct, px, raw, type Html } from './html.js';

const Z95 = 1.959963984540054;

/** The 95% sampling envelope [lo, hi] of share p at sample size n (none at n = 0). */
export function envelope(p: number, n: number): readonly [number, number] | null {
  if (!(n > 0)) return null;
  const half = Z95 * Math.sqrt((p * (1 - p)) / n);
  return [Math.max(0, p - half), Math.min(1, p + half)];
}

export interface BarRow {
  readonly label: string;
  readonly target: number | null;
  readonly actual: number | null;
  /** The persons the share is taken over (the envelope's n). */
  readonly n: number;
}

const ROW = 18;
const LABEL = 200;
const PLOT = 380;
const VALUE = 70;
const TOP = 24;

/** What a row draws, for the axis: its bar, and its envelope's top (with no sample, `unsampled(target)`). */
function reach(row: BarRow, unsampled: (target: number) => number = (target) => target): number[] {
  return [row.actual ?? 0, row.target === null ? 0 : (envelope(row.target, row.n)?.[1] ?? unsampled(row.target))];
}

/** The axis maximum: the largest drawn value, rounded up to a tidy step. */
function axisMax(values: readonly number[]): number {
  const max = Math.max(0.0001, ...values);
  const steps = [0.01, 0.02, 0.04, 0.08, 0.12, 0.2, 0.4, 0.6, 0.8, 1];
  return steps.find((step) => step >= max * 1.02) ?? 1;
}

function frame(id: string, title: string, description: string, width: number, height: number, body: Html): Html {
  return el(
    'svg',
    { id, class: 'chart', role: 'img', viewBox: `0 0 ${width} ${height}`, width, height, 'aria-labelledby': `${id}-title ${id}-desc`, xmlns: 'http://www.w3.org/2000/svg' },
    el('title', { id: `${id}-title` }, title),
    el('desc', { id: `${id}-desc` }, description),
    body,
  );
}

function ticks(x0: number, width: number, max: number, y: number, height: number): Html {
  const out: Html[] = [];
  for (let i = 0; i <= 4; i += 1) {
    const x = x0 + (width * i) / 4;
    out.push(leaf('line', { class: 'grid', x1: px(x), x2: px(x), y1: px(y), y2: px(y + height) }));
    out.push(el('text', { class: 'tick', x: px(x), y: px(y - 6), 'text-anchor': 'middle' }, `${Number(((max * i * 100) / 4).toFixed(2))}%`));
  }
  return raw(out.map((part) => part.html).join(''));
}

/** One bar with its envelope and target mark, growing right (or left, `mirror`) from x0. */
function bar(x0: number, y: number, scale: number, row: BarRow, className: string, mirror = false): Html {
  const parts: Html[] = [];
  const at = (share: number) => (mirror ? x0 - share * scale : x0 + share * scale);
  const band = row.target === null ? null : envelope(row.target, row.n);
  if (band !== null) {
    const [a, b] = [at(band[0]), at(band[1])];
    parts.push(leaf('rect', { class: 'envelope', x: px(Math.min(a, b)), y: px(y + 1), width: px(Math.max(0.8, Math.abs(b - a))), height: ROW - 2 }));
  }
  if (row.actual !== null) {
    const w = row.actual * scale;
    const tip = `${row.label}: generated ${pct(row.actual, 2)}, target ${pct(row.target, 2)}${band === null ? '' : `, envelope ${pct(band[0], 2)}–${pct(band[1], 2)}`}`;
    parts.push(el('rect', { class: `bar ${className}`, x: px(mirror ? x0 - w : x0), y: px(y + 4), width: px(w), height: ROW - 8 }, el('title', null, tip)));
  }
  if (row.target !== null) {
    const x = at(row.target);
    parts.push(leaf('line', { class: 'target', x1: px(x), x2: px(x), y1: px(y), y2: px(y + ROW) }));
  }
  return raw(parts.map((part) => part.html).join(''));
}

/** Categories of one field (or one joint row): generated bars, target marks, envelopes. */
export function categoryChart(id: string, title: string, rows: readonly BarRow[]): Html {
  const max = axisMax(rows.flatMap((row) => reach(row)));
  const scale = PLOT / max;
  const height = TOP + rows.length * ROW + 8;
  const body: Html[] = [ticks(LABEL, PLOT, max, TOP, rows.length * ROW)];
  rows.forEach((row, i) => {
    const y = TOP + i * ROW;
    body.push(el('text', { class: 'label', x: LABEL - 6, y: px(y + ROW - 5), 'text-anchor': 'end' }, row.label));
    body.push(bar(LABEL, y, scale, row, 'generated'));
    body.push(el('text', { class: 'value', x: LABEL + PLOT + 6, y: px(y + ROW - 5) }, pct(row.actual)));
  });
  const description = `Generated share (bar) against the target share (mark) and its 95% sampling envelope (band) for ${rows.length} categories.`;
  return frame(id, title, description, LABEL + PLOT + VALUE, height, raw(body.map((part) => part.html).join('')));
}

export interface PyramidRow {
  readonly label: string;
  readonly male: BarRow;
  readonly female: BarRow;
}

/** The population pyramid: men left, women right, the oldest group on top. */
export function pyramidChart(id: string, title: string, rows: readonly PyramidRow[]): Html {
  const half = 260;
  const gutter = 56;
  const max = axisMax(rows.flatMap((row) => [...reach(row.male), ...reach(row.female)]));
  const scale = half / max;
  const centreLeft = half + 10;
  const centreRight = centreLeft + gutter;
  const height = TOP + rows.length * ROW + 8;
  const body: Html[] = [
    el('text', { class: 'axis-label', x: px(centreLeft - half / 2), y: 14, 'text-anchor': 'middle' }, 'Men'),
    el('text', { class: 'axis-label', x: px(centreRight + half / 2), y: 14, 'text-anchor': 'middle' }, 'Women'),
  ];
  [...rows].reverse().forEach((row, i) => {
    const y = TOP + i * ROW;
    body.push(el('text', { class: 'label', x: px(centreLeft + gutter / 2), y: px(y + ROW - 5), 'text-anchor': 'middle' }, row.label));
    body.push(bar(centreLeft, y, scale, row.male, 'male', true));
    body.push(bar(centreRight, y, scale, row.female, 'female'));
  });
  const description = `Share of the whole run in each five-year age group, men left and women right: generated (bars) against the target (marks) and its 95% sampling envelope (bands), ${rows.length} age groups.`;
  return frame(id, title, description, centreRight + half + 10, height, raw(body.map((part) => part.html).join('')));
}

export interface UnitRow {
  readonly label: string;
  readonly population: BarRow;
  /** The chosen attribute's share within the unit; null where the unit has no published figure. */
  readonly attribute: BarRow | null;
}

/** The 35 units ranked by their target population share, with the chosen attribute beside it. */
export function unitChart(id: string, title: string, attributeTitle: string, rows: readonly UnitRow[]): Html {
  const label = 150;
  const panel = 250;
  const gap = 30;
  const popMax = axisMax(rows.flatMap((row) => reach(row.population, () => 0)));
  const attrMax = axisMax(rows.flatMap((row) => (row.attribute === null ? [] : reach(row.attribute, () => 0))));
  const x2 = label + panel + gap;
  const top = TOP + 14;
  const height = top + rows.length * ROW + 8;
  const body: Html[] = [
    el('text', { class: 'axis-label', x: px(label + panel / 2), y: 12, 'text-anchor': 'middle' }, 'Share of the population'),
    el('text', { class: 'axis-label', x: px(x2 + panel / 2), y: 12, 'text-anchor': 'middle' }, attributeTitle),
    ticks(label, panel, popMax, top, rows.length * ROW),
    ticks(x2, panel, attrMax, top, rows.length * ROW),
  ];
  rows.forEach((row, i) => {
    const y = top + i * ROW;
    body.push(el('text', { class: 'label', x: label - 6, y: px(y + ROW - 5), 'text-anchor': 'end' }, row.label));
    body.push(bar(label, y, panel / popMax, row.population, 'population'));
    if (row.attribute === null) body.push(el('text', { class: 'note', x: x2 + 4, y: px(y + ROW - 5) }, 'not published'));
    else body.push(bar(x2, y, panel / attrMax, row.attribute, 'attribute'));
  });
  const description = `${rows.length} units ranked by their target share of the population: generated (bars) against the target (marks) and its 95% sampling envelope (bands), population share left and ${attributeTitle.toLowerCase()} right.`;
  return frame(id, title, description, x2 + panel + 10, height, raw(body.map((part) => part.html).join('')));
}
