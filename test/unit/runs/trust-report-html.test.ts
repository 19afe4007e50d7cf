/**
 * The HTML trust report over the documents of real runs (executeRun on a one-thread pool and the
 * shipped snapshot): self-contained (no script, nothing fetched), its sections in order, the
 * pyramid's counter against the fields it must add up to, the pyramid and unit charts with one
 * bar per cell from the domain's categories, every field, joint check and gate code, determinism,
 * a withheld run, a conditioned run, and stored strings that try to add markup of their own.
 */
import { resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../../src/census/census-table.js';
import { AGE_GROUPS, DISTRICTS, SEXES } from '../../../src/domain/categories.js';
import { cardInputsOf, type CardInputs } from '../../../src/runs/dataset-card.js';
import { envelope } from '../../../src/runs/report-html/charts.js';
import { esc } from '../../../src/runs/report-html/html.js';
import { REPORT_SECTIONS, renderTrustReportHtml, UNIT_ATTRIBUTE } from '../../../src/runs/report-html/trust-report-html.js';
import type { RunRequest } from '../../../src/runs/run-request.js';
import { TrustReportSchema } from '../../../src/trust/report-schema.js';
import { GenerationPool } from '../../../src/workers/generation-pool.js';
import { runDocuments } from '../../helpers/run-documents.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

let snapshot: InputSnapshot;
let pool: GenerationPool;

const run = (request: RunRequest, seed: number) => runDocuments(pool, snapshot, request, seed, '0190a0a0-0000-7000-8000-0000000000d1');

/** All ages, 5,000 persons: every section has something to show. */
let all: CardInputs;
/** Ages 20-60 in two districts: the pyramid is a sub-population. */
let conditioned: CardInputs;
/** high_stakes adults are rejected at preflight on the embedded snapshot: nothing sampled. */
let withheld: CardInputs;

beforeAll(async () => {
  snapshot = await shippedSnapshot();
  pool = new GenerationPool({ threads: 1, workerFile: resolve('dist/workers/generation-worker-entry.cjs') });
  all = await run({ n: 5_000, profile: 'analysis_only', scope: 'all' }, 11);
  conditioned = await run({ n: 600, profile: 'analysis_only', scope: 'all', where: { district: ['taraclia', 'cahul'], age: { min: 20, max: 60 } } }, 12);
  withheld = await run({ n: 50, profile: 'high_stakes' }, 6);
}, 120_000);
afterAll(async () => {
  await pool.close();
});

/** The markup of the element with this id, up to its closing tag (no nesting of the same tag inside). */
function elementById(page: string, tag: string, id: string): string {
  const start = page.indexOf(`<${tag} id="${id}"`);
  expect(start, `#${id}`).toBeGreaterThanOrEqual(0);
  return page.slice(start, page.indexOf(`</${tag}>`, start) + tag.length + 3);
}

const countOf = (text: string, needle: string) => text.split(needle).length - 1;

describe('the page', () => {
  it('is one self-contained HTML document under 2 MB: no script, no stylesheet link, nothing it would fetch', () => {
    const page = renderTrustReportHtml(all);
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">')).toBe(true);
    expect(Buffer.byteLength(page)).toBeLessThan(2 * 1024 * 1024);
    expect(page).not.toMatch(/<script|<link|<iframe|<img|<object|<embed|@import|url\(|\ssrc=|\son[a-z]+=/i);
    // The only absolute URL is the licence, a link a reader may follow, never loaded by the page.
    expect([...page.matchAll(/https?:\/\/[^"<\s]+/g)].map((m) => m[0]).filter((url) => url !== 'http://www.w3.org/2000/svg')).toEqual(['https://creativecommons.org/licenses/by/4.0/']);
  });

  it('has its sections in order, the verdict first, with every gate code of the run and its threshold', () => {
    const page = renderTrustReportHtml(all);
    const positions = REPORT_SECTIONS.map(([id]) => page.indexOf(`<section id="${id}">`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const verdict = elementById(page, 'section', 'verdict');
    expect(verdict).toContain(`<b class="${all.report.decision.decision}">${all.report.decision.decision}</b>`);
    for (const gate of all.report.gate_details) expect(verdict).toContain(`<th scope="row">${gate.code}</th>`);
  });

  it('is the same bytes for the same run, and the documents as served (JSON) give the same page', () => {
    const again = JSON.parse(JSON.stringify(all)) as CardInputs;
    expect(renderTrustReportHtml(again)).toBe(renderTrustReportHtml(all));
  });

  it('draws one chart per compared field and per joint check, with one generated bar per category of a field', () => {
    const page = renderTrustReportHtml(all);
    for (const field of all.report.marginals!.fields) {
      const chart = elementById(page, 'svg', `chart-${field.field}`);
      expect(countOf(chart, 'class="bar generated"'), field.field).toBe(field.categories.length);
    }
    for (const check of all.report.joint_checks!) expect(page, check.id).toContain(`<figure id="joint-${check.id}">`);
  });
});

describe('the population pyramid', () => {
  it('counts every generated person once, and adds up to the age group and sex fields the run gated', () => {
    const { population_pyramid: pyramid, marginals } = all.report;
    expect(pyramid).not.toBeNull();
    expect(pyramid!.rows.map((row) => row.age_group)).toEqual([...AGE_GROUPS]);
    const ageGroup = marginals!.fields.find((f) => f.field === 'age_group')!;
    const sex = marginals!.fields.find((f) => f.field === 'sex')!;
    // The new counter against the field tallies the sampler has always kept.
    pyramid!.rows.forEach((row, g) => expect(row.cells.reduce((sum, c) => sum + c.observed_count, 0), row.age_group).toBe(ageGroup.categories[g]!.observed_count));
    for (const category of sex.categories) {
      expect(pyramid!.rows.reduce((sum, row) => sum + row.cells.find((c) => c.sex === category.category)!.observed_count, 0)).toBe(category.observed_count);
    }
    // Its target is the calibrated model's: summed over sex, the age group field's own target.
    const targets = pyramid!.rows.flatMap((row) => row.cells.map((c) => c.target_share));
    expect(targets.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    pyramid!.rows.forEach((row, g) => expect(row.cells.reduce((sum, c) => sum + c.target_share, 0)).toBeCloseTo(ageGroup.categories[g]!.target_share, 9));
    // Without the PxWeb age × sex table the sex split inside the groups is modelled, and says so.
    expect(pyramid!.provenance_class).toBe('modelled');
    expect(pyramid!.table_ids).toContain('sex_by_age_modelled');
  });

  it('is drawn with one bar per age group and sex, men left and women right, with its table', () => {
    const chart = elementById(renderTrustReportHtml(all), 'svg', 'pyramid-chart');
    expect(countOf(chart, 'class="bar male"')).toBe(AGE_GROUPS.length);
    expect(countOf(chart, 'class="bar female"')).toBe(AGE_GROUPS.length);
    expect(countOf(chart, 'class="envelope"')).toBe(AGE_GROUPS.length * SEXES.length);
    const section = elementById(renderTrustReportHtml(all), 'section', 'pyramid');
    for (const group of AGE_GROUPS) expect(section).toContain(`<th scope="row">${esc(group)}</th>`);
  });

  it('of a conditioned run holds only the ages the condition selects, against a modelled target', () => {
    const pyramid = conditioned.report.population_pyramid!;
    expect(pyramid.provenance_class).toBe('modelled');
    for (const row of pyramid.rows) {
      const inRange = ['20-24', '25-29', '30-34', '35-39', '40-44', '45-49', '50-54', '55-59', '60-64'].includes(row.age_group);
      for (const cell of row.cells) {
        if (!inRange) expect(cell.observed_count + cell.target_share, row.age_group).toBe(0);
      }
    }
    expect(pyramid.rows.flatMap((row) => row.cells).reduce((sum, c) => sum + c.observed_count, 0)).toBe(600);
  });

  it('is null, and the page says nothing was generated, when the run was withheld at preflight', () => {
    expect(withheld.report.population_pyramid).toBeNull();
    const page = renderTrustReportHtml(withheld);
    expect(elementById(page, 'section', 'pyramid')).toContain('Nothing was generated.');
    expect(page).toContain(`<b class="REJECT">REJECT</b>`);
    expect(page).not.toContain('<svg');
  });
});

describe('a report stored before the pyramid existed', () => {
  it('still matches the schema and renders, saying the pyramid is not in it', () => {
    const { population_pyramid: _dropped, ...older } = all.report;
    expect(TrustReportSchema.safeParse(older).success).toBe(true);
    const page = renderTrustReportHtml(cardInputsOf('0190a0a0-0000-7000-8000-0000000000d1', { manifest: all.manifest, payload: all.payload, report: older }));
    expect(elementById(page, 'section', 'pyramid')).toContain('stored before it held the pyramid');
    expect(page).toContain('id="units-chart"');
  });
});

describe('the units chart', () => {
  it('ranks all 35 units by their target population share, each with its share above retirement age', () => {
    const page = renderTrustReportHtml(all);
    const chart = elementById(page, 'svg', 'units-chart');
    expect(countOf(chart, 'class="bar population"')).toBe(DISTRICTS.length);
    // The census publishes the broad age groups for every unit: one attribute bar each.
    const check = all.report.joint_checks!.find((c) => c.id === UNIT_ATTRIBUTE.check)!;
    expect(check.rows.filter((row) => row.cells.some((c) => c.category === UNIT_ATTRIBUTE.category) && row.n > 0)).toHaveLength(DISTRICTS.length);
    expect(countOf(chart, 'class="bar attribute"')).toBe(DISTRICTS.length);
    expect(chart).not.toContain('not published');
    const district = all.report.marginals!.fields.find((f) => f.field === 'district')!;
    const ranked = [...district.categories].sort((a, b) => b.target_share - a.target_share);
    const table = elementById(page, 'section', 'units');
    const rows = [...table.matchAll(/<th scope="row">(\d+)\. /g)].map((m) => Number(m[1]));
    expect(rows).toEqual(ranked.map((_, i) => i + 1));
    // Chișinău is the largest unit in every census; the ranking puts it first.
    expect(ranked[0]!.category).toBe('chisinau');
    expect(table).toContain('<th scope="row">1. Mun. Chișinău</th>');
  });
});

describe('the sampling envelope', () => {
  it('is p ± 1.96·√(p(1 − p)/n), clipped to [0, 1], and absent at n = 0', () => {
    const [lo, hi] = envelope(0.5, 100)!;
    expect(lo).toBeCloseTo(0.402, 3);
    expect(hi).toBeCloseTo(0.598, 3);
    expect(envelope(0.3, 0)).toBeNull();
    expect(envelope(0, 50)).toEqual([0, 0]);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 10_000_000 }), (p, n) => {
        const [a, b] = envelope(p, n)!;
        return a >= 0 && b <= 1 && a <= p + 1e-15 && b >= p - 1e-15 && b - a <= 2 * 1.96 * 0.5 / Math.sqrt(n) + 1e-12;
      }),
    );
  });
});

describe('stored strings', () => {
  it('add no markup: recommendations, table ids and derivations are escaped wherever they appear', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }).map((s) => `<script>${s}</script>"'&<img src=x onerror=alert(1)>`), (hostile) => {
        const report = structuredClone(all.report);
        report.decision.recommendations = [hostile];
        report.gate_details[0]!.recommendation = hostile;
        report.provenance.tables[0]!.table_id = hostile;
        report.provenance.fields[0]!.derivation = hostile;
        report.population_pyramid!.derivation = hostile;
        expect(TrustReportSchema.safeParse(report).success).toBe(true);
        const page = renderTrustReportHtml({ ...all, report });
        expect(page).not.toContain('<script');
        expect(page).not.toContain('<img');
        expect(countOf(page, esc(hostile))).toBeGreaterThanOrEqual(5);
      }),
      { numRuns: 25 },
    );
  });
});
