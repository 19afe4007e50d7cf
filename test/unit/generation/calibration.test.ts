import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../../src/census/census-table.js';
import { DEFAULT_CALIBRATION, SUBFIT_OPTIONS, calibrateKeyJoint, keyConstraints, type CalibratedJoint } from '../../../src/generation/calibration.js';
import { fitEthnolinguistic } from '../../../src/generation/ethnolinguistic.js';
import { buildKeyPrior } from '../../../src/generation/prior.js';
import { fileCell, shippedTableFile } from '../../helpers/census-files.js';
import { KEY_SIZES, cellAt, sumBy, type KeyCoordinates } from '../../helpers/key-cells.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

const CENSUS_TOTAL = 2_409_207;
const RESIDENCES = ['urban', 'rural'];
const SEXES = ['female', 'male'];
const ETHNICITIES = ['moldovan', 'romanian', 'ukrainian', 'russian', 'gagauz', 'bulgarian', 'roma', 'other', 'not_declared'];

interface OracleMargin {
  readonly name: string;
  readonly size: number;
  readonly groupOf: (at: KeyCoordinates) => number;
  readonly targets: number[];
}

/**
 * Broad age group of (age, sex) with the bounds docs/method.md §1.1 adopts, restated here: 0-15;
 * over working age from 63 for men, 60 for women (sex index 0 = female).
 */
const broadOf = (at: KeyCoordinates) => (at.age <= 15 ? 0 : at.age >= (at.sex === 0 ? 60 : 63) ? 2 : 1);

/** The official count margins the key joint must meet, computed here from the shipped files (docs/method.md §1.4). */
function officialMargins(): OracleMargin[] {
  const districtResidence = shippedTableFile('district_by_residence');
  const districts = districtResidence.categories[0]!;
  const dr = districts.flatMap((d) => RESIDENCES.map((r) => fileCell(districtResidence, [d, r])!));
  const bySex = shippedTableFile('sex_by_district');
  const byAge = shippedTableFile('district_by_broad_age');
  const areaAge = shippedTableFile('residence_by_broad_age');
  return [
    { name: 'unit×sex', size: 70, groupOf: (at) => at.district * 2 + at.sex, targets: districts.flatMap((d) => SEXES.map((s) => fileCell(bySex, [d, s])!)) },
    { name: 'unit×broad age', size: 105, groupOf: (at) => at.district * 3 + broadOf(at), targets: districts.flatMap((d) => byAge.categories[1]!.map((k) => fileCell(byAge, [d, k])!)) },
    { name: 'residence×broad age', size: 6, groupOf: (at) => at.residence * 3 + broadOf(at), targets: RESIDENCES.flatMap((r) => areaAge.categories[1]!.map((k) => fileCell(areaAge, [r, k])!)) },
    { name: 'unit×residence', size: 70, groupOf: (at) => at.district * 2 + at.residence, targets: dr },
  ];
}

/** Residence × ethnicity from the file (row percents × the area totals): met through the ethnolinguistic fit (1e-6). */
function residenceEthnicity(): OracleMargin {
  const districtResidence = shippedTableFile('district_by_residence');
  const dr = districtResidence.categories[0]!.flatMap((d) => RESIDENCES.map((r) => fileCell(districtResidence, [d, r])!));
  const residenceTotals = RESIDENCES.map((_, r) => dr.filter((_, i) => i % 2 === r).reduce((a, b) => a + b, 0));
  const byResidence = shippedTableFile('ethnicity_by_residence');
  return {
    name: 'residence×ethnicity',
    size: 18,
    groupOf: (at) => at.residence * 9 + at.ethnicity,
    targets: RESIDENCES.flatMap((r, ri) => ETHNICITIES.map((e) => (fileCell(byResidence, [r, e])! / 100) * residenceTotals[ri]!)),
  };
}

/** Women's share of the 60+ from the file. */
function womenShare60(table: Float64Array): { target: number; actual: number } {
  const file = shippedTableFile('elderly_60plus_by_sex');
  const [women = 0, men = 0] = SEXES.map((s) => fileCell(file, [s])!);
  const sums = sumBy(table, 2, (at) => (at.age >= 60 ? at.sex : -1));
  return { target: women / (women + men), actual: sums[0]! / (sums[0]! + sums[1]!) };
}

/** Largest |margin sum − target| / census total over every margin category. */
function worstResidual(table: Float64Array, margins: readonly OracleMargin[]): number {
  let worst = 0;
  for (const margin of margins) {
    const sums = sumBy(table, margin.size, margin.groupOf);
    margin.targets.forEach((target, k) => (worst = Math.max(worst, Math.abs(sums[k]! - target) / CENSUS_TOTAL)));
  }
  return worst;
}

let tables: InputSnapshot['tables'];
let margins: OracleMargin[];
let unitEthnicity: Float64Array;
let raked: CalibratedJoint;
beforeAll(async () => {
  tables = (await shippedSnapshot()).tables;
  margins = officialMargins();
  unitEthnicity = fitEthnolinguistic(tables, SUBFIT_OPTIONS).unitEthnicity;
  raked = calibrateKeyJoint(tables, DEFAULT_CALIBRATION, unitEthnicity);
}, 60_000);

