import { beforeAll, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../../src/census/census-table.js';
import { DISTRICT_CATEGORIES } from '../../../src/domain/categories.js';
import { rowOf } from '../../../src/generation/conditionals.js';
import { jointTargets, observedJointCounts, type JointTarget } from '../../../src/generation/joint-targets.js';
import { generationModelFor, type GenerationModel } from '../../../src/generation/model.js';
import { emptyCounts } from '../../../src/generation/shard-counts.js';
import { fileCell, shippedTableFile } from '../../helpers/census-files.js';
import { sumBy } from '../../helpers/key-cells.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

const REGIONS = ['chisinau', 'nord', 'centru', 'sud', 'gagauzia'];
const RESIDENCES = ['urban', 'rural'];
const ETHNICITIES = ['moldovan', 'romanian', 'ukrainian', 'russian', 'gagauz', 'bulgarian', 'roma', 'other', 'not_declared'];
const DECLARED = ETHNICITIES.slice(0, 8);
const MERGED = ['moldovan_or_romanian', 'russian', 'ukrainian', 'gagauz', 'bulgarian', 'romani', 'other'];
const NAMED = ['orthodox', 'baptist', 'jehovahs_witness', 'pentecostal', 'adventist', 'evangelical', 'old_believer', 'islam', 'catholic', 'other'];

let snapshot: InputSnapshot;
let model: GenerationModel;
beforeAll(async () => {
  snapshot = await shippedSnapshot();
  model = generationModelFor(snapshot, true);
});

const byId = (targets: JointTarget[], id: string) => targets.find((t) => t.id === id)!;
const shares = (values: readonly number[]) => {
  const total = values.reduce((a, b) => a + b, 0);
  return values.map((v) => v / total);
};
function expectRows(actual: JointTarget['target_row_shares'], expected: readonly (readonly (number | null)[] | null)[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((row, r) => {
    if (expected[r] === null) return expect(row).toBeNull();
    row!.forEach((cell, c) => {
      const want = expected[r]![c]!;
      expect({ r, c, cell }).toEqual({ r, c, cell: want === null ? null : expect.closeTo(want, 12) });
    });
  });
}

describe('jointTargets, scope all: the published cross-tabs', () => {
  let targets: JointTarget[];
  beforeAll(() => {
    targets = jointTargets(snapshot, model, 'all');
  });

  it('checks every cross-tab of the snapshot, each with its rows, columns and source table', () => {
    expect(targets.map((t) => [t.id, t.row_field, t.col_field, t.table_ids])).toEqual([
      ['ethnicity_by_residence', 'residence', 'ethnicity', ['ethnicity_by_residence']],
      ['residence_by_region', 'region', 'residence', ['district_by_residence']],
      ['ethnicity_by_region', 'region', 'ethnicity', ['ethnicity_by_region_partial']],
      ['mother_tongue_by_ethnicity', 'ethnicity', 'mother_tongue', ['mother_tongue_by_ethnicity']],
      ['religion_by_ethnicity', 'ethnicity', 'religion', ['religion_by_ethnicity']],
      // issue #12 (unit-checks.ts)
      ['mother_tongue_by_district', 'district', 'mother_tongue', ['mother_tongue_by_district']],
      ['religion_by_district', 'district', 'religion', ['religion_by_district']],
      ['sex_by_district', 'district', 'sex', ['sex_by_district']],
      ['broad_age_by_district', 'district', 'age_group', ['district_by_broad_age']],
      ['broad_age_by_residence', 'residence', 'age_group', ['residence_by_broad_age']],
      ['education_by_residence', 'residence', 'education_level', ['education_10plus_by_residence_partial', 'education_10plus']],
      ['education_tertiary_by_district', 'district', 'education_level', ['education_tertiary_by_district_partial', 'education_10plus']],
      ['education_sex_within_level', 'education_level', 'sex', ['education_sex_within_level']],
      ['employment_rate_20_64_by_sex', 'sex', 'employment_status', ['lfs_employment_rates']],
      ['employment_rate_20_64_by_residence', 'residence', 'employment_status', ['lfs_employment_rates']],
      ['employed_by_region', 'employment_status', 'region', ['employed_by_region']],
      ['unemployed_by_age_sex', 'employment_status', 'age_group', ['lfs_unemployed_by_age_sex']],
      ['youth_15_34_status', 'age_group', 'employment_status', ['lfs_youth_15_34_status']],
      ['youth_inactive_in_education', 'age_group', 'inactivity_reason', ['lfs_youth_15_34_status']],
      ['elderly_women_share_60plus', 'age_group', 'sex', ['elderly_60plus_by_sex']],
      ['sector_by_residence', 'residence', 'economic_sector', ['sector_by_residence_sex_modelled', 'economic_sector']],
    ]);
    for (const target of targets) {
      // The sector check compares the output with the engine's own conditional: modelled.
      const expected = target.id === 'sector_by_residence' ? 'modelled' : snapshot.tables[target.table_ids[0]!]!.provenance_class;
      expect({ id: target.id, provenance: target.provenance_class }).toEqual({ id: target.id, provenance: expected });
    }
  });

  it('reads the unit tables as the published rows: Bulgarian 61.4% of Taraclia (16,230 of 26,435)', () => {
    const taraclia = byId(targets, 'mother_tongue_by_district').target_row_shares[DISTRICTS_ORDER.indexOf('taraclia')]!;
    expect(taraclia[5]).toBeCloseTo(16_230 / 26_435, 12);
  });

  it('takes ethnicity by residence, mother tongue and religion by ethnicity as the published rows', () => {
    const byResidence = shippedTableFile('ethnicity_by_residence');
    expectRows(byId(targets, 'ethnicity_by_residence').target_row_shares, RESIDENCES.map((r) => ETHNICITIES.map((e) => fileCell(byResidence, [r, e])! / 100)));
    const motherTongue = shippedTableFile('mother_tongue_by_ethnicity');
    const mt = byId(targets, 'mother_tongue_by_ethnicity');
    expect([mt.rows, mt.cols]).toEqual([DECLARED, MERGED]);
    expectRows(mt.target_row_shares, DECLARED.map((e) => shares(MERGED.map((l) => fileCell(motherTongue, [e, l])!))));
    const religion = shippedTableFile('religion_by_ethnicity');
    const rel = byId(targets, 'religion_by_ethnicity');
    expect([rel.rows, rel.cols]).toEqual([DECLARED, NAMED]);
    expectRows(rel.target_row_shares, DECLARED.map((e) => shares(NAMED.map((k) => fileCell(religion, [e, k])!))));
  });

  it('adds the district × residence census counts up to regions', () => {
    const file = shippedTableFile('district_by_residence');
    const rows = REGIONS.map((region) =>
      shares(RESIDENCES.map((r) => DISTRICT_CATEGORIES.filter((d) => d.region === region).reduce((sum, d) => sum + fileCell(file, [d.code, r])!, 0))),
    );
    expectRows(byId(targets, 'residence_by_region').target_row_shares, rows);
    // Census 2024: 88.4% of mun. Chișinău lives in its towns.
    expect(byId(targets, 'residence_by_region').target_row_shares[0]![0]).toBeCloseTo(0.884, 3);
  });

  it('keeps the partial region × ethnicity table partial: published percentages as shares, the rest null', () => {
    const partial = shippedTableFile('ethnicity_by_region_partial');
    const target = byId(targets, 'ethnicity_by_region');
    expect(target.cols).toEqual(DECLARED);
    expectRows(
      target.target_row_shares,
      REGIONS.map((g) => DECLARED.map((e) => (partial.categories[1]!.includes(e) ? fileCell(partial, [g, e]) : null)).map((v) => (v === null ? null : v / 100))),
    );
    expect(target.target_row_shares[4]![ETHNICITIES.indexOf('gagauz')]).toBeCloseTo(0.819, 12);
  });
});

describe('jointTargets, scope adults: what the calibrated model implies for 18+', () => {
  let all: JointTarget[];
  let adults: JointTarget[];
  beforeAll(() => {
    all = jointTargets(snapshot, model, 'all');
    adults = jointTargets(snapshot, model, 'adults');
  });

  it('keeps the rows, columns and unpublished cells of the published checks, labelled modelled', () => {
    adults.forEach((target, i) => {
      const published = all[i]!;
      expect({ ...target, target_row_shares: null, provenance_class: null }).toEqual({ ...published, target_row_shares: null, provenance_class: null });
      expect(target.provenance_class).toBe('modelled');
      target.target_row_shares.forEach((row, r) => {
        const publishedRow = published.target_row_shares[r]!;
        if (publishedRow === null) return expect(row).toBeNull();
        row!.forEach((cell, c) => expect(cell === null).toBe(publishedRow[c] === null));
      });
    });
  });

  it('sums the calibrated joint over ages 18+ for the key-joint checks', () => {
    const joint = model.calibratedJoint;
    const regionOf = DISTRICT_CATEGORIES.map((d) => REGIONS.indexOf(d.region));
    const residenceEthnicity = sumBy(joint, 2 * 9, (at) => (at.age >= 18 ? at.residence * 9 + at.ethnicity : -1));
    const regionResidence = sumBy(joint, 5 * 2, (at) => (at.age >= 18 ? regionOf[at.district]! * 2 + at.residence : -1));
    const regionEthnicity = sumBy(joint, 5 * 9, (at) => (at.age >= 18 ? regionOf[at.district]! * 9 + at.ethnicity : -1));
    expectRows(byId(adults, 'ethnicity_by_residence').target_row_shares, [0, 1].map((r) => shares(Array.from(residenceEthnicity.subarray(r * 9, r * 9 + 9)))));
    expectRows(byId(adults, 'residence_by_region').target_row_shares, [0, 1, 2, 3, 4].map((g) => shares(Array.from(regionResidence.subarray(g * 2, g * 2 + 2)))));
    const published = byId(all, 'ethnicity_by_region').target_row_shares;
    expectRows(
      byId(adults, 'ethnicity_by_region').target_row_shares,
      [0, 1, 2, 3, 4].map((g) => {
        const declared = shares(Array.from(regionEthnicity.subarray(g * 9, g * 9 + 8)));
        return published[g] === null ? null : declared.map((share, e) => (published[g]![e] === null ? null : share));
      }),
    );
  });

  it('reads mother tongue and religion by ethnicity off the fitted unit tables, weighted by the 18+ masses, Moldovan and Romanian merged', () => {
    const c = model.calibratedConditionals;
    const unitMass = sumBy(model.calibratedJoint, 35 * 2 * 9, (at) => (at.age >= 18 ? (at.district * 2 + at.residence) * 9 + at.ethnicity : -1));
    const unitEthMass = sumBy(model.calibratedJoint, 35 * 9, (at) => (at.age >= 18 ? at.district * 9 + at.ethnicity : -1));
    const weighted = (mass: Float64Array, table: typeof c.motherTongueByUnit, e: number) => {
      const out = new Array<number>(table.categories.length).fill(0);
      mass.forEach((m, row) => {
        if (row % 9 === e) Array.from(rowOf(table, row)).forEach((p, k) => (out[k]! += m * p));
      });
      return out;
    };
    expectRows(
      byId(adults, 'mother_tongue_by_ethnicity').target_row_shares,
      DECLARED.map((_, e) => {
        const p = weighted(unitMass, c.motherTongueByUnit, e);
        // Persona languages: moldovan, romanian, russian, gagauz, ukrainian, bulgarian, romani, other, not declared.
        return shares([p[0]! + p[1]!, p[2]!, p[4]!, p[3]!, p[5]!, p[6]!, p[7]!]);
      }),
    );
    expectRows(
      byId(adults, 'religion_by_ethnicity').target_row_shares,
      DECLARED.map((_, e) => shares(weighted(unitEthMass, c.religionByUnit, e).slice(0, 10))),
    );
  });
});

const DISTRICTS_ORDER = shippedTableFile('district_by_residence').categories[0]!;

describe('observedJointCounts', () => {
  it('lays the counted cross-tabs out as the checks: declared ethnicities, merged mother tongue, named religions', () => {
    const counts = emptyCounts();
    counts.residence_ethnicity.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
    counts.region_residence.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    counts.region_ethnicity[4 * 9 + 4] = 70; // Gagauz in UTA Găgăuzia
    counts.region_ethnicity[4 * 9 + 8] = 5; // not declared: no column
    // Romanian ethnicity: 3 Moldovan, 4 Romanian, 2 Russian, 6 not declared mother tongue.
    counts.ethnicity_mother_tongue.set([3, 4, 2, 0, 0, 0, 0, 0, 6], 9);
    // Russian ethnicity: 5 Orthodox, 1 Islam, 8 with no religion.
    counts.ethnicity_religion[3 * 13 + 0] = 5;
    counts.ethnicity_religion[3 * 13 + 7] = 1;
    counts.ethnicity_religion[3 * 13 + 11] = 8;
    const observed = observedJointCounts(counts);
    expect(observed['ethnicity_by_residence']).toEqual([
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14, 15, 16, 17, 18],
    ]);
    expect(observed['residence_by_region']).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
    ]);
    expect(observed['ethnicity_by_region']![4]).toEqual([0, 0, 0, 0, 70, 0, 0, 0]);
    expect(observed['mother_tongue_by_ethnicity']![1]).toEqual([7, 2, 0, 0, 0, 0, 0]);
    expect(observed['mother_tongue_by_ethnicity']![0]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(observed['religion_by_ethnicity']![3]).toEqual([5, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(observed['religion_by_ethnicity']).toHaveLength(8);
  });
});
