/**
 * The fidelity audit's comparison functions on tiny hand-made datasets whose answers are worked
 * out by hand here (the audit is itself an oracle, so it must be able to fail).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../../scripts/fidelity-audit/audit.mjs';
import { broadGroupOf } from '../../../scripts/fidelity-audit/families-population.mjs';
import { loadReferences, type AuditRecord } from '../../../scripts/fidelity-audit/references.mjs';
import { distributionCheck, expectedTvd, groupedMedian, meanCheck, shareCheck } from '../../../scripts/fidelity-audit/stats.mjs';
import type { AuditRow } from '../../../scripts/fidelity-audit/stats.mjs';

const REFS = loadReferences(fileURLToPath(new URL('../../reference/census', import.meta.url)));

function person(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    sex: 'female',
    age: 30,
    region: 'chisinau',
    district: 'chisinau',
    residence: 'urban',
    ethnicity: 'moldovan',
    mother_tongue: 'moldovan',
    language_usually_spoken: 'moldovan',
    religion: 'orthodox',
    marital_status: 'married',
    education_level: 'tertiary',
    employment_status: 'employed',
    inactivity_reason: null,
    economic_sector: 'services',
    ...overrides,
  };
}

const times = (count: number, overrides: Partial<AuditRecord>) => Array.from({ length: count }, () => person(overrides));

function rowOf(rows: readonly AuditRow[], id: string): AuditRow {
  const row = rows.find((r) => r.id === id);
  if (!row) throw new Error(`no row ${id}`);
  return row;
}

describe('fidelity audit statistics', () => {
  it('flags a share outside 3 SE plus the rounding floor, and only then', () => {
    // p = 0.5, n = 100: SE = 0.05, tolerance 0.15.
    const inside = shareCheck({ id: 'x', target: 0.5, hits: 60, n: 100 });
    expect(inside.generated).toBeCloseTo(0.6, 12);
    expect(inside.se).toBeCloseTo(0.05, 12);
    expect(inside.tolerance).toBeCloseTo(0.15, 12);
    expect(inside.z).toBeCloseTo(2, 12);
    expect(inside.flag).toBe('ok');
    expect(shareCheck({ id: 'x', target: 0.5, hits: 70, n: 100 }).flag).toBe('OUT');
    // A floor of 0.06 widens the envelope to 0.21.
    expect(shareCheck({ id: 'x', target: 0.5, hits: 70, n: 100, floor: 0.06 }).flag).toBe('ok');
  });

  it('marks cells expecting fewer than five records as sparse, except structural zeros', () => {
    expect(shareCheck({ id: 'x', target: 0.01, hits: 3, n: 100 }).sparse).toBe(true);
    const zero = shareCheck({ id: 'x', target: 0, hits: 1, n: 100, structural: true });
    expect(zero.sparse).toBe(false);
    expect(zero.flag).toBe('OUT');
  });

  it('computes the exact expected TVD of a multinomial sample', () => {
    // n = 2 from (1/2, 1/2): TVD 1/2 with probability 1/2 (both draws alike), else 0.
    expect(expectedTvd([0.5, 0.5], 2)).toBeCloseTo(0.25, 12);
    // Large n: Σ √(p(1−p)/(2πn)) = 2 · 0.5 / √(2π · 10⁴) = 0.0039894.
    expect(expectedTvd([0.5, 0.5], 10_000)).toBeCloseTo(0.0039894, 6);
  });

  it('reports a distribution as one TVD row plus one row per cell', () => {
    const exact = distributionCheck({ id: 'd', categories: ['a', 'b', 'c'], targets: [0.5, 0.3, 0.2], counts: [5, 3, 2] });
    expect(exact.map((r) => r.id)).toEqual(['d:tvd', 'd:a', 'd:b', 'd:c']);
    expect(exact[0]!.generated).toBeCloseTo(0, 12);
    const skewed = distributionCheck({ id: 'd', categories: ['a', 'b', 'c'], targets: [0.5, 0.3, 0.2], counts: [10, 0, 0] });
    expect(skewed[0]!.generated).toBeCloseTo(0.5, 12);
  });

  it('computes means with their standard error and grouped medians', () => {
    // 1, 2, 3, 4: mean 2.5, sample variance 5/3, SE = √(5/3 / 4) = 0.6454972.
    const mean = meanCheck({ id: 'm', target: 2.5, values: [1, 2, 3, 4] });
    expect(mean.generated).toBeCloseTo(2.5, 12);
    expect(mean.se).toBeCloseTo(0.6454972, 6);
    // Ages 0..9: five in 0-4, five in 5-9; the median is the upper bound of the first group, 5.
    expect(groupedMedian([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]).median).toBeCloseTo(5, 12);
  });
});

describe('fidelity audit families against the reference files', () => {
  it('compares mean ages at the middle of the year of age, as published means are computed', () => {
    // Everyone aged exactly 40 in completed years is 40.5 on the published footing (census: 40.6).
    const rows = runAudit(REFS, times(50, { age: 40 })).rows;
    expect(rowOf(rows, 'mean_age:census').generated).toBeCloseTo(40.5, 12);
    expect(rowOf(rows, 'mean_age:census').target).toBeCloseTo(40.6, 12);
  });

  it('checks mother tongue within a unit (Bulgarian in Taraclia, 16,230 of 26,435)', () => {
    const unit = { district: 'taraclia', region: 'sud', residence: 'rural' } as const;
    const honest = [...times(12, { ...unit, mother_tongue: 'bulgarian' }), ...times(8, { ...unit, mother_tongue: 'russian' })];
    const row = rowOf(runAudit(REFS, honest).rows, 'mother_tongue_by_unit:taraclia:bulgarian');
    expect(row.target).toBeCloseTo(16_230 / 26_435, 12);
    expect(row.generated).toBeCloseTo(0.6, 12);
    expect(row.n).toBe(20);
    expect(row.flag).toBe('ok');
    const wrong = times(20, { ...unit, mother_tongue: 'russian' });
    expect(rowOf(runAudit(REFS, wrong).rows, 'mother_tongue_by_unit:taraclia:bulgarian').flag).toBe('OUT');
  });

  it('checks higher education in a unit among persons aged 10+ only (36.7% in Chișinău, of the 99.8% declared)', () => {
    const records = [
      ...times(3, { education_level: 'tertiary' }),
      person({ education_level: 'vocational' }),
      person({ age: 5, education_level: null, marital_status: null, employment_status: null, economic_sector: null }),
    ];
    const row = rowOf(runAudit(REFS, records).rows, 'education:unit:chisinau:tertiary');
    expect(row.n).toBe(4);
    expect(row.generated).toBeCloseTo(0.75, 12);
    expect(row.target).toBeCloseTo(0.367 / 0.998, 12);
  });

  it('checks the urban employment rate among persons aged 20-64 only (63.3%)', () => {
    const records = [
      person({ employment_status: 'employed' }),
      person({ employment_status: 'inactive', inactivity_reason: 'family_care', economic_sector: null }),
      person({ age: 70, employment_status: 'employed' }),
    ];
    const row = rowOf(runAudit(REFS, records).rows, 'lfs:employment_rate_20_64_urban');
    expect(row.n).toBe(2);
    expect(row.generated).toBeCloseTo(0.5, 12);
    expect(row.target).toBeCloseTo(0.633, 12);
  });

  it('catches one field shuffled against the published distribution (language usually spoken)', () => {
    // Counts in the published proportions 45.0 / 33.7 / 15.9 / 2.2 / 2.1 / 1.1 (residual).
    const spoken: [string, number][] = [['moldovan', 450], ['romanian', 337], ['russian', 159], ['gagauz', 22], ['ukrainian', 21], ['bulgarian', 11]];
    const honest = spoken.flatMap(([language, count]) => times(count, { language_usually_spoken: language }));
    const ok = rowOf(runAudit(REFS, honest).rows, 'usual_language:tvd');
    expect(ok.generated).toBeCloseTo(0, 12);
    expect(ok.flag).toBe('ok');
    const flat = rowOf(runAudit(REFS, times(1000, { language_usually_spoken: 'moldovan' })).rows, 'usual_language:tvd');
    expect(flat.generated).toBeCloseTo(0.55, 12);
    expect(flat.flag).toBe('OUT');
  });

  it('flags a record whose region is not the region of its unit', () => {
    const records = [person(), person({ district: 'balti', region: 'centru' })];
    const row = rowOf(runAudit(REFS, records).rows, 'unit_region_mapping');
    expect(row.generated).toBeCloseTo(0.5, 12);
    expect(row.flag).toBe('OUT');
  });

  it('uses the adopted broad-age bounds: 0-15, men from 63 and women from 60 over working age', () => {
    expect(broadGroupOf({ age: 15, sex: 'male' })).toBe('0-15');
    expect(broadGroupOf({ age: 16, sex: 'female' })).toBe('working_age');
    expect(broadGroupOf({ age: 62, sex: 'male' })).toBe('working_age');
    expect(broadGroupOf({ age: 63, sex: 'male' })).toBe('over_working_age');
    expect(broadGroupOf({ age: 59, sex: 'female' })).toBe('working_age');
    expect(broadGroupOf({ age: 60, sex: 'female' })).toBe('over_working_age');
  });

  it('accounts for every reference file, and cannot compare universes below the scope', () => {
    const { rows, coverage } = runAudit(REFS, [person()], { scope: 'adults' });
    expect(coverage.filter((c) => c.status === 'UNACCOUNTED')).toEqual([]);
    expect(coverage.find((c) => c.file === 'earnings_by_district_2025')?.status).toBe('not checked');
    expect(coverage.find((c) => c.file === 'mother_tongue_by_district_2024_census_final')?.status).toBe('checked');
    expect(rowOf(rows, 'education:unit:chisinau:tertiary').flag).toBe('n/a (scope)');
    expect(rowOf(rows, 'lfs:employment_rate_20_64_urban').flag).not.toBe('n/a (scope)');
  });
});
