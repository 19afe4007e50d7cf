import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../../src/census/census-table.js';
import { DEFAULT_CALIBRATION, calibrateKeyJoint, keyMargins, type CalibratedJoint } from '../../../src/generation/calibration.js';
import { buildKeyPrior } from '../../../src/generation/prior.js';
import { fileCell, fileShares, shippedTableFile } from '../../helpers/census-files.js';
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

/** The four official margins, computed here from the shipped files (SPEC §5.1 step 2). */
function officialMargins(): OracleMargin[] {
  const districtResidence = shippedTableFile('district_by_residence');
  const districts = districtResidence.categories[0]!;
  const dr = districts.flatMap((d) => RESIDENCES.map((r) => fileCell(districtResidence, [d, r])!));
  const residenceTotals = RESIDENCES.map((_, r) => dr.filter((_, i) => i % 2 === r).reduce((a, b) => a + b, 0));
  const sex = fileShares('sex');
  const age = shippedTableFile('age_single');
  const ageTotal = (age.values as number[]).reduce((a, b) => a + b, 0);
  const byResidence = shippedTableFile('ethnicity_by_residence');
  return [
    { name: 'district×residence', size: 70, groupOf: (at) => at.district * 2 + at.residence, targets: dr },
    { name: 'sex', size: 2, groupOf: (at) => at.sex, targets: SEXES.map((s) => sex[s]! * CENSUS_TOTAL) },
    { name: 'age', size: 86, groupOf: (at) => at.age, targets: (age.values as number[]).map((v) => (v / ageTotal) * CENSUS_TOTAL) },
    {
      name: 'residence×ethnicity',
      size: 18,
      groupOf: (at) => at.residence * 9 + at.ethnicity,
      targets: RESIDENCES.flatMap((r, ri) => ETHNICITIES.map((e) => (fileCell(byResidence, [r, e])! / 100) * residenceTotals[ri]!)),
    },
  ];
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
let raked: CalibratedJoint;
beforeAll(async () => {
  tables = (await shippedSnapshot()).tables;
  margins = officialMargins();
  raked = calibrateKeyJoint(tables, DEFAULT_CALIBRATION);
});

describe('keyMargins', () => {
  it('states the four official margins in persons, each summing to the census total', () => {
    const stated = keyMargins(tables);
    expect(stated.map((m) => m.name)).toEqual(margins.map((m) => m.name));
    stated.forEach((margin, i) => {
      expect(margin.targets).toHaveLength(margins[i]!.size);
      margin.targets.forEach((target, k) => expect({ margin: margin.name, k, target }).toEqual({ margin: margin.name, k, target: expect.closeTo(margins[i]!.targets[k]!, 6) }));
      expect(margin.targets.reduce((a, b) => a + b, 0)).toBeCloseTo(CENSUS_TOTAL, 4);
    });
  });

  it('refuses an empty district × residence cell', () => {
    const source = tables['district_by_residence']!;
    const broken = { ...tables, district_by_residence: { ...source, values: source.values.map((v, i) => (i === 0 ? null : v)) } };
    expect(() => keyMargins(broken)).toThrow(expect.objectContaining({ code: 'CENSUS_TABLE_INVALID' }));
  });
});

describe('calibrateKeyJoint with IPF (the defaults)', () => {
  it('meets every official margin to within the tolerance, 1e-10 of the census total', () => {
    expect(worstResidual(raked.calibrated, margins)).toBeLessThan(1e-10 + 1e-13);
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
    expect(d).toMatchObject({ applied: true, converged: true, tolerance: 1e-10, max_iterations: 500, margins: margins.map((m) => m.name) });
    expect(d.iterations).toBeGreaterThan(0);
    expect(d.iterations).toBeLessThanOrEqual(500);
    expect(d.max_residual).toBeLessThanOrEqual(1e-10);
    expect(d.max_residual).toBeCloseTo(worstResidual(raked.calibrated, margins), 12);
    expect(d.ess_ratio).toBeGreaterThan(0);
    expect(d.ess_ratio).toBeLessThanOrEqual(1);
    expect(d.max_weight).toBeGreaterThan(1);
  });

  it('starts from the prior of buildKeyPrior, which misses the official margins', () => {
    expect(raked.prior).toEqual(buildKeyPrior(tables));
    expect(worstResidual(raked.prior, margins)).toBeGreaterThan(1e-4);
  });
});

describe('calibrateKeyJoint without IPF', () => {
  it('draws from the prior, reports its residual honestly and no weights, and still computes the calibrated joint for targets', () => {
    const plain = calibrateKeyJoint(tables, { ...DEFAULT_CALIBRATION, useIpf: false });
    expect(plain.joint).toBe(plain.prior);
    expect(plain.calibrated).toEqual(raked.calibrated);
    expect(plain.diagnostics).toMatchObject({ applied: false, iterations: 0, converged: false, ess: null, ess_ratio: null, max_weight: null });
    expect(plain.diagnostics.max_residual).toBeCloseTo(worstResidual(plain.prior, margins), 12);
  });
});

describe('the stopping rule', () => {
  it('never runs past max_iterations and reports the residual it stopped at (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), (maxIterations) => {
        const fit = calibrateKeyJoint(tables, { useIpf: true, tolerance: 1e-10, maxIterations });
        expect(fit.diagnostics.iterations).toBeLessThanOrEqual(maxIterations);
        const actual = worstResidual(fit.calibrated, margins);
        expect(fit.diagnostics.max_residual).toBeCloseTo(actual, 12);
        expect(fit.diagnostics.converged).toBe(actual <= 1e-10);
      }),
      { numRuns: 4 },
    );
  });
});