describe('keyConstraints', () => {
  it('states the count margins in persons from the files, each summing to the census total', () => {
    const stated = keyConstraints(tables, unitEthnicity);
    expect(stated.map((c) => c.name)).toEqual(['unit×sex', 'unit×broad age', 'residence×broad age', "women's share of 60+", 'unit×residence×ethnicity (ethnolinguistic fit)', 'unit×residence']);
    for (const margin of margins) {
      const constraint = stated.find((c) => c.name === margin.name);
      if (constraint?.kind !== 'count') throw new Error(`no count constraint ${margin.name}`);
      expect(Array.from(constraint.targets)).toEqual(margin.targets);
      expect(Array.from(constraint.targets).reduce((a, b) => a + b, 0)).toBeCloseTo(CENSUS_TOTAL, 4);
    }
  });

  it('falls back to residence × ethnicity without the ethnolinguistic margin', () => {
    expect(keyConstraints(tables, null).map((c) => c.name)).toContain('residence×ethnicity');
  });

  it('refuses an empty district × residence cell', () => {
    const source = tables['district_by_residence']!;
    const broken = { ...tables, district_by_residence: { ...source, values: source.values.map((v, i) => (i === 0 ? null : v)) } };
    expect(() => keyConstraints(broken, null)).toThrow(expect.objectContaining({ code: 'CENSUS_TABLE_INVALID' }));
  });
});

describe('calibrateKeyJoint with IPF (the defaults)', () => {
  it('meets every official margin to within the tolerance, 1e-10 of the census total, and residence × ethnicity through the ethnolinguistic fit', () => {
    expect(worstResidual(raked.calibrated, margins)).toBeLessThan(1e-10 + 1e-13);
    expect(worstResidual(raked.calibrated, [residenceEthnicity()])).toBeLessThan(2e-6);
    const elderly = womenShare60(raked.calibrated);
    expect(Math.abs(elderly.actual - elderly.target)).toBeLessThan(1e-9);
    expect(raked.joint).toBe(raked.calibrated);
  });

  it('keeps the structural zeros of the prior (urban Dubăsari) and the census total', () => {
    const dubasari = shippedTableFile('district_by_residence').categories[0]!.indexOf('dubasari');
    for (let s = 0; s < 2; s += 1)
      for (let e = 0; e < 9; e += 1)
        for (let a = 0; a < KEY_SIZES.age; a += 1) expect(raked.calibrated[cellAt({ district: dubasari, residence: 0, sex: s, ethnicity: e, age: a })]).toBe(0);
    raked.prior.forEach((mass, cell) => {
      if (mass === 0 && raked.calibrated[cell] !== 0) expect({ cell, calibrated: raked.calibrated[cell] }).toEqual({ cell, calibrated: 0 });
    });
    expect(raked.calibrated.reduce((a, b) => a + b, 0)).toBeCloseTo(CENSUS_TOTAL, 3);
  });

  it('reports a converged fit, its residual, and weights that describe a real adjustment', () => {
    const d = raked.diagnostics;
    expect(d).toMatchObject({ applied: true, converged: true, tolerance: 1e-10, max_iterations: 500 });
    expect(d.margins).toEqual(keyConstraints(tables, unitEthnicity).map((c) => c.name));
    expect(d.iterations).toBeGreaterThan(0);
    expect(d.iterations).toBeLessThanOrEqual(500);
    expect(d.max_residual).toBeLessThanOrEqual(1e-10);
    expect(d.max_residual).toBeGreaterThanOrEqual(worstResidual(raked.calibrated, margins) - 1e-13);
    expect(d.ess_ratio).toBeGreaterThan(0);
    expect(d.ess_ratio).toBeLessThanOrEqual(1);
    expect(d.max_weight).toBeGreaterThan(1);
  });

  it('starts from the prior of buildKeyPrior, which misses the official margins', () => {
    expect(raked.prior).toEqual(buildKeyPrior(tables, unitEthnicity));
    expect(worstResidual(raked.prior, margins)).toBeGreaterThan(1e-4);
  });
});

describe('calibrateKeyJoint without IPF', () => {
  it('draws from the prior, reports its residual honestly and no weights, and still computes the calibrated joint for targets', () => {
    const plain = calibrateKeyJoint(tables, { ...DEFAULT_CALIBRATION, useIpf: false }, unitEthnicity);
    expect(plain.joint).toBe(plain.prior);
    expect(plain.calibrated).toEqual(raked.calibrated);
    expect(plain.diagnostics).toMatchObject({ applied: false, iterations: 0, converged: false, ess: null, ess_ratio: null, max_weight: null });
    expect(plain.diagnostics.max_residual).toBeGreaterThanOrEqual(worstResidual(plain.prior, margins) - 1e-13);
    expect(plain.diagnostics.max_residual).toBeGreaterThan(1e-4);
  });
});

describe('the stopping rule', () => {
  it('never runs past max_iterations and reports the residual it stopped at (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), (maxIterations) => {
        const fit = calibrateKeyJoint(tables, { useIpf: true, tolerance: 1e-10, maxIterations }, unitEthnicity);
        expect(fit.diagnostics.iterations).toBeLessThanOrEqual(maxIterations);
        const actual = worstResidual(fit.calibrated, margins);
        expect(fit.diagnostics.max_residual).toBeGreaterThanOrEqual(actual - 1e-13);
        expect(fit.diagnostics.converged).toBe(fit.diagnostics.max_residual <= 1e-10);
      }),
      { numRuns: 4 },
    );
  });
});
