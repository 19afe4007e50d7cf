/**
 * The shipped census figures against the audited reference set (test/reference/census, the copy of the team's shared set) and
 * against themselves: every value is compared with the reference file it was transcribed from
 * (through label maps written here, independently of the data files), every share recomputed
 * from the stated counts, every total re-added. A slip in transcription fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DISTRICT_CATEGORIES } from '../../src/domain/categories.js';
import type { CensusTable } from '../../src/census/census-table.js';
import type { EmbeddedSnapshot } from '../../src/census/snapshot-loader.js';
import { SHIPPED_TABLE_SPECS, loadShippedSnapshot, referenceDir } from '../helpers/census.js';

type RefValues = (number | null)[] | (number | null)[][];
interface RefFile {
  categories: string[] | { rows: string[]; cols: string[] };
  values: RefValues;
  [key: string]: unknown;
}

let snapshot: EmbeddedSnapshot;
let censusDir: string;

beforeAll(async () => {
  censusDir = join(referenceDir(), 'census');
  snapshot = await loadShippedSnapshot();
});

function ref(name: string): RefFile {
  return JSON.parse(readFileSync(join(censusDir, `${name}.json`), 'utf8')) as RefFile;
}
function table(id: string): CensusTable {
  const loaded = snapshot.tables.get(id);
  if (loaded === undefined) throw new Error(`table ${id} not shipped`);
  return loaded.table;
}
const flat = (values: RefValues): (number | null)[] => (values as (number | null)[] | (number | null)[][]).flat();
const sum = (values: readonly (number | null)[]): number => values.reduce<number>((total, v) => total + (v ?? 0), 0);
/** Picks reference entries by label, in the order of `labels`. */
function byLabel(labels: readonly string[], values: readonly (number | null)[], order: readonly string[]): (number | null)[] {
  return order.map((label) => {
    const index = labels.indexOf(label);
    if (index < 0) throw new Error(`reference has no label '${label}'`);
    return values[index] ?? null;
  });
}
function rowsCols(file: RefFile): { rows: string[]; cols: string[] } {
  if (Array.isArray(file.categories)) throw new Error('expected a cross-tab reference file');
  return file.categories;
}
/** A cross-tab reference cell by row and column label. */
function cell(file: RefFile, row: string, col: string): number | null {
  const { rows, cols } = rowsCols(file);
  const r = rows.indexOf(row);
  const c = cols.indexOf(col);
  if (r < 0 || c < 0) throw new Error(`reference has no cell (${row}, ${col})`);
  return (file.values as (number | null)[][])[r]?.[c] ?? null;
}

// Reference labels, in OUR category order.
const DISTRICT_LABELS = DISTRICT_CATEGORIES.map((d) => (d.code === 'gagauzia' ? 'UTA Găgăuzia' : d.label_ro));
const REGION_LABELS = ['Mun. Chișinău', 'Nord', 'Centru', 'Sud', 'UTA Găgăuzia'];
const ETHNICITY_NBS = ['Moldoveni', 'Români', 'Ucraineni', 'Ruși', 'Găgăuzi', 'Bulgari', 'Romi/Țigani', 'Alte etnii'];
const ETHNICITY_PROJECT = ['Moldovean', 'Român', 'Ucrainean', 'Rus', 'Găgăuz', 'Bulgar', 'Rrom', 'Altele'];
const BROAD_AGE_LABELS = [
  'under working age (0-15)',
  'working age (16 to statutory retirement age)',
  'over working age (statutory retirement age and over)',
];

