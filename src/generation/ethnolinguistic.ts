/**
 * The ethnolinguistic fit (docs/method.md §2): ethnicity × unit is not published, but mother
 * tongue × unit is (annex 5.13, exact), and the two are linked by P(mother tongue | ethnicity)
 * (B). One table X(d, r, e, m) — 35 units × 2 areas × 9 ethnicities × 9 mother tongues — is
 * fitted once per snapshot:
 *
 *   prior       N(d, r) · E(e | region(d), r) · π(m | e)
 *   counts      (d, r) census; (d, m) mother tongue by unit; (r, e) ethnicity by residence
 *   proportions the published region × ethnicity cells (share of the region's declared
 *               population); within every published ethnicity row, the shares of the declared
 *               mother tongues (merged columns), pre-adjusted to the national counts (§3.3)
 *
 * The local factor on each (unit, mother tongue) slice multiplies every ethnicity of the unit,
 * and the national (ethnicity, mother tongue) constraint keeps the excess off the wrong
 * ethnicity: Bulgarian speakers in Taraclia come out mostly ethnic Bulgarians. Its outputs are a
 * derived (unit, area, ethnicity) margin for the key joint and P(m | d, r, e).
 */
import type { InputSnapshot } from '../census/census-table.js';
import { VARIABLE_DOMAINS } from '../census/domains.js';
import { DISTRICT_REGION_INDEX, DISTRICTS, ETHNICITIES, LANGUAGES, REGIONS, RESIDENCES } from '../domain/categories.js';
import { ServiceError } from '../errors.js';
import { countConstraint, fitConstraints, fitIpf, proportionConstraint, type FitResult, type IpfConstraint } from './ipf.js';
import { ethnicityPrior } from './prior.js';
import { matrixOf, rowSharesOf, sharesOf, tableOf } from './table-view.js';

type Tables = InputSnapshot['tables'];

const D = DISTRICTS.length;
const R = RESIDENCES.length;
const E = ETHNICITIES.length;
const L = LANGUAGES.length;
export const ETHNOLINGUISTIC_CELLS = D * R * E * L;
const NOT_DECLARED_E = ETHNICITIES.indexOf('not_declared');
const NOT_DECLARED_L = LANGUAGES.indexOf('not_declared');

/** Column of a language in the census's merged mother-tongue sheet (Moldovan with Romanian); -1 for not declared. */
export function mergedLanguageIndex(language: number): number {
  const code = LANGUAGES[language]!;
  if (code === 'moldovan' || code === 'romanian') return 0;
  return VARIABLE_DOMAINS.mother_tongue_merged.indexOf(code as never);
}

/**
 * π(m | e), rows 9 × 9: the B sheet's merged columns split by model assumptions (ethnic Romanians
 * name Romanian rather than Moldovan 19 times as often as others; the sheet's "other" column is
 * shared between other and not declared in national proportions). The `not_declared` ethnicity
 * row is the national mother-tongue distribution.
 */
export function motherTonguePrior(tables: Tables): Float64Array {
  const merged = tableOf(tables, 'mother_tongue_by_ethnicity');
  const national = sharesOf(tableOf(tables, 'mother_tongue'), LANGUAGES);
  const mergedCodes = VARIABLE_DOMAINS.mother_tongue_merged;
  const other = LANGUAGES.indexOf('other');
  const otherSplit = national[other]! / (national[other]! + national[NOT_DECLARED_L]!);
  const prior = new Float64Array(E * L);
  ETHNICITIES.forEach((ethnicity, e) => {
    const row = rowSharesOf(merged, ethnicity, mergedCodes);
    if (!row) {
      national.forEach((share, l) => (prior[e * L + l] = share));
      return;
    }
    const romanianShare = ethnicity === 'romanian' ? 0.95 : 0.5;
    const at = (language: (typeof LANGUAGES)[number]) => e * L + LANGUAGES.indexOf(language);
    mergedCodes.forEach((code, m) => {
      if (code === 'moldovan_or_romanian') {
        prior[at('moldovan')] = row[m]! * (1 - romanianShare);
        prior[at('romanian')] = row[m]! * romanianShare;
      } else if (code === 'other') {
        prior[at('other')] = row[m]! * otherSplit;
        prior[at('not_declared')] = row[m]! * (1 - otherSplit);
      } else {
        prior[at(code)] = row[m]!;
      }
    });
  });
  return prior;
}

