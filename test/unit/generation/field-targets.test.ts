import { beforeAll, describe, expect, it } from 'vitest';
import type { InputSnapshot, ResolvedTable } from '../../../src/census/census-table.js';
import { COMPARED_FIELDS } from '../../../src/domain/fields.js';
import { rowOf } from '../../../src/generation/conditionals.js';
import { categoriesOf, fieldMasses, fieldTargets, observedCounts, type FieldTarget } from '../../../src/generation/field-targets.js';
import { generationModelFor, type GenerationModel } from '../../../src/generation/model.js';
import { emptyCounts } from '../../../src/generation/shard-counts.js';
import { fileShares, shippedTableFile } from '../../helpers/census-files.js';
import { cellAt } from '../../helpers/key-cells.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

let snapshot: InputSnapshot;
let model: GenerationModel;
beforeAll(async () => {
  snapshot = await shippedSnapshot();
  model = generationModelFor(snapshot, true);
});

const byField = (targets: FieldTarget[], field: string) => targets.find((t) => t.field === field)!;
/** Age-single shares of the shipped table summed into 5-year groups from `fromAge` on, renormalised. */
function ageGroupShares(fromAge: number): number[] {
  const ages = shippedTableFile('age_single').values as number[];
  const groups = new Array<number>(18).fill(0);
  ages.forEach((persons, a) => {
    if (a >= fromAge) groups[Math.min(17, Math.floor(a / 5))]! += persons;
  });
  const total = groups.reduce((x, y) => x + y, 0);
  return groups.map((v) => v / total);
}
const expectShares = (actual: readonly number[], expected: readonly number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((share, k) => expect({ k, share }).toEqual({ k, share: expect.closeTo(expected[k]!, 12) }));
};

describe('fieldTargets, scope all: the published tables themselves', () => {
  it('gives every compared field its official shares, table, provenance and trust, with no derivation', () => {
    const targets = fieldTargets(model, snapshot, 'all');
    expect(targets.map((t) => t.field)).toEqual([...COMPARED_FIELDS]);
    // The tables docs/data.md names for the fields whose table is not named after them.
    expect(Object.fromEntries(targets.map((t) => [t.field, t.table_ids]))).toMatchObject({
      sex: ['sex'],
      age_group: ['district_by_broad_age', 'residence_by_broad_age', 'age_single'],
      marital_status: ['marital_status_15plus'],
      education_level: ['education_10plus'],
      employment_status: ['labour_status_15plus'],
    });
    for (const target of targets.filter((t) => t.field !== 'age_group')) {
      expect(target.table_ids).toHaveLength(1);
      const id = target.table_ids[0]!;
      expect({ field: target.field, derivation: target.derivation }).toEqual({ field: target.field, derivation: null });
      expect(target.provenance_class).toBe(snapshot.tables[id]!.provenance_class);
      expect(target.trust).toBe(snapshot.tables[id]!.trust);
      const shares = fileShares(id);
      expectShares(target.target_shares, target.categories.map((code) => shares[code]!));
    }
  });

  it('compares the language usually spoken on its five published languages and the residual', () => {
    const target = byField(fieldTargets(model, snapshot, 'all'), 'language_usually_spoken');
    expect(target.categories).toEqual(['moldovan', 'romanian', 'russian', 'gagauz', 'ukrainian', 'other_residual']);
    expectShares(target.target_shares, [0.45, 0.337, 0.159, 0.022, 0.021, 0.011]);
    expect(categoriesOf('language_usually_spoken')).toEqual(target.categories);
    expect(categoriesOf('mother_tongue')).toHaveLength(9);
  });

  it("names each field's own universe", () => {
    const universe = Object.fromEntries(fieldTargets(model, snapshot, 'all').map((t) => [t.field, t.universe]));
    expect(universe).toMatchObject({
      sex: 'persons, all ages',
      marital_status: 'persons aged 15+',
      education_level: 'persons aged 10+',
      employment_status: 'persons aged 15+',
      inactivity_reason: 'inactive persons aged 15+',
      economic_sector: 'employed persons aged 15+',
    });
  });
});