/** The expected `values` of each shipped table, computed from its reference file. */
const EXPECTED: Record<string, () => (number | null)[]> = {
  population_totals: () => flat(ref('population_totals').values).slice(0, 4),
  sex: () => {
    const r = ref('sex_2024_census');
    return byLabel(r.categories as string[], flat(r.values), ['Feminin', 'Masculin']);
  },
  residence: () => {
    const r = ref('residence_urban_rural_2024_census');
    return byLabel(r.categories as string[], flat(r.values), ['Urban', 'Rural']);
  },
  region: () => {
    const r = ref('development_region_2024_census');
    return byLabel(r.categories as string[], flat(r.values), REGION_LABELS);
  },
  district: () => {
    const r = ref('population_by_district_2024_census');
    return byLabel(r.categories as string[], flat(r.values), DISTRICT_LABELS);
  },
  district_by_residence: () => {
    const r = ref('district_by_residence_2024_census');
    return DISTRICT_LABELS.flatMap((d) => [cell(r, d, 'Urban'), cell(r, d, 'Rural')]);
  },
  district_by_broad_age: () => {
    const r = ref('district_by_broad_age_group_2024_census');
    return DISTRICT_LABELS.flatMap((d) => BROAD_AGE_LABELS.map((a) => cell(r, d, a)));
  },
  residence_by_broad_age: () => {
    const r = ref('residence_by_broad_age_group_2024_census');
    return ['Urban', 'Rural'].flatMap((area) => BROAD_AGE_LABELS.map((a) => cell(r, area, a)));
  },
  ethnicity: () => {
    const r = ref('ethnicity_2024_census_final');
    return byLabel(r.categories as string[], flat(r.values), [...ETHNICITY_NBS, 'Nu au declarat etnia']);
  },
  ethnicity_by_residence: () => {
    const r = ref('ethnicity_by_residence_2024_census_final');
    return ['Urban', 'Rural'].flatMap((area) => {
      const row = ETHNICITY_NBS.map((e) => cell(r, area, e));
      return [...row, Math.round((100 - sum(row)) * 100) / 100]; // not declared: residual
    });
  },
  mother_tongue: () => {
    const r = ref('mother_tongue_2024_census_final');
    const order = ['Moldovenească', 'Română', 'Rusă', 'Găgăuză', 'Ucraineană', 'Bulgară', 'Romani (Țigănească)', 'Alte limbi', 'Nu au declarat limba maternă'];
    return byLabel(r.categories as string[], flat(r.values), order);
  },
  mother_tongue_by_ethnicity: () => {
    const r = ref('mother_tongue_by_ethnicity_2024_census_final');
    const cols = ['Română', 'Rusă', 'Ucraineană', 'Găgăuză', 'Bulgară', 'Rromani', 'Alta'];
    return ETHNICITY_PROJECT.flatMap((e) => cols.map((c) => cell(r, e, c)));
  },
  language_usually_spoken: () => flat(ref('language_usually_spoken_2024_census_final').values),
  religion: () => flat(ref('religion_2024_census_final').values),
  religion_by_ethnicity: () => {
    const r = ref('religion_by_ethnicity_2024_census_final');
    return ETHNICITY_PROJECT.flatMap((e) => rowsCols(r).cols.map((c) => cell(r, e, c)));
  },
  marital_status_15plus: () => {
    const r = ref('marital_status_15plus_2024_census_final');
    return byLabel(r.categories as string[], flat(r.values), ['Niciodată căsătorit(ă)', 'Căsătorit(ă)', 'Văduv(ă)', 'Divorțat(ă)']);
  },
  education_10plus: () => {
    const r = ref('education_level_10plus_2024_census');
    const labels = (r.categories as string[]).map((label) => label.split(' (')[0] ?? label);
    const published = byLabel(labels, flat(r.values), ['Fără școală absolvită', 'Primar', 'Gimnazial', 'Liceal / mediu general', 'Profesional tehnic', 'Superior']);
    const total = sum(published);
    return published.map((p) => ((p ?? 0) * 100) / total); // renormalised over 99.8
  },
  age_single: () => flat(ref('age_single_year_2024-01-01_estimate').values),
  labour_status_15plus: () => flat(ref('labour_force_status_15plus_2024_lfs').values),
  economic_sector: () => {
    const r = ref('employment_by_sector_2024_lfs');
    return byLabel(r.categories as string[], flat(r.values), ['Agriculture', 'Industry', 'Construction', 'Services']);
  },
  ethnicity_by_region_partial: () => {
    const r = ref('ethnicity_by_region_2024_census_preliminary_partial');
    return REGION_LABELS.flatMap((region) => ['Moldoveni', 'Ucraineni', 'Ruși', 'Găgăuzi', 'Bulgari'].map((e) => cell(r, region, e)));
  },
  ethnicity_age_profile: () => {
    const r = ref('ethnicity_age_profile_2024_census_unverified');
    return ETHNICITY_NBS.slice(0, 6).flatMap((e) => rowsCols(r).rows.map((band) => cell(r, band, e)));
  },
  inactivity_reason: () => flat(ref('inactive_population_by_reason_2024_lfs').values),
  lfs_employment_rates: () => flat(ref('lfs_2024_employment_by_sex_residence_region').values),
  mother_tongue_by_district: () => {
    const r = ref('mother_tongue_by_district_2024_census_final');
    const cols = ['Moldovenească', 'Română', 'Rusă', 'Găgăuză', 'Ucraineană', 'Bulgară', 'Romani (Țigănească)', 'Altă limbă', 'Nu au declarat limba maternă'];
    return DISTRICT_LABELS.flatMap((d) => cols.map((c) => cell(r, d, c)));
  },
  religion_by_district: () => {
    const r = ref('religion_by_district_2024_census_final');
    const cols = rowsCols(r).cols;
    const named = cols.slice(0, 10);
    const [freeThinker, agnostic, atheist] = cols.slice(10, 13) as [string, string, string];
    return DISTRICT_LABELS.flatMap((d) => [
      ...named.map((c) => cell(r, d, c)),
      (cell(r, d, freeThinker) ?? 0) + (cell(r, d, agnostic) ?? 0) + (cell(r, d, atheist) ?? 0),
      cell(r, d, 'Fără religie'),
      cell(r, d, 'Nu au declarat religia'),
    ]);
  },
  sex_by_district: () => {
    const r = ref('sex_by_district_2024_census_derived');
    return DISTRICT_LABELS.flatMap((d) => [cell(r, d, 'Female (derived)'), cell(r, d, 'Male (derived)')]);
  },
  education_10plus_by_residence_partial: () => {
    const areas = ref('education_level_10plus_2024_census')['by_residence'] as Record<string, Record<string, number>>;
    const at = (area: string, label: string) => areas[area]?.[label] ?? null;
    return [
      ...[null, null, null, null, null, at('urban', 'Superior')],
      ...[null, null, at('rural', 'Gimnazial'), null, at('rural', 'Profesional tehnic'), null],
    ];
  },
  education_tertiary_by_district_partial: () => {
    const byUnit = ref('education_level_10plus_2024_census')['higher_education_share_by_unit_percent'] as Record<string, number | string>;
    return DISTRICT_LABELS.flatMap((d) => {
      const share = byUnit[d];
      return [null, null, null, null, null, typeof share === 'number' ? share : null];
    });
  },
  education_sex_within_level: () => {
    const bySex = ref('education_level_10plus_2024_census')['sex_composition_within_level_percent'] as Record<string, number>;
    return [...Array<null>(10).fill(null), bySex['Superior: women'] ?? null, null];
  },
  lfs_unemployed_by_age_sex: () => {
    const r = ref('lfs_2024_unemployed_by_age_sex');
    return rowsCols(r).rows.flatMap((age) => [cell(r, age, 'Women'), cell(r, age, 'Men')]);
  },
  lfs_youth_15_34_status: () => {
    const r = ref('lfs_2024_youth_15_34_status');
    return byLabel(r.categories as string[], flat(r.values), ['employed', 'unemployed (ILO)', 'outside the labour force']);
  },
  elderly_60plus_by_sex: () => {
    const r = ref('elderly_60plus_by_sex_2023_2024_estimates');
    return [cell(r, '2024-01-01', 'Women'), cell(r, '2024-01-01', 'Men')];
  },
  employed_by_region: () => {
    const split = ref('lfs_2024_employment_by_sex_residence_region')['employed_by_region_percent'] as Record<string, number>;
    return [split['Mun. Chișinău'], split['Nord'], split['Centru'], split['Sud + UTA Găgăuzia (derived residual)']].map((v) => v ?? null);
  },
};

