// Reference families about ethnicity, mother tongue, language usually spoken and religion:
// national distributions, by residence, region and unit, and the by-ethnicity tables.
import { countBy, crossCount, distributionCheck, roundingHalfUnit, shareCheck } from './stats.mjs';
import { ageBounds, ethnicityCode, languageCode, religionCode, slugOf, usualLanguageCode } from './vocabulary.mjs';

const everyone = () => true;
const sum = (values) => values.reduce((a, b) => a + b, 0);
const unique = (values) => [...new Set(values)];

function base(family, ref, universe) {
  return { family, source: ref.__file, trust: ref.trust, universe, universe_min_age: 0 };
}

/** Sums the columns of `row` that map to the same code (e.g. free-thinker + agnostic + atheist). */
function mergeColumns(row, codes, into) {
  return into.map((code) => sum(row.filter((_, k) => codes[k] === code)));
}

/** ethnicity_2024_census_final: nine groups incl. not declared (percent, two decimals; not declared a residual). */
export function ethnicityNational(refs, records) {
  const ref = refs.ethnicity_2024_census_final;
  const codes = ref.categories.map(ethnicityCode);
  const cell = roundingHalfUnit(2);
  return distributionCheck({
    ...base('ethnicity', ref, 'persons, all ages'),
    id: 'ethnicity',
    what: 'ethnicity',
    categories: codes,
    targets: ref.values.map((v) => v / 100),
    counts: countBy(records, everyone, (r) => r.ethnicity, codes),
    floors: codes.map((c) => (c === 'not_declared' ? (codes.length - 1) * cell : cell)),
  });
}

/** ethnicity_by_residence_2024_census_final: ethnicity within urban and rural (not declared = the row's remainder). */
export function ethnicityByResidence(refs, records) {
  const ref = refs.ethnicity_by_residence_2024_census_final;
  const codes = [...ref.categories.cols.map(ethnicityCode), 'not_declared'];
  const areas = ref.categories.rows.map((r) => r.toLowerCase());
  const counts = crossCount(records, everyone, (r) => r.residence, areas, (r) => r.ethnicity, codes);
  const cell = roundingHalfUnit(2);
  return areas.flatMap((area, a) => {
    const published = ref.values[a].map((v) => v / 100);
    return distributionCheck({
      ...base('ethnicity × residence', ref, `${area} persons`),
      id: `ethnicity_by_residence:${area}`,
      what: `ethnicity, ${area}`,
      categories: codes,
      targets: [...published, 1 - sum(published)],
      counts: counts[a],
      floors: codes.map((c) => (c === 'not_declared' ? (codes.length - 1) * cell : cell)),
    });
  });
}

/** ethnicity_by_region_2024_census_preliminary_partial: the eight published cells (% of the region's declared population). */
export function ethnicityByRegion(refs, records) {
  const ref = refs.ethnicity_by_region_2024_census_preliminary_partial;
  const regions = ref.categories.rows.map(slugOf);
  const codes = ref.categories.cols.map(ethnicityCode);
  const declared = (r) => r.ethnicity !== 'not_declared';
  const totals = countBy(records, declared, (r) => r.region, regions);
  const counts = crossCount(records, declared, (r) => r.region, regions, (r) => r.ethnicity, codes);
  return regions.flatMap((region, g) =>
    codes.flatMap((code, e) => {
      const value = ref.values[g][e];
      if (value === null) return [];
      return [
        shareCheck({
          ...base('ethnicity × region (preliminary)', ref, `persons in ${region} who declared an ethnicity`),
          id: `ethnicity_by_region:${region}:${code}`,
          what: `${ref.categories.cols[e]} in ${ref.categories.rows[g]}`,
          target: value / 100,
          hits: counts[g][e],
          n: totals[g],
          floor: roundingHalfUnit(1),
        }),
      ];
    }),
  );
}

/** ethnicity_age_profile_2024_census_unverified: ten-year age profile of six groups (trust C). */
export function ethnicityAgeProfile(refs, records) {
  const ref = refs.ethnicity_age_profile_2024_census_unverified;
  const bands = ref.categories.rows.map((label) => ({ label, bounds: ageBounds(label) }));
  const bandOf = (r) => bands.find(({ bounds: [low, high] }) => r.age >= low && r.age <= high)?.label;
  return ref.categories.cols.flatMap((label, e) => {
    const code = ethnicityCode(label);
    return distributionCheck({
      ...base('ethnicity × age (unverified)', ref, `${code} persons`),
      id: `ethnicity_age:${code}`,
      what: `age profile of ${label}`,
      categories: bands.map((b) => b.label),
      targets: ref.values.map((row) => row[e] / 100),
      counts: countBy(records, (r) => r.ethnicity === code, bandOf, bands.map((b) => b.label)),
      floors: bands.map(() => roundingHalfUnit(1)),
    });
  });
}

/** mother_tongue_2024_census_final: nine categories (exact counts). */
export function motherTongueNational(refs, records) {
  const ref = refs.mother_tongue_2024_census_final;
  const codes = ref.categories.map(languageCode);
  const total = sum(ref.values);
  return distributionCheck({
    ...base('mother tongue', ref, 'persons, all ages'),
    id: 'mother_tongue',
    what: 'mother tongue',
    categories: codes,
    targets: ref.values.map((v) => v / total),
    counts: countBy(records, everyone, (r) => r.mother_tongue, codes),
  });
}