describe('fieldTargets, scope adults: nothing is published for 18+', () => {
  it('takes the age groups from the census broad groups with the estimate\'s shape inside them (docs/method.md §1.1), both scopes', () => {
    for (const [scope, fromAge] of [['all', 0], ['adults', 18]] as const) {
      const target = byField(fieldTargets(model, snapshot, scope), 'age_group');
      expect(target.derivation).toMatch(/census broad age groups/);
      expect(target.provenance_class).toBe('official_snapshot');
      expect(target.target_shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      if (fromAge > 0) expect(target.target_shares.slice(0, 3)).toEqual([0, 0, 0]);
      // Groups inside one broad group for both sexes (20-24 … 55-59, 65-69 … 80-84) keep the
      // estimate's ratios (up to the small interaction terms of the ethnicity margin).
      const estimate = ageGroupShares(fromAge);
      for (const [g, h] of [[4, 5], [6, 9], [8, 11], [13, 15], [14, 16]] as const) {
        const ratio = target.target_shares[g]! / target.target_shares[h]!;
        expect(Math.abs(ratio / (estimate[g]! / estimate[h]!) - 1), `${scope} ${g}/${h}`).toBeLessThan(5e-3);
      }
      // The census 0-15 group is 20.52% of all ages, above the estimate's 18.7%: 0-14 rises with it.
      if (fromAge === 0) expect(target.target_shares[0]! + target.target_shares[1]! + target.target_shares[2]!).toBeGreaterThan(estimate[0]! + estimate[1]! + estimate[2]! + 0.01);
    }
  });

  it('derives the other fields from their official tables less the model\'s under-18 split, held to the facts (decision 0006)', () => {
    const targets = fieldTargets(model, snapshot, 'adults');
    const masses = fieldMasses(model.calibratedJoint, model.calibratedConditionals, 18);
    const tvd = (p: readonly number[], q: readonly number[]) => p.reduce((sum, v, k) => sum + Math.abs(v - q[k]!), 0) / 2;
    for (const target of targets.filter((t) => t.field !== 'age_group')) {
      // Generation labels them modelled; the trust evaluator upgrades them against the run's tolerance.
      expect({ field: target.field, class: target.provenance_class, trust: target.trust }).toEqual({ field: target.field, class: 'modelled', trust: null });
      const mass = Array.from(masses[target.field]);
      const total = mass.reduce((a, b) => a + b, 0);
      const implied = mass.map((m) => m / total);
      const dependence = target.model_dependence;
      if (target.field === 'inactivity_reason' || target.field === 'economic_sector') {
        expect(dependence).toBeNull();
        expectShares(target.target_shares, implied);
        expect(target.derivation).toContain('implied by the calibrated all-ages model');
        continue;
      }
      expect(dependence, target.field).not.toBeNull();
      // The calibrated model fits the official table, so the derived target is near its own 18+ shares...
      expect(tvd(target.target_shares, implied), target.field).toBeLessThan(2e-3);
      // ...and inside the per-category bounds, which B covers.
      target.target_shares.forEach((share, k) => {
        expect(share).toBeGreaterThanOrEqual(dependence!.lower_shares[k]! - 1e-12);
        expect(share).toBeLessThanOrEqual(dependence!.upper_shares[k]! + 1e-12);
      });
      expect(dependence!.bound_tvd).toBeGreaterThan(0);
    }
  });

  it('nobody under 18 holds a tertiary level: the adult tertiary share is the official 10+ share over the adult part, exactly', () => {
    const education = fieldTargets(model, snapshot, 'adults').find((t) => t.field === 'education_level')!;
    const official = fileShares('education_10plus');
    const k = education.categories.indexOf('tertiary');
    const Y = education.model_dependence!.youth_share;
    expect(education.target_shares[k]).toBeCloseTo(official['tertiary']! / (1 - Y), 10);
    expect(education.model_dependence!.lower_shares[k]).toBeCloseTo(education.model_dependence!.upper_shares[k]!, 10);
    // Ages 10-17 of the persons 10+: about 8 of some 76 single years, well above zero.
    expect(Y).toBeGreaterThan(0.08);
    expect(Y).toBeLessThan(0.16);
  });

  it('bounds the units by the census persons 16+ and the two years 16-17: a small bound, unlike sex from an all-ages table', () => {
    const targets = Object.fromEntries(fieldTargets(model, snapshot, 'adults').map((t) => [t.field, t]));
    expect(targets.district!.model_dependence!.base_table_ids).toEqual(['district_by_broad_age']);
    expect(targets.district!.model_dependence!.youth_share).toBeLessThan(0.04);
    expect(targets.region!.model_dependence!.bound_tvd).toBeLessThan(0.04);
    // The split of the under-18s by sex is not limited by any table in the snapshot.
    expect(targets.sex!.model_dependence!.bound_tvd).toBeGreaterThan(0.1);
  });

  it("uses PxWeb's age × sex × residence table, restricted to 18+, for sex and residence when the snapshot has it", () => {
    // Per age: female urban 1, male urban 2, female rural 3, male rural 4 from 18 on; 100 female urban below.
    const ages = shippedTableFile('age_single').categories[0]!;
    const ageSexResidence = {
      ...snapshot.tables['age_single']!,
      id: 'age_sex_residence',
      variables: ['age_single', 'sex', 'residence'],
      categories: [[...ages], ['female', 'male'], ['urban', 'rural']],
      values: ages.flatMap((_, a) => (a >= 18 ? [1, 3, 2, 4] : [100, 0, 0, 0])),
      provenance_class: 'pxweb_cache',
    } as ResolvedTable;
    const withTable: InputSnapshot = { ...snapshot, tables: { ...snapshot.tables, age_sex_residence: ageSexResidence } };
    const targets = fieldTargets(model, withTable, 'adults');
    for (const [field, shares] of [
      ['sex', [0.4, 0.6]],
      ['residence', [0.3, 0.7]],
    ] as const) {
      const target = byField(targets, field);
      expectShares(target.target_shares, shares);
      expect(target).toMatchObject({ provenance_class: 'pxweb_cache', table_ids: ['age_sex_residence'], derivation: 'age × sex × residence table restricted to ages 18+ (exact)' });
    }
  });
});

describe('fieldMasses', () => {
  it('carries one cell of 10 persons through every conditional table, by hand', () => {
    const joint = new Float64Array(108_360);
    // Chișinău, urban, female, Moldovan, aged 30.
    joint[cellAt({ district: 0, residence: 0, sex: 0, ethnicity: 0, age: 30 })] = 10;
    const c = model.calibratedConditionals;
    const m = fieldMasses(joint, c, 0);
    const one = (size: number, at: number) => Array.from({ length: size }, (_, k) => (k === at ? 10 : 0));
    expect(Array.from(m.sex)).toEqual(one(2, 0));
    expect(Array.from(m.age_group)).toEqual(one(18, 6));
    expect(Array.from(m.region)).toEqual(one(5, 0));
    expect(Array.from(m.district)).toEqual(one(35, 0));
    expect(Array.from(m.residence)).toEqual(one(2, 0));
    expect(Array.from(m.ethnicity)).toEqual(one(9, 0));
    // Row layouts (docs/method.md §3): mother tongue (d·2 + r)·9 + e = 0, religion d·9 + e = 0,
    // labour ((s·86 + a)·2 + r)·5 + region = 300, education ((d·2 + r)·2 + s)·86 + a = 30, sector r·2 + s = 0.
    const moldovan = Array.from(rowOf(c.motherTongueByUnit, 0));
    expectShares(Array.from(m.mother_tongue), moldovan.map((p) => 10 * p));
    expectShares(Array.from(m.religion), Array.from(rowOf(c.religionByUnit, 0), (p) => 10 * p));
    // Usual language: Σ_m MT(m) P(l | m), folded into the published six (Bulgarian, Romani, other, not declared in the residual).
    const usual = new Array<number>(9).fill(0);
    // Place 0 (unit 0, urban), so the rows are 0·9 + mt.
    moldovan.forEach((p, mt) => rowOf(c.usualLanguageByPlace, mt).forEach((q, l) => (usual[l]! += 10 * p * q)));
    expectShares(Array.from(m.language_usually_spoken), [usual[0]!, usual[1]!, usual[2]!, usual[3]!, usual[4]!, usual[5]! + usual[6]! + usual[7]! + usual[8]!]);
    const status = Array.from(rowOf(c.employmentByRow, 300));
    expectShares(Array.from(m.marital_status), Array.from(rowOf(c.maritalBySexAge, 30), (p) => 10 * p));
    expectShares(Array.from(m.employment_status), status.map((p) => 10 * p));
    expectShares(Array.from(m.inactivity_reason), Array.from(rowOf(c.inactivityByAge, 30), (p) => 10 * status[2]! * p));
    expectShares(Array.from(m.education_level), Array.from(rowOf(c.educationByUnit, 30), (p) => 10 * p));
    expectShares(Array.from(m.economic_sector), Array.from(rowOf(c.sector, 0), (p) => 10 * status[0]! * p));
  });

  it('leaves a 12-year-old out of marital status and work, but not of education; and every cell under minAge out', () => {
    const joint = new Float64Array(108_360);
    joint[cellAt({ district: 3, residence: 1, sex: 1, ethnicity: 2, age: 12 })] = 4;
    const child = fieldMasses(joint, model.calibratedConditionals, 0);
    for (const field of ['marital_status', 'employment_status', 'inactivity_reason', 'economic_sector'] as const) {
      expect({ field, zero: child[field].every((v) => v === 0) }).toEqual({ field, zero: true });
    }
    // Raked rows sum to 1 to within IPF's tolerance.
    expect(child.education_level.reduce((a, b) => a + b, 0)).toBeCloseTo(4, 8);
    const adults = fieldMasses(joint, model.calibratedConditionals, 18);
    for (const field of COMPARED_FIELDS) expect({ field, zero: adults[field].every((v) => v === 0) }).toEqual({ field, zero: true });
  });
});

describe('observedCounts', () => {
  it('passes every field through and folds the usual languages outside the published five into the residual', () => {
    const counts = emptyCounts();
    counts.sex.set([3, 4]);
    counts.religion[12] = 2;
    // moldovan 1, romanian 2, russian 3, gagauz 4, ukrainian 5, bulgarian 6, romani 7, other 8, not declared 9
    counts.language_usually_spoken.set([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const observed = observedCounts(counts);
    expect(Object.keys(observed)).toEqual([...COMPARED_FIELDS]);
    expect(observed.sex).toEqual([3, 4]);
    expect(observed.religion).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(observed.language_usually_spoken).toEqual([1, 2, 3, 4, 5, 6 + 7 + 8 + 9]);
    for (const field of COMPARED_FIELDS) expect(observed[field]).toHaveLength(categoriesOf(field).length);
  });
});
