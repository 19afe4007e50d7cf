// Reference families about education, marital status and the labour market (census 10+ and 15+,
// LFS 2024). One function per reference family.
import { countBy, crossCount, distributionCheck, rangeCheck, roundingHalfUnit, shareCheck } from './stats.mjs';
import { ageBounds, educationCode, inactivityCode, labourCode, maritalCode, sectorCode, slugOf } from './vocabulary.mjs';

const sum = (values) => values.reduce((a, b) => a + b, 0);
const ONE_DECIMAL = roundingHalfUnit(1);
const THOUSAND_HALF_UNIT = 0.05;

function base(family, ref, universe, universeMinAge) {
  return { family, source: ref.__file, trust: ref.trust, universe, universe_min_age: universeMinAge };
}

const aged = (low, high = Infinity) => (r) => r.age >= low && r.age <= high;

/** education_level_10plus_2024_census: national structure, urban/rural cells, units, sex within levels. */
export function education(refs, records) {
  const ref = refs.education_level_10plus_2024_census;
  const codes = ref.categories.map(educationCode);
  // The six levels add up to 99.8: the 0.2 not covered (probably not declared) has no output
  // category, so every published share is divided by the published sum (the same 0.998 for the
  // area and unit cells, whose own undeclared share is not published).
  const declared = sum(ref.values) / 100;
  const share = (percent) => percent / 100 / declared;
  const floor = ONE_DECIMAL / declared;
  const tenPlus = records.filter(aged(10));
  const rows = distributionCheck({
    ...base('education 10+', ref, 'persons aged 10+', 10),
    id: 'education',
    what: 'education level',
    categories: codes,
    targets: ref.values.map(share),
    counts: countBy(tenPlus, () => true, (r) => r.education_level, codes),
    floors: codes.map(() => floor),
  });
  const cell = (id, what, universe, subset, level, percent) =>
    shareCheck({
      ...base('education 10+', ref, universe, 10),
      id,
      what,
      target: share(percent),
      hits: subset.filter((r) => r.education_level === level).length,
      n: subset.length,
      floor,
    });
  const urban = tenPlus.filter((r) => r.residence === 'urban');
  const rural = tenPlus.filter((r) => r.residence === 'rural');
  const byArea = ref.by_residence;
  rows.push(
    cell('education:urban:tertiary', 'higher education, urban 10+', 'urban persons aged 10+', urban, 'tertiary', byArea.urban.Superior),
    cell('education:rural:lower_secondary', 'gymnasium, rural 10+', 'rural persons aged 10+', rural, 'lower_secondary', byArea.rural.Gimnazial),
    cell('education:rural:vocational', 'vocational-technical, rural 10+', 'rural persons aged 10+', rural, 'vocational', byArea.rural['Profesional tehnic']),
  );
  // "Twice as many persons with only primary education in rural areas" (wording; soft).
  const primaryShare = (subset) => subset.filter((r) => r.education_level === 'primary').length / Math.max(1, subset.length);
  const ratio = primaryShare(urban) > 0 ? primaryShare(rural) / primaryShare(urban) : null;
  rows.push({
    ...base('education 10+', ref, 'persons aged 10+ by area', 10),
    id: 'education:primary_rural_to_urban_ratio',
    what: 'rural/urban ratio of the primary-only share (published as "twice"; soft, not counted)',
    kind: 'ratio',
    target: 2,
    generated: ratio,
    diff: ratio === null ? null : ratio - 2,
    n: tenPlus.length,
    se: null,
    floor: 0,
    tolerance: null,
    z: null,
    flag: 'n/a',
    soft: true,
  });
  rows.push(...educationByUnit(ref, refs.population_by_district_2024_census.categories.map(slugOf), tenPlus, share, floor));
  rows.push(...educationBySex(ref, tenPlus));
  return rows;
}

