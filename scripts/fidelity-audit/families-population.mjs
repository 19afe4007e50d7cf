// Reference families about who lives where: sex, residence, region, unit, the joint tables of
// those, and the age structure (pre-census single ages, census broad groups, 60+, mean and median
// ages). One function per reference family; each returns result rows (see stats.mjs).
import { countBy, crossCount, distributionCheck, meanCheck, medianCheck, roundingHalfUnit, shareCheck } from './stats.mjs';
import { slugOf } from './vocabulary.mjs';

const everyone = () => true;
const sum = (values) => values.reduce((a, b) => a + b, 0);
const THOUSAND_HALF_UNIT = 0.05; // half of the last printed digit of a figure in thousands (0.1k)

/** Labels shared by every row of a family. */
function base(family, ref, universe, universeMinAge) {
  return { family, source: ref.__file, trust: ref.trust, universe, universe_min_age: universeMinAge };
}

/** sex_2024_census: female / male, all ages (thousands). */
export function sexNational(refs, records) {
  const ref = refs.sex_2024_census;
  const codes = ['female', 'male'];
  const total = sum(ref.values);
  return distributionCheck({
    ...base('sex', ref, 'persons, all ages', 0),
    id: 'sex',
    what: 'sex',
    categories: codes,
    targets: ref.values.map((v) => v / total),
    counts: countBy(records, everyone, (r) => r.sex, codes),
    floors: codes.map(() => THOUSAND_HALF_UNIT / total),
  });
}

/** residence_urban_rural_2024_census: urban / rural, all ages (thousands). */
export function residenceNational(refs, records) {
  const ref = refs.residence_urban_rural_2024_census;
  const codes = ['urban', 'rural'];
  const total = sum(ref.values);
  return distributionCheck({
    ...base('residence', ref, 'persons, all ages', 0),
    id: 'residence',
    what: 'residence',
    categories: codes,
    targets: ref.values.map((v) => v / total),
    counts: countBy(records, everyone, (r) => r.residence, codes),
    floors: codes.map(() => THOUSAND_HALF_UNIT / total),
  });
}

/** development_region_2024_census: five regions (thousands). */
export function regionNational(refs, records) {
  const ref = refs.development_region_2024_census;
  const codes = ref.categories.map(slugOf);
  const total = sum(ref.values);
  return distributionCheck({
    ...base('region', ref, 'persons, all ages', 0),
    id: 'region',
    what: 'development region',
    categories: codes,
    targets: ref.values.map((v) => v / total),
    counts: countBy(records, everyone, (r) => r.region, codes),
    floors: codes.map(() => THOUSAND_HALF_UNIT / total),
  });
}

/** population_by_district_2024_census: the 35 units (exact counts). */
export function districtNational(refs, records) {
  const ref = refs.population_by_district_2024_census;
  const codes = ref.categories.map(slugOf);
  return distributionCheck({
    ...base('unit', ref, 'persons, all ages', 0),
    id: 'unit',
    what: 'second-level unit',
    categories: codes,
    targets: ref.values.map((v) => v / ref.total),
    counts: countBy(records, everyone, (r) => r.district, codes),
  });
}

/** geography_development_regions: every unit sits in its region (0 mismatches). */
export function unitRegionMapping(refs, records) {
  const ref = refs.geography_development_regions;
  const regionOfUnit = new Map();
  for (const [region, units] of Object.entries(ref.values)) for (const unit of units) regionOfUnit.set(slugOf(unit), slugOf(region));
  const mismatches = records.filter((r) => regionOfUnit.get(r.district) !== r.region).length;
  return [
    shareCheck({
      ...base('unit', ref, 'persons, all ages', 0),
      id: 'unit_region_mapping',
      what: 'records whose region is not the region of their unit',
      target: 0,
      hits: mismatches,
      n: records.length,
      structural: true,
    }),
  ];
}