/** mother_tongue_by_ethnicity_2024_census_final: P(mother tongue | ethnicity), Moldovan and Romanian merged, not declared excluded. */
export function motherTongueByEthnicity(refs, records) {
  const ref = refs.mother_tongue_by_ethnicity_2024_census_final;
  // The sheet's "Română" column is Moldovenească + Română.
  const merged = (language) => (language === 'moldovan' || language === 'romanian' ? 'romanian' : language);
  const cols = ref.categories.cols.map(languageCode);
  const rows = ref.categories.rows.map(ethnicityCode);
  const counts = crossCount(records, (r) => r.mother_tongue !== 'not_declared', (r) => r.ethnicity, rows, (r) => merged(r.mother_tongue), cols);
  return rows.flatMap((code, e) =>
    distributionCheck({
      ...base('mother tongue × ethnicity', ref, `${code} persons who declared a mother tongue`),
      id: `mother_tongue_by_ethnicity:${code}`,
      what: `mother tongue of ${ref.categories.rows[e]} (Moldovan+Romanian merged)`,
      categories: cols.map((c) => (c === 'romanian' ? 'moldovan_or_romanian' : c)),
      targets: ref.values[e],
      counts: counts[e],
    }),
  );
}

/** mother_tongue_by_district_2024_census_final: nine categories in every unit (exact counts). */
export function motherTongueByUnit(refs, records) {
  const ref = refs.mother_tongue_by_district_2024_census_final;
  const units = ref.categories.rows.map(slugOf);
  const codes = ref.categories.cols.map(languageCode);
  const counts = crossCount(records, everyone, (r) => r.district, units, (r) => r.mother_tongue, codes);
  return units.flatMap((unit, d) =>
    distributionCheck({
      ...base('mother tongue × unit', ref, `persons in ${unit}`),
      id: `mother_tongue_by_unit:${unit}`,
      what: `mother tongue in ${ref.categories.rows[d]}`,
      categories: codes,
      targets: ref.values[d].map((v) => v / sum(ref.values[d])),
      counts: counts[d],
    }),
  );
}

/** language_usually_spoken_2024_census_final: five languages and a residual (percent, one decimal). */
export function usualLanguage(refs, records) {
  const ref = refs.language_usually_spoken_2024_census_final;
  const codes = ref.categories.map(usualLanguageCode);
  const known = new Set(codes);
  const cell = roundingHalfUnit(1);
  return distributionCheck({
    ...base('language usually spoken', ref, 'persons, all ages'),
    id: 'usual_language',
    what: 'language usually spoken',
    categories: codes,
    targets: ref.values.map((v) => v / 100),
    counts: countBy(records, everyone, (r) => (known.has(r.language_usually_spoken) ? r.language_usually_spoken : 'other_residual'), codes),
    floors: codes.map((c) => (c === 'other_residual' ? (codes.length - 1) * cell : cell)),
  });
}

/** religion_2024_census_final: thirteen categories (exact counts). */
export function religionNational(refs, records) {
  const ref = refs.religion_2024_census_final;
  const codes = ref.categories.map(religionCode);
  const total = sum(ref.values);
  return distributionCheck({
    ...base('religion', ref, 'persons, all ages'),
    id: 'religion',
    what: 'religion',
    categories: codes,
    targets: ref.values.map((v) => v / total),
    counts: countBy(records, everyone, (r) => r.religion, codes),
  });
}

/** religion_by_ethnicity_2024_census_final: P(named religion | ethnicity), over the ten named religions only. */
export function religionByEthnicity(refs, records) {
  const ref = refs.religion_by_ethnicity_2024_census_final;
  const cols = ref.categories.cols.map(religionCode);
  const named = new Set(cols);
  const rows = ref.categories.rows.map(ethnicityCode);
  const counts = crossCount(records, (r) => named.has(r.religion), (r) => r.ethnicity, rows, (r) => r.religion, cols);
  return rows.flatMap((code, e) =>
    distributionCheck({
      ...base('religion × ethnicity', ref, `${code} persons who declared a named religion`),
      id: `religion_by_ethnicity:${code}`,
      what: `named religion of ${ref.categories.rows[e]}`,
      categories: cols,
      targets: ref.values[e],
      counts: counts[e],
    }),
  );
}

/** religion_by_district_2024_census_final: religion in every unit (exact; free-thinker, agnostic and atheist merged as in the output). */
export function religionByUnit(refs, records) {
  const ref = refs.religion_by_district_2024_census_final;
  const units = ref.categories.rows.map(slugOf);
  const columnCodes = ref.categories.cols.map(religionCode);
  const codes = unique(columnCodes);
  const counts = crossCount(records, everyone, (r) => r.district, units, (r) => r.religion, codes);
  return units.flatMap((unit, d) => {
    const row = mergeColumns(ref.values[d], columnCodes, codes);
    return distributionCheck({
      ...base('religion × unit', ref, `persons in ${unit}`),
      id: `religion_by_unit:${unit}`,
      what: `religion in ${ref.categories.rows[d]}`,
      categories: codes,
      targets: row.map((v) => v / sum(row)),
      counts: counts[d],
    });
  });
}

export const ETHNOCULTURAL_FAMILIES = [
  ethnicityNational,
  ethnicityByResidence,
  ethnicityByRegion,
  ethnicityAgeProfile,
  motherTongueNational,
  motherTongueByEthnicity,
  motherTongueByUnit,
  usualLanguage,
  religionNational,
  religionByEthnicity,
  religionByUnit,
];