/** Higher-education share of the five published units, and "other raions mostly between 10 and 15%". */
function educationByUnit(ref, units, tenPlus, share, floor) {
  const named = Object.entries(ref.higher_education_share_by_unit_percent).filter(([, v]) => typeof v === 'number');
  const byUnit = new Map();
  for (const r of tenPlus) {
    const entry = byUnit.get(r.district) ?? { n: 0, tertiary: 0 };
    entry.n += 1;
    if (r.education_level === 'tertiary') entry.tertiary += 1;
    byUnit.set(r.district, entry);
  }
  const rows = named.map(([label, percent]) => {
    const unit = slugOf(label);
    const entry = byUnit.get(unit) ?? { n: 0, tertiary: 0 };
    return shareCheck({
      ...base('education 10+ by unit', ref, `persons aged 10+ in ${unit}`, 10),
      id: `education:unit:${unit}:tertiary`,
      what: `higher education in ${label}`,
      target: share(percent),
      hits: entry.tertiary,
      n: entry.n,
      floor,
    });
  });
  // "Other raions": every raion not named (municipalities and the UTA are not raions).
  const namedUnits = new Set(named.map(([label]) => slugOf(label)));
  const others = units.filter((u) => !namedUnits.has(u) && u !== 'chisinau' && u !== 'balti' && u !== 'gagauzia');
  const ranges = others.map((unit) =>
    rangeCheck({
      ...base('education 10+ by unit', ref, `persons aged 10+ in ${unit}`, 10),
      id: `education:unit:${unit}:tertiary_range`,
      what: `higher education in ${unit} (published "mostly between 10 and 15"; soft)`,
      low: share(10),
      high: share(15),
      hits: byUnit.get(unit)?.tertiary ?? 0,
      n: byUnit.get(unit)?.n ?? 0,
      soft: true,
    }),
  );
  const measured = ranges.filter((r) => r.flag === 'ok' || r.flag === 'OUT');
  const inside = measured.filter((r) => r.flag === 'ok').length;
  const fraction = measured.length > 0 ? inside / measured.length : null;
  rows.push(...ranges, {
    ...base('education 10+ by unit', ref, 'the other raions', 10),
    id: 'education:unit:other_raions_mostly_10_15',
    what: 'share of the other raions whose higher-education share is within 10-15% (3 SE); "mostly" read as more than half',
    kind: 'majority',
    target: 0.5,
    generated: fraction,
    diff: fraction === null ? null : fraction - 0.5,
    n: measured.length,
    se: null,
    floor: 0,
    tolerance: null,
    z: null,
    flag: fraction === null ? 'n/a' : fraction > 0.5 ? 'ok' : 'OUT',
  });
  return rows;
}

/** Women's share of the higher-educated; the vocational group's women's share lies between its two published parts. */
function educationBySex(ref, tenPlus) {
  const published = ref.sex_composition_within_level_percent;
  const tertiary = tenPlus.filter((r) => r.education_level === 'tertiary');
  const vocational = tenPlus.filter((r) => r.education_level === 'vocational');
  const women = (subset) => subset.filter((r) => r.sex === 'female').length;
  const specialisedWomen = published['Mediu de specialitate (post-secondary specialised): women'] / 100;
  const schoolWomen = 1 - published['Secundar profesional (vocational school): men'] / 100;
  return [
    shareCheck({
      ...base('education 10+ by sex', ref, 'persons aged 10+ with higher education', 10),
      id: 'education:tertiary:women_share',
      what: "women's share of the higher-educated",
      target: published['Superior: women'] / 100,
      hits: women(tertiary),
      n: tertiary.length,
      floor: ONE_DECIMAL,
    }),
    rangeCheck({
      ...base('education 10+ by sex', ref, 'persons aged 10+ with vocational-technical education', 10),
      id: 'education:vocational:women_share_range',
      what: "women's share of vocational-technical (between the vocational-school 42.9% and the post-secondary 60.8%)",
      low: Math.min(specialisedWomen, schoolWomen),
      high: Math.max(specialisedWomen, schoolWomen),
      hits: women(vocational),
      n: vocational.length,
    }),
  ];
}

/** marital_status_15plus_2024_census_final: four statuses of persons 15+ (percent, one decimal). */
export function marital(refs, records) {
  const ref = refs.marital_status_15plus_2024_census_final;
  const codes = ref.categories.map(maritalCode);
  return distributionCheck({
    ...base('marital status 15+', ref, 'persons aged 15+', 15),
    id: 'marital',
    what: 'marital status',
    categories: codes,
    targets: ref.values.map((v) => v / 100),
    counts: countBy(records, aged(15), (r) => r.marital_status, codes),
    floors: codes.map(() => ONE_DECIMAL),
  });
}