/** district_by_residence_2024_census: urban share of every unit, and the 70-cell joint. */
export function districtByResidence(refs, records) {
  const ref = refs.district_by_residence_2024_census;
  const units = ref.categories.rows.map(slugOf);
  const counts = crossCount(records, everyone, (r) => r.district, units, (r) => r.residence, ['urban', 'rural']);
  const total = sum(ref.values.flat());
  const joint = distributionCheck({
    ...base('unit × residence', ref, 'persons, all ages', 0),
    id: 'unit_x_residence',
    what: 'unit × residence',
    categories: units.flatMap((u) => [`${u}/urban`, `${u}/rural`]),
    targets: ref.values.flat().map((v) => v / total),
    counts: counts.flat(),
  })[0];
  const perUnit = units.map((unit, d) =>
    shareCheck({
      ...base('unit × residence', ref, `persons in ${unit}`, 0),
      id: `urban_share:${unit}`,
      what: `urban share of ${ref.categories.rows[d]}`,
      target: ref.values[d][0] / sum(ref.values[d]),
      hits: counts[d][0],
      n: sum(counts[d]),
      // A unit without a town (Dubăsari on the right bank) must stay fully rural.
      structural: ref.values[d][0] === 0,
    }),
  );
  return [joint, ...perUnit];
}

/** region_by_residence_2024_census: urban share of every region. */
export function regionByResidence(refs, records) {
  const ref = refs.region_by_residence_2024_census;
  const regions = ref.categories.rows.map(slugOf);
  const counts = crossCount(records, everyone, (r) => r.region, regions, (r) => r.residence, ['urban', 'rural']);
  return regions.map((region, g) =>
    shareCheck({
      ...base('region × residence', ref, `persons in ${region}`, 0),
      id: `urban_share_region:${region}`,
      what: `urban share of ${ref.categories.rows[g]}`,
      target: ref.values[g][0] / sum(ref.values[g]),
      hits: counts[g][0],
      n: sum(counts[g]),
    }),
  );
}

/** sex_by_district_2024_census_derived: female share of every unit (bounds from the ratio rounding). */
export function sexByUnit(refs, records) {
  const ref = refs.sex_by_district_2024_census_derived;
  const units = ref.categories.rows.map(slugOf);
  const counts = crossCount(records, everyone, (r) => r.district, units, (r) => r.sex, ['male', 'female']);
  return units.map((unit, d) => {
    const total = ref.population_total[d];
    const [low, high] = ref.male_derived_bounds_from_ratio_rounding[d];
    return shareCheck({
      ...base('sex × unit', ref, `persons in ${unit}`, 0),
      id: `female_share:${unit}`,
      what: `female share of ${ref.categories.rows[d]}`,
      target: ref.values[d][1] / total,
      hits: counts[d][1],
      n: sum(counts[d]),
      floor: (high - low) / 2 / total,
    });
  });
}

/** age_single_year_2024-01-01_estimate: single ages 0..84 and 85+ (pre-census estimate). */
export function ageSingle(refs, records) {
  const ref = refs['age_single_year_2024-01-01_estimate'];
  const total = sum(ref.values);
  const ageLabel = (r) => (r.age >= 85 ? '85+' : String(r.age));
  const rows = distributionCheck({
    ...base('age (1 Jan 2024 estimate)', ref, 'persons, all ages', 0),
    id: 'age_single',
    what: 'single year of age',
    categories: ref.categories,
    targets: ref.values.map((v) => v / total),
    counts: countBy(records, everyone, ageLabel, ref.categories),
  });
  const n = records.length;
  const aggregates = [
    ['age_0_17', 'share aged 0-17', (r) => r.age <= 17],
    ['age_60_plus', 'share aged 60+', (r) => r.age >= 60],
    ['age_80_plus', 'share aged 80+', (r) => r.age >= 80],
  ].map(([key, what, test]) =>
    shareCheck({
      ...base('age (1 Jan 2024 estimate)', ref, 'persons, all ages', 0),
      id: `age_aggregate:${key}`,
      what: `${what} (published aggregate)`,
      target: ref.aggregate_checks[key] / ref.aggregate_checks.total,
      hits: records.filter(test).length,
      n,
    }),
  );
  return [...rows, ...aggregates];
}

