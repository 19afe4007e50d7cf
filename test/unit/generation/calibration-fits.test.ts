/**
 * Calibration on the shipped snapshot (issue #12): every sub-fit converges without the bounded
 * fallback, and the model — before any sampling — meets the published cells, read here from the
 * audited reference files in test/reference (never from the engine or the data files).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../../src/census/census-table.js';
import { DISTRICTS, LANGUAGES, RELIGIONS } from '../../../src/domain/categories.js';
import { generationModelFor, type GenerationModel } from '../../../src/generation/model.js';
import { impliedUnitRows } from '../../../src/generation/unit-checks.js';
import { referenceDir } from '../../helpers/census.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

interface Ref {
  categories: { rows: string[]; cols: string[] } | string[];
  values: (number | null)[][] | (number | null)[];
  [key: string]: unknown;
}
const ref = (name: string): Ref => JSON.parse(readFileSync(join(referenceDir(), 'census', `${name}.json`), 'utf8')) as Ref;
const cellOf = (r: Ref, row: string, col: string): number => {
  const { rows, cols } = r.categories as { rows: string[]; cols: string[] };
  return ((r.values as number[][])[rows.indexOf(row)] ?? [])[cols.indexOf(col)] ?? Number.NaN;
};
const rowTotal = (r: Ref, row: string): number => {
  const { rows } = r.categories as { rows: string[] };
  return ((r.values as number[][])[rows.indexOf(row)] ?? []).reduce((a, b) => a + b, 0);
};

let snapshot: InputSnapshot;
let model: GenerationModel;
let implied: Record<string, number[][]>;

beforeAll(async () => {
  snapshot = await shippedSnapshot();
  model = generationModelFor(snapshot, true);
  implied = impliedUnitRows(model.calibratedJoint, model.calibratedConditionals, 0);
}, 120_000);

describe('calibration on the shipped snapshot', () => {
  it('converges: the key joint and every sub-fit, none bounded', () => {
    expect(model.calibration.converged).toBe(true);
    const subFits = model.calibration.margins.filter((m) => m.startsWith('sub-fit'));
    expect(subFits.length).toBeGreaterThanOrEqual(5);
    for (const line of subFits) {
      expect(line).toMatch(/converged$/);
      expect(line).not.toMatch(/bounded/);
    }
  });

  it('puts the minorities where the census counts them (mother tongue by unit, annex 5.13)', () => {
    const r = ref('mother_tongue_by_district_2024_census_final');
    const share = (unit: string, label: string, language: string) =>
      implied['mother_tongue_by_district']![DISTRICTS.indexOf(unit as never)]![LANGUAGES.indexOf(language as never)]! - cellOf(r, label, language === 'bulgarian' ? 'Bulgară' : language === 'russian' ? 'Rusă' : 'Găgăuză') / rowTotal(r, label);
    expect(Math.abs(share('taraclia', 'Taraclia', 'bulgarian'))).toBeLessThan(1e-4); // 16,230 of 26,435
    expect(Math.abs(share('balti', 'Mun. Bălți', 'russian'))).toBeLessThan(1e-4);
    expect(Math.abs(share('gagauzia', 'UTA Găgăuzia', 'gagauz'))).toBeLessThan(1e-4);
  });

  it('meets religion by unit (annex 5.29): Jehovah’s Witnesses 7.7% of Briceni', () => {
    const r = ref('religion_by_district_2024_census_final');
    const got = implied['religion_by_district']![DISTRICTS.indexOf('briceni')]![RELIGIONS.indexOf('jehovahs_witness')]!;
    expect(Math.abs(got - cellOf(r, 'Briceni', 'Martorii lui Iehova') / rowTotal(r, 'Briceni'))).toBeLessThan(1e-4);
  });

  it('meets the education cells: higher education 36.7% in Chișinău, 8.1% in Sîngerei, 30.3% urban, women 59.6% (over the 99.8% declared)', () => {
    const r = ref('education_level_10plus_2024_census');
    const declared = (r.values as number[]).reduce((a, b) => a + b, 0) / 100;
    const byUnit = r['higher_education_share_by_unit_percent'] as Record<string, number>;
    const tertiary = 5;
    const unit = (code: string) => implied['education_tertiary_by_district']![DISTRICTS.indexOf(code as never)]![tertiary]!;
    expect(Math.abs(unit('chisinau') - byUnit['Mun. Chișinău']! / 100 / declared)).toBeLessThan(1e-4);
    expect(Math.abs(unit('singerei') - byUnit['Sîngerei']! / 100 / declared)).toBeLessThan(1e-4);
    const areas = r['by_residence'] as Record<string, Record<string, number>>;
    expect(Math.abs(implied['education_by_residence']![0]![tertiary]! - areas['urban']!['Superior']! / 100 / declared)).toBeLessThan(1e-4);
    const women = (r['sex_composition_within_level_percent'] as Record<string, number>)['Superior: women']! / 100;
    expect(Math.abs(implied['education_sex_within_level']![tertiary]![0]! - women)).toBeLessThan(1e-4);
  });

  it('meets the LFS structure: employed by region, youth 15-34, and the 20-64 area rates within the level-contrast conflict (0.6 pp)', () => {
    const lfs = ref('lfs_2024_employment_by_sex_residence_region');
    const regions = Object.values(lfs['employed_by_region_percent'] as Record<string, number>).map((v) => v / 100);
    implied['employed_by_region']![0]!.forEach((share, g) => expect(Math.abs(share - regions[g]!)).toBeLessThan(1e-4));
    const youth = ref('lfs_2024_youth_15_34_status');
    const youthValues = youth.values as number[];
    const youthTotal = youthValues.reduce((a, b) => a + b, 0);
    implied['youth_15_34_status']![0]!.forEach((share, k) => expect(Math.abs(share - youthValues[k]! / youthTotal)).toBeLessThan(1e-4));
    const [, , , urban, rural] = lfs.values as number[];
    // The confirmed total (56.8) sets the level; urban and rural are contrasts (docs/method.md §5).
    expect(Math.abs(implied['employment_rate_20_64_by_residence']![0]![0]! - urban! / 100)).toBeLessThan(6e-3);
    expect(Math.abs(implied['employment_rate_20_64_by_residence']![1]![0]! - rural! / 100)).toBeLessThan(6e-3);
  });
});
