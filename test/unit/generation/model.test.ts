import { beforeAll, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../../src/census/census-table.js';
import { buildGenerationModel, generationModelFor, minAgeOf, populationMasses, scopedJoint, type GenerationModel } from '../../../src/generation/model.js';
import { KEY_SIZES, cellAt, forEachKeyCell } from '../../helpers/key-cells.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

const CELLS = 108_360;

let snapshot: InputSnapshot;
let raked: GenerationModel;
let plain: GenerationModel;
beforeAll(async () => {
  snapshot = await shippedSnapshot();
  raked = generationModelFor(snapshot, true);
  plain = generationModelFor(snapshot, false);
});

describe('minAgeOf', () => {
  it('is 18 for adults and 0 for everyone', () => {
    expect(minAgeOf('adults')).toBe(18);
    expect(minAgeOf('all')).toBe(0);
  });
});

describe('populationMasses', () => {
  it('adds each cell into its ethnicity, its age and its sex × age (sex-major)', () => {
    const joint = new Float64Array(CELLS);
    joint[cellAt({ district: 3, residence: 1, sex: 0, ethnicity: 4, age: 40 })] = 5;
    joint[cellAt({ district: 0, residence: 0, sex: 1, ethnicity: 4, age: 2 })] = 2;
    joint[cellAt({ district: 34, residence: 1, sex: 1, ethnicity: 8, age: 85 })] = 0.5;
    const masses = populationMasses(joint);
    expect(Array.from(masses.ethnicity)).toEqual([0, 0, 0, 0, 7, 0, 0, 0, 0.5]);
    const age = new Array<number>(KEY_SIZES.age).fill(0);
    age[40] = 5;
    age[2] = 2;
    age[85] = 0.5;
    expect(Array.from(masses.age)).toEqual(age);
    const sexAge = new Array<number>(2 * KEY_SIZES.age).fill(0);
    sexAge[40] = 5;
    sexAge[KEY_SIZES.age + 2] = 2;
    sexAge[KEY_SIZES.age + 85] = 0.5;
    expect(Array.from(masses.sexAge)).toEqual(sexAge);
  });
});

describe('scopedJoint', () => {
  it('zeroes every cell under 18 for adults and keeps the others as they are; scope all is the joint itself', () => {
    const adults = scopedJoint(raked.joint, 'adults');
    forEachKeyCell((cell, at) => {
      const expected = at.age < 18 ? 0 : raked.joint[cell]!;
      if (adults[cell] !== expected) expect({ cell, mass: adults[cell] }).toEqual({ cell, mass: expected });
    });
    expect(scopedJoint(raked.joint, 'all')).toBe(raked.joint);
  });

  it('is worked out once per joint and scope', () => {
    expect(scopedJoint(raked.joint, 'adults')).toBe(scopedJoint(raked.joint, 'adults'));
    expect(scopedJoint(plain.joint, 'adults')).not.toBe(scopedJoint(raked.joint, 'adults'));
  });
});

describe('the generation model of the shipped snapshot', () => {
  it('is memoised per (snapshot, use_ipf, IPF settings)', () => {
    expect(generationModelFor(snapshot, true)).toBe(raked);
    expect(plain).not.toBe(raked);
    expect(generationModelFor(snapshot, true, { tolerance: 1e-6, maxIterations: 50 })).not.toBe(raked);
  });

  it('is deterministic: built again, it holds the same numbers', () => {
    const again = buildGenerationModel(snapshot);
    expect(again).not.toBe(raked);
    expect(Buffer.from(again.joint.buffer).equals(Buffer.from(raked.joint.buffer))).toBe(true);
    expect(Buffer.from(again.conditionals.maritalBySexAge.probabilities.buffer).equals(Buffer.from(raked.conditionals.maritalBySexAge.probabilities.buffer))).toBe(
      true,
    );
    expect(again.calibration).toEqual(raked.calibration);
  });

  it('draws from the calibrated joint and raked tables with IPF; without it, from the prior and raw tables, targets still from the calibrated ones', () => {
    expect(raked.snapshotHash).toBe(snapshot.snapshot_hash);
    expect(raked.joint).toBe(raked.calibratedJoint);
    expect(raked.conditionals).toBe(raked.calibratedConditionals);
    expect(plain.useIpf).toBe(false);
    expect(plain.calibration.applied).toBe(false);
    expect(plain.joint).not.toEqual(plain.calibratedJoint);
    expect(plain.calibratedJoint).toEqual(raked.calibratedJoint);
    expect(plain.calibratedConditionals.maritalBySexAge.probabilities).toEqual(raked.conditionals.maritalBySexAge.probabilities);
    expect(plain.conditionals.maritalBySexAge.probabilities).not.toEqual(raked.conditionals.maritalBySexAge.probabilities);
  });

  it('samples from the cumulative rows of the tables it draws with', () => {
    for (const model of [raked, plain]) {
      const marital = model.conditionals.maritalBySexAge;
      const cumulative = model.sampling.marital;
      expect(cumulative.width).toBe(marital.categories.length);
      for (let r = 0; r < marital.rows; r += 1) {
        let running = 0;
        for (let k = 0; k < cumulative.width; k += 1) {
          running += marital.probabilities[r * cumulative.width + k]!;
          expect(cumulative.cumulative[r * cumulative.width + k]).toBeCloseTo(running, 14);
        }
      }
    }
  });
});