/** age_groups_2024-01-01_estimate: 0-14 … 65+ (pre-census estimate). */
export function ageGroups(refs, records) {
  const ref = refs['age_groups_2024-01-01_estimate'];
  const bands = ref.categories.map((label) => {
    const open = label.endsWith('+');
    const [low, high] = open ? [Number(label.slice(0, -1)), Infinity] : label.split('-').map(Number);
    return { label, low, high };
  });
  const bandOf = (r) => bands.find((b) => r.age >= b.low && r.age <= b.high)?.label;
  const total = sum(ref.values);
  return distributionCheck({
    ...base('age (1 Jan 2024 estimate)', ref, 'persons, all ages', 0),
    id: 'age_groups',
    what: 'ten-year age group',
    categories: ref.categories,
    targets: ref.values.map((v) => v / total),
    counts: countBy(records, everyone, bandOf, ref.categories),
  });
}

/**
 * The census broad groups. Bounds adopted: under working age 0-15; over working age men 63+ and
 * women 60+ (the statutory ages at the census date were 63 and 60 years 6 months; in completed
 * years the women aged 60 are split, and 60+ is what the national total fits, see the reference
 * note); working age in between.
 */
export const BROAD_GROUPS = ['0-15', 'working_age', 'over_working_age'];
export function broadGroupOf(record, womenFrom = 60) {
  if (record.age <= 15) return '0-15';
  const retirement = record.sex === 'male' ? 63 : womenFrom;
  return record.age >= retirement ? 'over_working_age' : 'working_age';
}

/** district_by_broad_age_group_2024_census: the three broad groups in every unit, and nationally. */
export function broadAgeByUnit(refs, records) {
  const ref = refs.district_by_broad_age_group_2024_census;
  const units = ref.categories.rows.map(slugOf);
  const counts = crossCount(records, everyone, (r) => r.district, units, (r) => broadGroupOf(r), BROAD_GROUPS);
  const national = distributionCheck({
    ...base('broad age group (census)', ref, 'persons, all ages', 0),
    id: 'broad_age:national',
    what: 'census broad age groups, national',
    categories: BROAD_GROUPS,
    targets: ref.national_total_row.map((v) => v / sum(ref.national_total_row)),
    counts: BROAD_GROUPS.map((_, k) => sum(counts.map((row) => row[k]))),
  });
  const perUnit = units.flatMap((unit, d) =>
    distributionCheck({
      ...base('broad age group (census)', ref, `persons in ${unit}`, 0),
      id: `broad_age:${unit}`,
      what: `broad age groups in ${ref.categories.rows[d]}`,
      categories: BROAD_GROUPS,
      targets: ref.values[d].map((v) => v / sum(ref.values[d])),
      counts: counts[d],
    }),
  );
  // Sensitivity of the adopted bound: women over working age from 61 instead of 60.
  const sensitivity = shareCheck({
    ...base('broad age group (census)', ref, 'persons, all ages', 0),
    id: 'broad_age:national:over_working_age_if_women_61',
    what: 'over working age with women from 61 (bound sensitivity, not counted)',
    target: ref.national_total_row[2] / sum(ref.national_total_row),
    hits: records.filter((r) => broadGroupOf(r, 61) === 'over_working_age').length,
    n: records.length,
    soft: true,
  });
  return [...national, ...perUnit, sensitivity];
}

/** residence_by_broad_age_group_2024_census: the three broad groups in urban and rural areas. */
export function broadAgeByResidence(refs, records) {
  const ref = refs.residence_by_broad_age_group_2024_census;
  const areas = ['urban', 'rural'];
  const counts = crossCount(records, everyone, (r) => r.residence, areas, (r) => broadGroupOf(r), BROAD_GROUPS);
  return areas.flatMap((area, a) =>
    distributionCheck({
      ...base('broad age group (census)', ref, `${area} persons`, 0),
      id: `broad_age:${area}`,
      what: `broad age groups, ${area}`,
      categories: BROAD_GROUPS,
      targets: ref.values[a].map((v) => v / sum(ref.values[a])),
      counts: counts[a],
    }),
  );
}