/** labour_force_status_15plus_2024_lfs: status of persons 15+, activity and unemployment rates. */
export function labourStatus(refs, records) {
  const ref = refs.labour_force_status_15plus_2024_lfs;
  const codes = ref.categories.map(labourCode);
  const total = sum(ref.values);
  const fifteenPlus = records.filter(aged(15));
  // Inactive is derived (853.9k / 0.427 − 889.1k): the employment rate's rounding (±0.05 pp) bounds
  // the employed and inactive shares; the unemployed share is bounded by its own 0.1k rounding.
  const floors = codes.map((c) => (c === 'unemployed' ? THOUSAND_HALF_UNIT / total : ONE_DECIMAL));
  const rows = distributionCheck({
    ...base('labour status 15+', ref, 'persons aged 15+', 15),
    id: 'labour_status',
    what: 'ILO labour status',
    categories: codes,
    targets: ref.values.map((v) => v / total),
    counts: countBy(fifteenPlus, () => true, (r) => r.employment_status, codes),
    floors,
  });
  const active = fifteenPlus.filter((r) => r.employment_status !== 'inactive');
  rows.push(
    shareCheck({
      ...base('labour status 15+', ref, 'persons aged 15+', 15),
      id: 'labour:activity_rate_15plus',
      what: 'activity rate 15+',
      target: ref.rates_percent.activity_rate_15plus / 100,
      hits: active.length,
      n: fifteenPlus.length,
      floor: ONE_DECIMAL,
    }),
    shareCheck({
      ...base('labour status 15+', ref, 'labour force aged 15+', 15),
      id: 'labour:unemployment_rate',
      what: 'unemployment rate (unemployed / labour force)',
      target: ref.rates_percent.unemployment_rate / 100,
      hits: active.filter((r) => r.employment_status === 'unemployed').length,
      n: active.length,
      floor: ONE_DECIMAL,
    }),
  );
  return rows;
}

/** inactive_population_by_reason_2024_lfs: reasons of the inactive 15+ (other = residual). */
export function inactivity(refs, records) {
  const ref = refs.inactive_population_by_reason_2024_lfs;
  const codes = ref.categories.map(inactivityCode);
  return distributionCheck({
    ...base('inactivity reason', ref, 'inactive persons aged 15+', 15),
    id: 'inactivity_reason',
    what: 'reason for inactivity',
    categories: codes,
    targets: ref.values.map((v) => v / 100),
    counts: countBy(records, (r) => r.employment_status === 'inactive', (r) => r.inactivity_reason, codes),
    floors: codes.map((c) => (c === 'other' ? (codes.length - 1) * ONE_DECIMAL : ONE_DECIMAL)),
  });
}

/** employment_by_sector_2024_lfs: sector of the employed 15+. */
export function sector(refs, records) {
  const ref = refs.employment_by_sector_2024_lfs;
  const codes = ref.categories.map(sectorCode);
  return distributionCheck({
    ...base('economic sector', ref, 'employed persons aged 15+', 15),
    id: 'sector',
    what: 'economic sector',
    categories: codes,
    targets: ref.values.map((v) => v / 100),
    counts: countBy(records, (r) => r.employment_status === 'employed', (r) => r.economic_sector, codes),
    floors: codes.map(() => ONE_DECIMAL),
  });
}