describe('shipped census data against the reference set', () => {
  it('has a reference comparison for every shipped official and secondary table and no other', () => {
    const sourced = [...snapshot.tables.values()].filter(({ table }) => table.provenance !== 'modelled').map(({ table }) => table.id);
    expect(Object.keys(EXPECTED).sort()).toEqual(sourced.sort());
    expect([...snapshot.tables.keys()].sort()).toEqual(SHIPPED_TABLE_SPECS.filter((s) => s.required).map((s) => s.id).sort());
  });

  it.each(Object.keys(EXPECTED))('%s holds the reference figures', (id) => {
    const expected = EXPECTED[id]?.() ?? [];
    const actual = table(id).values;
    expect(actual).toHaveLength(expected.length);
    actual.forEach((value, index) => {
      const want = expected[index];
      if (want === null || want === undefined) expect(value, `cell ${index}`).toBeNull();
      else expect(value, `cell ${index}`).toBeCloseTo(want, 4);
    });
  });

  it.each(Object.keys(EXPECTED))('%s keeps the reference trust level and citation', (id) => {
    const shipped = table(id);
    // the first set was taken on 2026-11-24, the unit, LFS and education-cell tables on 2026-12-01 (issue #12)
    expect(['2026-11-24', '2026-12-01']).toContain(shipped.retrieved);
    expect(shipped.source.url).toMatch(/^https:\/\//);
    expect(shipped.transform.length).toBeGreaterThan(10);
    expect(shipped.provenance).toBe(['A', 'A-', 'B+', 'B'].includes(shipped.trust) ? 'official_snapshot' : 'secondary');
  });

  it('keeps the trust levels the reference states', () => {
    const files: Record<string, string> = {
      population_totals: 'population_totals', sex: 'sex_2024_census', residence: 'residence_urban_rural_2024_census',
      region: 'development_region_2024_census', district: 'population_by_district_2024_census',
      district_by_residence: 'district_by_residence_2024_census', district_by_broad_age: 'district_by_broad_age_group_2024_census',
      residence_by_broad_age: 'residence_by_broad_age_group_2024_census', ethnicity: 'ethnicity_2024_census_final',
      ethnicity_by_residence: 'ethnicity_by_residence_2024_census_final', mother_tongue: 'mother_tongue_2024_census_final',
      mother_tongue_by_ethnicity: 'mother_tongue_by_ethnicity_2024_census_final', language_usually_spoken: 'language_usually_spoken_2024_census_final',
      religion: 'religion_2024_census_final', religion_by_ethnicity: 'religion_by_ethnicity_2024_census_final',
      marital_status_15plus: 'marital_status_15plus_2024_census_final', education_10plus: 'education_level_10plus_2024_census',
      age_single: 'age_single_year_2024-01-01_estimate', labour_status_15plus: 'labour_force_status_15plus_2024_lfs',
      economic_sector: 'employment_by_sector_2024_lfs', ethnicity_by_region_partial: 'ethnicity_by_region_2024_census_preliminary_partial',
      ethnicity_age_profile: 'ethnicity_age_profile_2024_census_unverified', inactivity_reason: 'inactive_population_by_reason_2024_lfs',
      lfs_employment_rates: 'lfs_2024_employment_by_sex_residence_region', employed_by_region: 'lfs_2024_employment_by_sex_residence_region',
      mother_tongue_by_district: 'mother_tongue_by_district_2024_census_final', religion_by_district: 'religion_by_district_2024_census_final',
      sex_by_district: 'sex_by_district_2024_census_derived', education_10plus_by_residence_partial: 'education_level_10plus_2024_census',
      education_tertiary_by_district_partial: 'education_level_10plus_2024_census', education_sex_within_level: 'education_level_10plus_2024_census',
      lfs_unemployed_by_age_sex: 'lfs_2024_unemployed_by_age_sex', lfs_youth_15_34_status: 'lfs_2024_youth_15_34_status',
      elderly_60plus_by_sex: 'elderly_60plus_by_sex_2023_2024_estimates',
    };
    for (const [id, file] of Object.entries(files)) expect(table(id).trust, id).toBe(ref(file)['trust']);
  });
});

describe('shipped census data against itself', () => {
  it('reproduces every published share from the stated counts', () => {
    let checked = 0;
    for (const { table: t } of snapshot.tables.values()) {
      const published = t.published_shares_percent;
      if (published === undefined || t.measure !== 'counts') continue;
      const rowLength = published.basis === 'row' ? (t.categories.at(-1)?.length ?? 1) : t.values.length;
      const halfUnit = 0.5 * 10 ** -published.decimals + 1e-9;
      for (let start = 0; start < t.values.length; start += rowLength) {
        const row = t.values.slice(start, start + rowLength);
        row.forEach((value, offset) => {
          const printed = published.values[start + offset];
          if (printed === null || printed === undefined) return;
          const recomputed = (100 * (value ?? 0)) / sum(row);
          expect(Math.abs(recomputed - printed), `${t.id} cell ${start + offset}: ${recomputed} vs ${printed}`).toBeLessThanOrEqual(halfUnit);
          checked += 1;
        });
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('adds each counts table up to its published total', () => {
    for (const { table: t } of snapshot.tables.values()) {
      if (t.published_total === undefined) continue;
      // figures in thousands carry one decimal: each can be off by 0.05 (thousand)
      const tolerance = t.unit_multiplier === 1000 ? 0.05 * t.values.length : 0;
      expect(Math.abs(sum(t.values) - t.published_total), t.id).toBeLessThanOrEqual(tolerance + 1e-9);
    }
  });

  it('renormalises education 10+ from the published 99.8', () => {
    const t = table('education_10plus');
    const published = t.published_shares_percent?.values ?? [];
    expect(sum(published)).toBeCloseTo(99.8, 9);
    t.values.forEach((value, i) => expect(value).toBeCloseTo(((published[i] ?? 0) * 100) / 99.8, 4));
  });

  it('gives the corrected age shares 0-14 = 17.49% and 65+ = 17.38% (1 Jan 2024)', () => {
    const values = table('age_single').values.map((v) => v ?? 0);
    const total = sum(values);
    const share = (from: number, to: number): number => (100 * sum(values.slice(from, to + 1))) / total;
    expect(total).toBe(2_423_287);
    expect(share(0, 14).toFixed(2)).toBe('17.49');
    expect(share(65, 85).toFixed(2)).toBe('17.38');
    // the aggregates NBS published for 1 Jan 2024 (reference aggregate_checks)
    const checks = ref('age_single_year_2024-01-01_estimate')['aggregate_checks'] as Record<string, number>;
    expect(sum(values.slice(0, 18))).toBe(checks['age_0_17']);
    expect(sum(values.slice(60))).toBe(checks['age_60_plus']);
    expect(sum(values.slice(80))).toBe(checks['age_80_plus']);
  });

  it('reproduces every age group of the reference (counts and two-decimal shares) from the single ages', () => {
    const values = table('age_single').values.map((v) => v ?? 0);
    const groups = ref('age_groups_2024-01-01_estimate');
    const shares = groups['shares_percent'] as number[];
    (groups.categories as string[]).forEach((label, i) => {
      const [from, to] = label.endsWith('+') ? [Number(label.slice(0, -1)), 85] : label.split('-').map(Number);
      const count = sum(values.slice(from, (to ?? 85) + 1));
      expect(count, label).toBe(flat(groups.values)[i]);
      expect(((100 * count) / sum(values)).toFixed(2), label).toBe(shares[i]?.toFixed(2));
    });
  });

  it('reproduces the national broad-age shares from the district table', () => {
    const byAge = table('district_by_broad_age').values.map((v) => v ?? 0);
    const reference = ref('district_by_broad_age_group_2024_census');
    const columns = [0, 1, 2].map((a) => sum(byAge.filter((_, i) => i % 3 === a)));
    expect(columns).toEqual(reference['national_total_row']);
    const shares = reference['national_shares_percent'] as number[];
    columns.forEach((count, a) => expect(((100 * count) / sum(columns)).toFixed(2)).toBe(shares[a]?.toFixed(2)));
  });

  it('adds every unit table up to the unit totals and its columns to the national counts', () => {
    const district = table('district').values.map((v) => v ?? 0);
    const national = (id: string) => table(id).values.map((v) => v ?? 0);
    for (const [id, nationalId, width] of [
      ['mother_tongue_by_district', 'mother_tongue', 9],
      ['religion_by_district', 'religion', 13],
    ] as const) {
      const values = table(id).values.map((v) => v ?? 0);
      DISTRICT_CATEGORIES.forEach((_, d) => expect(sum(values.slice(d * width, d * width + width)), `${id} ${d}`).toBe(district[d]));
      national(nationalId).forEach((count, k) => expect(sum(values.filter((_, i) => i % width === k)), `${id} column ${k}`).toBe(count));
    }
    const bySex = table('sex_by_district').values.map((v) => v ?? 0);
    DISTRICT_CATEGORIES.forEach((_, d) => expect(bySex[2 * d]! + bySex[2 * d + 1]!).toBe(district[d]));
    // derived from rounded sex ratios: within 0.1k of the published national thousands
    const [female = 0, male = 0] = table('sex').values.map((v) => (v ?? 0) * 1000);
    expect(Math.abs(sum(bySex.filter((_, i) => i % 2 === 0)) - female)).toBeLessThanOrEqual(100);
    expect(Math.abs(sum(bySex.filter((_, i) => i % 2 === 1)) - male)).toBeLessThanOrEqual(100);
  });

  it('agrees across the LFS tables: unemployed by age and sex, youth 15-34 and the 15+ status', () => {
    const unemployed = table('lfs_unemployed_by_age_sex').values.map((v) => v ?? 0);
    const [, total15 = 0] = table('labour_status_15plus').values.map((v) => v ?? 0);
    expect(sum(unemployed)).toBeCloseTo(total15, 6);
    const [, youthUnemployed = 0] = table('lfs_youth_15_34_status').values.map((v) => v ?? 0);
    expect(sum(unemployed.slice(0, 4))).toBeCloseTo(youthUnemployed, 6);
    const bySex = ref('lfs_2024_unemployed_by_age_sex')['total_row'] as number[];
    expect(sum(unemployed.filter((_, i) => i % 2 === 0))).toBeCloseTo(bySex[2]!, 6);
    expect(sum(unemployed.filter((_, i) => i % 2 === 1))).toBeCloseTo(bySex[1]!, 6);
  });

  it('matches the press counts of ethnic groups to 0.01 pp of 2,409,207', () => {
    const t = table('ethnicity');
    const reported = ref('ethnicity_2024_census_final')['counts_reported'] as Record<string, number | string>;
    const exact = ETHNICITY_NBS.map((label, index) => [index, reported[label]] as const).filter(([, c]) => typeof c === 'number');
    expect(exact.length).toBeGreaterThanOrEqual(5);
    for (const [index, count] of exact) {
      expect(Math.abs((t.values[index] ?? 0) - (100 * Number(count)) / 2_409_207)).toBeLessThanOrEqual(0.005 + 1e-9);
    }
  });

  it('reproduces the published LFS rates from the labour-status counts', () => {
    const [employed = 0, unemployed = 0, inactive = 0] = table('labour_status_15plus').values.map((v) => v ?? 0);
    const rates = ref('labour_force_status_15plus_2024_lfs')['rates_percent'] as Record<string, number>;
    const population = employed + unemployed + inactive;
    expect(((100 * employed) / population).toFixed(1)).toBe(rates['employment_rate_15plus']?.toFixed(1));
    expect(((100 * (employed + unemployed)) / population).toFixed(1)).toBe(rates['activity_rate_15plus']?.toFixed(1));
    expect(((100 * unemployed) / (employed + unemployed)).toFixed(1)).toBe(rates['unemployment_rate']?.toFixed(1));
  });

  it('agrees across the geographic tables: districts, regions, urban/rural and broad age groups', () => {
    const district = table('district').values.map((v) => v ?? 0);
    const byResidence = table('district_by_residence').values.map((v) => v ?? 0);
    const byAge = table('district_by_broad_age').values.map((v) => v ?? 0);
    DISTRICT_CATEGORIES.forEach((_, i) => {
      expect(byResidence[2 * i]! + byResidence[2 * i + 1]!).toBe(district[i]);
      expect(byAge[3 * i]! + byAge[3 * i + 1]! + byAge[3 * i + 2]!).toBe(district[i]);
    });
    const region = table('region');
    region.categories[0]?.forEach((code, r) => {
      const exact = sum(district.filter((_, i) => DISTRICT_CATEGORIES[i]?.region === code));
      expect(Math.abs(exact / 1000 - (region.values[r] ?? 0)), code).toBeLessThanOrEqual(0.05 + 1e-9);
    });
    const urban = sum(byResidence.filter((_, i) => i % 2 === 0));
    const rural = sum(byResidence.filter((_, i) => i % 2 === 1));
    expect([urban, rural]).toEqual([1_118_967, 1_290_240]);
    const residenceByAge = table('residence_by_broad_age').values.map((v) => v ?? 0);
    expect(sum(residenceByAge.slice(0, 3))).toBe(urban);
    expect(sum(residenceByAge.slice(3))).toBe(rural);
    [0, 1, 2].forEach((a) => expect(residenceByAge[a]! + residenceByAge[3 + a]!).toBe(sum(byAge.filter((_, i) => i % 3 === a))));
  });
});