/** elderly_60plus_by_sex_2023_2024_estimates (1 Jan 2024 row): women's share of 60+, 60+ and 80+ shares. */
export function elderlyBySex(refs, records) {
  const ref = refs.elderly_60plus_by_sex_2023_2024_estimates;
  const row = ref.categories.rows.indexOf('2024-01-01');
  const [both, , women] = ref.values[row];
  const totalEstimate = refs.population_totals.values[refs.population_totals.categories.indexOf('estimate_2024-01-01_provisional_pre_census')];
  const old = records.filter((r) => r.age >= 60);
  const labels = (universe, minAge) => base('60+ by sex (1 Jan 2024 estimate)', ref, universe, minAge);
  const facts = ref.other_published_facts['2024-01-01'];
  return [
    shareCheck({ ...labels('persons aged 60+', 60), id: 'elderly:women_share_60plus', what: "women's share of persons 60+", target: women / both, hits: old.filter((r) => r.sex === 'female').length, n: old.length, floor: THOUSAND_HALF_UNIT / both }),
    shareCheck({ ...labels('persons, all ages', 0), id: 'elderly:share_60plus', what: 'share of the population aged 60+', target: (both * 1000) / totalEstimate, hits: old.length, n: records.length, floor: (THOUSAND_HALF_UNIT * 1000) / totalEstimate }),
    shareCheck({ ...labels('persons aged 60+', 60), id: 'elderly:share_80plus_of_60plus', what: 'share of 80+ among persons 60+', target: facts.aged_80plus_thousand / both, hits: old.filter((r) => r.age >= 80).length, n: old.length, floor: THOUSAND_HALF_UNIT / both }),
  ];
}

/** Mean ages: 1 Jan 2024 estimate (both sexes, women, men) and the census mean age. */
export function meanAges(refs, records) {
  const ref = refs.elderly_60plus_by_sex_2023_2024_estimates;
  const means = ref.other_published_facts['2024-01-01'].mean_age_years;
  const floor = roundingHalfUnit(1, 'years');
  const labels = (universe) => base('mean age', ref, universe, 0);
  // Published mean ages count each person at the middle of their year of age (completed age + 0.5):
  // the estimate's own single-age table gives 40.6 in completed years and 41.1 (as published) with
  // the half year, so the generated completed ages are compared on the same footing.
  const ages = (test) => records.filter(test).map((r) => r.age + 0.5);
  const rows = [
    meanCheck({ ...labels('persons, all ages'), id: 'mean_age:estimate:both', what: 'mean age (1 Jan 2024 estimate)', target: means.both, values: ages(everyone), floor }),
    meanCheck({ ...labels('women, all ages'), id: 'mean_age:estimate:women', what: 'mean age of women (1 Jan 2024 estimate)', target: means.women, values: ages((r) => r.sex === 'female'), floor }),
    meanCheck({ ...labels('men, all ages'), id: 'mean_age:estimate:men', what: 'mean age of men (1 Jan 2024 estimate)', target: means.men, values: ages((r) => r.sex === 'male'), floor }),
  ];
  // The census mean age is printed only in a source note of the broad-age file ("mean age 40.6").
  const census = refs.district_by_broad_age_group_2024_census;
  const note = census.other_sources.map((s) => s.what).join(' ');
  const match = /mean age (\d+(?:\.\d+)?)/.exec(note);
  if (match) {
    rows.push(
      meanCheck({ ...base('mean age', census, 'persons, all ages', 0), id: 'mean_age:census', what: 'mean age (census 2024, as quoted)', target: Number(match[1]), values: ages(everyone), floor }),
    );
  }
  return rows;
}

/** sex_by_district (median_age_years_interpolated): the transcriber's grouped median per unit (not an NBS figure; soft). */
export function medianAgeByUnit(refs, records) {
  const ref = refs.sex_by_district_2024_census_derived;
  const units = ref.categories.rows.map(slugOf);
  const byUnit = new Map(units.map((u) => [u, []]));
  for (const r of records) byUnit.get(r.district)?.push(r.age);
  return units.map((unit, d) =>
    medianCheck({
      ...base('median age by unit (interpolated)', ref, `persons in ${unit}`, 0),
      id: `median_age:${unit}`,
      what: `median age of ${ref.categories.rows[d]} (grouped, interpolated)`,
      target: ref.median_age_years_interpolated[d],
      ages: byUnit.get(unit),
      floor: roundingHalfUnit(1, 'years'),
      soft: true,
    }),
  );
}

export const POPULATION_FAMILIES = [
  sexNational,
  residenceNational,
  regionNational,
  districtNational,
  unitRegionMapping,
  districtByResidence,
  regionByResidence,
  sexByUnit,
  ageSingle,
  ageGroups,
  broadAgeByUnit,
  broadAgeByResidence,
  elderlyBySex,
  meanAges,
  medianAgeByUnit,
];