/** lfs_2024_employment_by_sex_residence_region: 20-64 rates by sex and area, 15-34 rate, employed by region, mean age. */
export function lfsRates(refs, records) {
  const ref = refs.lfs_2024_employment_by_sex_residence_region;
  const groups = {
    employment_rate_20_64_total: [aged(20, 64), 'persons aged 20-64', 20],
    employment_rate_20_64_men: [(r) => aged(20, 64)(r) && r.sex === 'male', 'men aged 20-64', 20],
    employment_rate_20_64_women: [(r) => aged(20, 64)(r) && r.sex === 'female', 'women aged 20-64', 20],
    employment_rate_20_64_urban: [(r) => aged(20, 64)(r) && r.residence === 'urban', 'urban persons aged 20-64', 20],
    employment_rate_20_64_rural: [(r) => aged(20, 64)(r) && r.residence === 'rural', 'rural persons aged 20-64', 20],
    employment_rate_15_34: [aged(15, 34), 'persons aged 15-34', 15],
  };
  const rows = ref.categories.map((indicator, k) => {
    const [test, universe, minAge] = groups[indicator];
    const subset = records.filter(test);
    const decimals = Number.isInteger(ref.values[k]) ? 0 : 1;
    return shareCheck({
      ...base('LFS employment rates', ref, universe, minAge),
      id: `lfs:${indicator}`,
      what: indicator.replaceAll('_', ' '),
      target: ref.values[k] / 100,
      hits: subset.filter((r) => r.employment_status === 'employed').length,
      n: subset.length,
      floor: roundingHalfUnit(decimals),
    });
  });
  const employed = records.filter((r) => r.employment_status === 'employed');
  const regionOf = (r) => (r.region === 'sud' || r.region === 'gagauzia' ? 'sud_gagauzia' : r.region);
  const labels = Object.keys(ref.employed_by_region_percent);
  const codes = labels.map((label) => (label.startsWith('Sud') ? 'sud_gagauzia' : slugOf(label)));
  rows.push(
    ...distributionCheck({
      ...base('LFS employed by region', ref, 'employed persons aged 15+', 15),
      id: 'lfs:employed_by_region',
      what: 'employed by region (Sud with Găgăuzia)',
      categories: codes,
      targets: labels.map((label) => ref.employed_by_region_percent[label] / 100),
      counts: countBy(employed, () => true, regionOf, codes),
      floors: codes.map((c) => (c === 'sud_gagauzia' ? 3 * ONE_DECIMAL : ONE_DECIMAL)),
    }),
  );
  const meanAge = employed.length ? sum(employed.map((r) => r.age)) / employed.length : null;
  const sd = employed.length > 1 ? Math.sqrt(sum(employed.map((r) => (r.age - meanAge) ** 2)) / (employed.length - 1)) : null;
  const se = sd === null ? null : sd / Math.sqrt(employed.length);
  const target = ref.other_indicators.mean_age_of_employed_years;
  rows.push({
    ...base('LFS employment rates', ref, 'employed persons aged 15+', 15),
    id: 'lfs:mean_age_of_employed',
    what: 'mean age of the employed (years, published as an integer)',
    kind: 'mean',
    target,
    generated: meanAge,
    diff: meanAge === null ? null : meanAge - target,
    n: employed.length,
    se,
    floor: 0.5,
    tolerance: se === null ? null : 3 * se + 0.5,
    z: se ? (meanAge - target) / se : null,
    flag: se === null ? 'n/a' : Math.abs(meanAge - target) > 3 * se + 0.5 ? 'OUT' : 'ok',
  });
  return rows;
}

/** lfs_2024_unemployed_by_age_sex: the unemployed by six age groups × sex (thousands; "-" read as 0). */
export function unemployedByAgeSex(refs, records) {
  const ref = refs.lfs_2024_unemployed_by_age_sex;
  const bands = ref.categories.rows.map((label) => ({ label, bounds: ageBounds(label) }));
  const sexCols = [
    ['male', ref.categories.cols.indexOf('Men')],
    ['female', ref.categories.cols.indexOf('Women')],
  ];
  const categories = bands.flatMap((b) => sexCols.map(([sex]) => `${b.label}/${sex}`));
  const targets = bands.flatMap((_, a) => sexCols.map(([, col]) => ref.values[a][col] ?? 0));
  const total = sum(targets);
  const unemployed = records.filter((r) => r.employment_status === 'unemployed');
  const keyOf = (r) => {
    const band = bands.find(({ bounds: [low, high] }) => r.age >= low && r.age <= high);
    return band ? `${band.label}/${r.sex}` : undefined;
  };
  const rows = distributionCheck({
    ...base('LFS unemployed by age × sex', ref, 'unemployed persons aged 15+', 15),
    id: 'lfs:unemployed_by_age_sex',
    what: 'the unemployed by age group × sex',
    categories,
    targets: targets.map((v) => v / total),
    counts: countBy(unemployed, () => true, keyOf, categories),
    floors: categories.map(() => THOUSAND_HALF_UNIT / total),
  });
  const [all, men] = [ref.total_row[0], ref.total_row[ref.categories.cols.indexOf('Men')]];
  rows.push(
    shareCheck({
      ...base('LFS unemployed by age × sex', ref, 'unemployed persons aged 15+', 15),
      id: 'lfs:unemployed_men_share',
      what: "men's share of the unemployed",
      target: men / all,
      hits: unemployed.filter((r) => r.sex === 'male').length,
      n: unemployed.length,
      floor: THOUSAND_HALF_UNIT / all,
    }),
  );
  return rows;
}