export interface EthnolinguisticFit {
  /** Persons by (unit, area, ethnicity), index (d·2 + r)·9 + e: the key joint's margin. */
  readonly unitEthnicity: Float64Array;
  /** P(m | d, r, e), rows (d·2 + r)·9 + e; rows without mass hold π(m | e). */
  readonly motherTongue: Float64Array;
  /** Shares of the merged declared mother tongues within each ethnicity the fit holds (9 × 7, pre-adjusted). */
  readonly withinDeclared: Float64Array;
  readonly fit: FitResult;
  readonly constraints: readonly string[];
}

const cellOf = (d: number, r: number, e: number, m: number) => ((d * R + r) * E + e) * L + m;

/**
 * §3.3: rakes M(e) · π(m | e), on the census sheet's merged columns (Moldovan with Romanian, so the
 * modelled split between the two cannot bend the rows) plus not declared, to the ethnicity totals
 * and the national mother-tongue counts, so the within-ethnicity shares handed to the fit agree
 * with the exact counts. Where the B sheet and the counts disagree (the "other language" column),
 * the counts win. Returns the shares of the merged declared columns within each row (9 × 7).
 */
function withinDeclaredShares(prior: Float64Array, ethnicityTotals: Float64Array, languageTotals: Float64Array): Float64Array {
  const M = VARIABLE_DOMAINS.mother_tongue_merged.length;
  const W = M + 1; // the merged columns, then not declared
  const columnOf = (l: number) => (l === NOT_DECLARED_L ? M : mergedLanguageIndex(l));
  const joint = new Float64Array(E * W);
  const columns = new Float64Array(W);
  for (let l = 0; l < L; l += 1) columns[columnOf(l)]! += languageTotals[l]!;
  for (let e = 0; e < E; e += 1) for (let l = 0; l < L; l += 1) joint[e * W + columnOf(l)]! += ethnicityTotals[e]! * prior[e * L + l]!;
  const total = ethnicityTotals.reduce((a, b) => a + b, 0);
  const columnSum = columns.reduce((a, b) => a + b, 0);
  const fit = fitIpf(
    joint,
    [
      { name: 'ethnicity', cellCategory: Uint16Array.from(joint, (_, c) => Math.floor(c / W)), targets: ethnicityTotals },
      { name: 'mother tongue', cellCategory: Uint16Array.from(joint, (_, c) => c % W), targets: columns.map((v) => (v * total) / columnSum) },
    ],
    { tolerance: 1e-12, maxIterations: 5000 },
  );
  const shares = new Float64Array(E * M);
  for (let e = 0; e < E; e += 1) {
    let declared = 0;
    for (let m = 0; m < M; m += 1) declared += fit.fitted[e * W + m]!;
    for (let m = 0; m < M; m += 1) shares[e * M + m] = declared > 0 ? fit.fitted[e * W + m]! / declared : 0;
  }
  return shares;
}

function numbers(matrix: (number | null)[][], id: string): number[][] {
  return matrix.map((row) =>
    row.map((value) => {
      if (value === null) throw new ServiceError('CENSUS_TABLE_INVALID', `${id} has an empty cell`);
      return value;
    }),
  );
}

