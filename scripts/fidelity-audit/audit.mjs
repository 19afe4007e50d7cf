// The audit proper: every reference family against one generated dataset, plus the account of
// the reference files it does not check and why. Pure: (references, records, scope) → rows.
import { ETHNOCULTURAL_FAMILIES } from './families-ethnocultural.mjs';
import { POPULATION_FAMILIES } from './families-population.mjs';
import { SOCIAL_FAMILIES } from './families-social.mjs';

export const FAMILIES = [...POPULATION_FAMILIES, ...ETHNOCULTURAL_FAMILIES, ...SOCIAL_FAMILIES];

/** Reference files (or parts) no row checks, with the reason. Anything else unread is reported as unaccounted. */
export const NOT_CHECKED = {
  population_totals: 'levels, not shares (n is fixed by the request); its 1 Jan 2024 total is the denominator of the 60+ share',
  mother_tongue_other_detail_2024_census: 'the output has no detail inside "other" mother tongue',
  lfs_2022_sdg_proxies_age_sex: '2022 vintage on the 2014 base: priors for shapes, not 2024 targets (reference README)',
  earnings_by_district_2025: 'no income field; employees of reporting units by workplace are not the employed by residence',
};

/** Published figures inside checked files that no row can test, with the reason. */
export const NOT_REPRESENTABLE = [
  ['education_level_10plus_2024_census', 'literacy (99.6%), persons in education by unit, 2014 comparison', 'no literacy or enrolment field'],
  ['education_level_10plus_2024_census', 'post-secondary vs vocational-school sex shares separately', 'one vocational category in the output; tested as a range'],
  ['sex_2024_census', '89 men per 100 women', 'the same figure as the sex shares'],
  ['elderly_60plus_by_sex_2023_2024_estimates', 'the 2023-01-01 row', 'older vintage; the 2024 row is checked'],
  ['inactive_population_by_reason_2024_lfs', 'derived six-way activity status', 'not an NBS table; equals status × reason, both checked'],
  ['lfs_2024_employment_by_sex_residence_region', 'informal employment, private sector, wish to change job', 'no such fields'],
  ['lfs_2024_unemployed_by_age_sex', '2019-2023 and 2025 series', 'other years'],
  ['lfs_2024_youth_15_34_status', 'Q4 education/employment split, NEET reasons, population 14-34 at 2025', 'quarterly or other date; no enrolment field'],
];

/** Minimum output age of a scope. */
export const scopeMinAge = (scope) => (scope === 'adults' ? 18 : 0);

/**
 * Runs every family. Rows whose universe starts below the scope's youngest age cannot be compared
 * (the output has no one there) and are marked `n/a (scope)`.
 */
export function runAudit(refs, records, { scope = 'all' } = {}) {
  const minAge = scopeMinAge(scope);
  const rows = FAMILIES.flatMap((family) => family(refs, records)).map((row) =>
    row.universe_min_age < minAge ? { ...row, flag: 'n/a (scope)' } : row,
  );
  const ids = new Set();
  for (const row of rows) {
    if (ids.has(row.id)) throw new Error(`fidelity-audit: duplicate row id ${row.id}`);
    ids.add(row.id);
  }
  return { rows, coverage: coverageOf(refs, rows) };
}

function coverageOf(refs, rows) {
  const read = new Set(rows.map((row) => row.source));
  return Object.keys(refs)
    .sort()
    .map((file) => ({
      file,
      trust: refs[file].trust ?? null,
      rows: rows.filter((row) => row.source === file).length,
      status: read.has(file) ? 'checked' : NOT_CHECKED[file] ? 'not checked' : 'UNACCOUNTED',
      reason: read.has(file) ? null : (NOT_CHECKED[file] ?? 'no family reads this file'),
    }));
}

/** Rows that count towards the verdict: measurable, not soft, not sparse, not out of scope. */
export const counted = (row) => !row.soft && !row.sparse && (row.flag === 'ok' || row.flag === 'OUT');

/** Per family: counted rows and how many are outside their envelope. */
export function summarise(rows) {
  const families = new Map();
  for (const row of rows) {
    const entry = families.get(row.family) ?? { family: row.family, trust: new Set(), rows: 0, out: 0, worst: null };
    entry.trust.add(row.trust);
    if (counted(row)) {
      entry.rows += 1;
      if (row.flag === 'OUT') {
        entry.out += 1;
        // A zero tolerance (a structural zero, a majority rule) ranks above any finite excess.
        const excess = row.tolerance > 0 ? Math.abs(row.diff) / row.tolerance : Infinity;
        if (entry.worst === null || excess > entry.worst.excess) entry.worst = { id: row.id, excess, diff: row.diff, kind: row.kind };
      }
    }
    families.set(row.family, entry);
  }
  return [...families.values()].map((e) => ({ ...e, trust: [...e.trust].join(', ') }));
}