/** lfs_2024_youth_15_34_status: status of persons 15-34, students among the inactive, NEET (quarterly; soft). */
export function youth(refs, records) {
  const ref = refs.lfs_2024_youth_15_34_status;
  const codes = ref.categories.map((label) => (label.startsWith('employed') ? 'employed' : label.startsWith('unemployed') ? 'unemployed' : 'inactive'));
  const total = sum(ref.values);
  const young = records.filter(aged(15, 34));
  const rows = distributionCheck({
    ...base('LFS youth 15-34', ref, 'persons aged 15-34', 15),
    id: 'lfs:youth_15_34_status',
    what: 'labour status of persons 15-34',
    categories: codes,
    targets: ref.values.map((v) => v / total),
    counts: countBy(young, () => true, (r) => r.employment_status, codes),
    floors: codes.map(() => THOUSAND_HALF_UNIT / total),
  });
  const facts = ref.other_published_facts;
  const inactive = young.filter((r) => r.employment_status === 'inactive');
  // NEET approximated as unemployed or inactive for a reason other than study (no enrolment field).
  const neet = young.filter((r) => r.employment_status === 'unemployed' || (r.employment_status === 'inactive' && r.inactivity_reason !== 'student'));
  rows.push(
    shareCheck({
      ...base('LFS youth 15-34', ref, 'persons aged 15-34', 15),
      id: 'lfs:youth_employment_rate_timpul',
      what: 'employment rate 15-34 as reported by timpul.md (38.7; a second report, conflicts with the counts; soft)',
      target: facts.employment_rate_15_34_percent_timpul_md / 100,
      hits: young.filter((r) => r.employment_status === 'employed').length,
      n: young.length,
      floor: ONE_DECIMAL,
      soft: true,
    }),
    shareCheck({
      ...base('LFS youth 15-34', ref, 'inactive persons aged 15-34', 15),
      id: 'lfs:youth_inactive_in_education',
      what: 'share in education among the inactive 15-34 (inactivity reason student)',
      target: facts.outside_labour_force_in_national_education_percent / 100,
      hits: inactive.filter((r) => r.inactivity_reason === 'student').length,
      n: inactive.length,
      floor: ONE_DECIMAL,
    }),
    shareCheck({
      ...base('LFS youth 15-34', ref, 'persons aged 15-34', 15),
      id: 'lfs:youth_neet_q4',
      what: 'NEET 15-34 (Q4 2024, quarterly; approximated; soft)',
      target: facts.NEET_15_34_Q4_2024_percent / 100,
      hits: neet.length,
      n: young.length,
      floor: ONE_DECIMAL,
      soft: true,
    }),
    shareCheck({
      ...base('LFS youth 15-34', ref, 'NEET persons aged 15-34', 15),
      id: 'lfs:youth_neet_women_share_q4',
      what: "women's share of NEET 15-34 (Q4 2024; approximated; soft)",
      target: facts.NEET_15_34_Q4_2024_women_share_percent / 100,
      hits: neet.filter((r) => r.sex === 'female').length,
      n: neet.length,
      floor: ONE_DECIMAL,
      soft: true,
    }),
  );
  return rows;
}

/** No published target: structure the issue asks about (agriculture among the urban and the rural employed). */
export function sectorByResidenceProbe(refs, records) {
  const ref = refs.employment_by_sector_2024_lfs;
  const employed = records.filter((r) => r.employment_status === 'employed');
  const counts = crossCount(employed, () => true, (r) => r.residence, ['urban', 'rural'], (r) => r.economic_sector, ['agriculture']);
  const totals = countBy(employed, () => true, (r) => r.residence, ['urban', 'rural']);
  return ['urban', 'rural'].map((area, a) => ({
    ...base('probe (no published target)', ref, `${area} employed persons`, 15),
    id: `probe:agriculture_share:${area}`,
    what: `agriculture share of the ${area} employed (no published figure; structure probe)`,
    kind: 'probe',
    target: null,
    generated: totals[a] ? counts[a][0] / totals[a] : null,
    diff: null,
    n: totals[a],
    se: null,
    floor: 0,
    tolerance: null,
    z: null,
    flag: 'n/a',
    soft: true,
  }));
}

export const SOCIAL_FAMILIES = [education, marital, labourStatus, inactivity, sector, lfsRates, unemployedByAgeSex, youth, sectorByResidenceProbe];