export function fitEthnolinguistic(tables: Tables, options: { tolerance: number; maxIterations: number }): EthnolinguisticFit {
  const districtResidence = numbers(matrixOf(tableOf(tables, 'district_by_residence'), DISTRICTS, RESIDENCES), 'district_by_residence');
  const unitLanguage = numbers(matrixOf(tableOf(tables, 'mother_tongue_by_district'), DISTRICTS, LANGUAGES), 'mother_tongue_by_district');
  const residenceTotals = RESIDENCES.map((_, r) => districtResidence.reduce((sum, row) => sum + row[r]!, 0));
  const total = residenceTotals[0]! + residenceTotals[1]!;
  const residenceEthnicity = RESIDENCES.map((r, ri) => {
    const row = rowSharesOf(tableOf(tables, 'ethnicity_by_residence'), r, ETHNICITIES);
    if (!row) throw new ServiceError('CENSUS_TABLE_INVALID', `ethnicity_by_residence has no row ${r}`);
    return row.map((share) => share * residenceTotals[ri]!);
  });
  const ethnicityTotals = Float64Array.from(ETHNICITIES, (_, e) => residenceEthnicity[0]![e]! + residenceEthnicity[1]![e]!);
  const languageTotals = Float64Array.from(LANGUAGES, (_, l) => unitLanguage.reduce((sum, row) => sum + row[l]!, 0));
  if (Math.abs(languageTotals.reduce((a, b) => a + b, 0) - total) > 0.5) {
    throw new ServiceError('IPF_TARGETS_INCONSISTENT', 'mother_tongue_by_district does not add up to the census total');
  }

  const pi = motherTonguePrior(tables);
  const withinShares = withinDeclaredShares(pi, ethnicityTotals, languageTotals);
  const { givenResidence, regionEffect } = ethnicityPrior(tables);

  const prior = new Float64Array(ETHNOLINGUISTIC_CELLS);
  for (let d = 0; d < D; d += 1) {
    const g = DISTRICT_REGION_INDEX[d]!;
    for (let r = 0; r < R; r += 1) {
      const persons = districtResidence[d]![r]!;
      if (persons === 0) continue;
      let weightSum = 0;
      for (let e = 0; e < E; e += 1) weightSum += givenResidence[r]![e]! * regionEffect[g]![e]!;
      for (let e = 0; e < E; e += 1) {
        const ethnicityMass = (persons * givenResidence[r]![e]! * regionEffect[g]![e]!) / weightSum;
        for (let m = 0; m < L; m += 1) prior[cellOf(d, r, e, m)] = ethnicityMass * pi[e * L + m]!;
      }
    }
  }

  const n = ETHNOLINGUISTIC_CELLS;
  const dOf = (c: number) => Math.floor(c / (R * E * L));
  const rOf = (c: number) => Math.floor(c / (E * L)) % R;
  const eOf = (c: number) => Math.floor(c / L) % E;
  const mOf = (c: number) => c % L;

  // Published region cells, as shares of the region's declared population.
  const partial = tableOf(tables, 'ethnicity_by_region_partial');
  const regionColumns = partial.categories[1] as readonly string[];
  const regionCells = matrixOf(partial, REGIONS, regionColumns);
  const regionGroup = REGIONS.map((_, g) => (regionCells[g]!.some((v) => v !== null) ? g : -1));
  const regionShares = regionCells.flatMap((row) => row.map((v) => (v === null ? 0 : v / 100)));

  // Within each published ethnicity row: the declared mother tongues' merged shares from π'.
  const merged = VARIABLE_DOMAINS.mother_tongue_merged;
  const declaredRows = ETHNICITIES.map((code, e) => (rowSharesOf(tableOf(tables, 'mother_tongue_by_ethnicity'), code, merged) ? e : -1));
  const constraints: IpfConstraint[] = [
    countConstraint('unit×mother tongue', n, (c) => dOf(c) * L + mOf(c), unitLanguage.flat()),
    proportionConstraint(
      'region×ethnicity (published cells)',
      n,
      (c) => (eOf(c) === NOT_DECLARED_E ? -1 : regionGroup[DISTRICT_REGION_INDEX[dOf(c)]!]!),
      (c) => {
        const column = regionColumns.indexOf(ETHNICITIES[eOf(c)]!);
        return column >= 0 && regionCells[DISTRICT_REGION_INDEX[dOf(c)]!]![column] !== null ? column : -1;
      },
      regionColumns.length,
      regionShares,
    ),
    proportionConstraint(
      'mother tongue within ethnicity (declared)',
      n,
      (c) => (mOf(c) === NOT_DECLARED_L ? -1 : declaredRows[eOf(c)]!),
      (c) => mergedLanguageIndex(mOf(c)),
      merged.length,
      withinShares,
    ),
    countConstraint('residence×ethnicity', n, (c) => rOf(c) * E + eOf(c), residenceEthnicity.flatMap((row) => Array.from(row))),
    countConstraint('unit×residence', n, (c) => dOf(c) * R + rOf(c), districtResidence.flat()),
  ];
  const fit = fitConstraints(prior, constraints, { ...options, scale: total });

  const unitEthnicity = new Float64Array(D * R * E);
  const motherTongue = new Float64Array(D * R * E * L);
  for (let row = 0; row < D * R * E; row += 1) {
    let mass = 0;
    for (let m = 0; m < L; m += 1) mass += fit.fitted[row * L + m]!;
    unitEthnicity[row] = mass;
    const e = row % E;
    for (let m = 0; m < L; m += 1) motherTongue[row * L + m] = mass > 0 ? fit.fitted[row * L + m]! / mass : pi[e * L + m]!;
  }
  return { unitEthnicity, motherTongue, withinDeclared: withinShares, fit, constraints: constraints.map((c) => c.name) };
}
