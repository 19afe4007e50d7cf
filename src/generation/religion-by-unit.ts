/**
 * Religion by unit and ethnicity (docs/method.md §3): Y(d, e, ρ), 35 units × 9 ethnicities × 13
 * religions, fitted on the calibrated population.
 *
 *   prior       M(d, e) · π(ρ | e), π = the B sheet's named shares × the national named share,
 *               the national distribution for the undeclared ethnicity
 *   counts      rows (d, e) = the key joint's persons; (d, ρ) = religion by unit (annex 5.29)
 *   proportions within every published ethnicity row, the shares of the ten named religions
 *
 * The named share of each ethnicity is free: the model no longer assumes that the share declaring
 * no named religion is the same in every ethnic group, so the small rows keep their published
 * named distribution instead of absorbing the national column factors.
 */
import type { InputSnapshot } from '../census/census-table.js';
import { VARIABLE_DOMAINS } from '../census/domains.js';
import { DISTRICTS, ETHNICITIES, RELIGIONS } from '../domain/categories.js';
import { ServiceError } from '../errors.js';
import { countConstraint, fitConstraints, fitIpf, proportionConstraint, type FitResult } from './ipf.js';
import { matrixOf, rowSharesOf, sharesOf, tableOf } from './table-view.js';

type Tables = InputSnapshot['tables'];

const D = DISTRICTS.length;
const E = ETHNICITIES.length;
const K = RELIGIONS.length;
const NAMED = VARIABLE_DOMAINS.religion_named;

/** π(ρ | e), rows 9 × 13. */
export function religionPrior(tables: Tables): Float64Array {
  const national = sharesOf(tableOf(tables, 'religion'), RELIGIONS);
  const namedShare = NAMED.reduce((sum, code) => sum + national[RELIGIONS.indexOf(code)]!, 0);
  const byEthnicity = tableOf(tables, 'religion_by_ethnicity');
  const prior = new Float64Array(E * K);
  ETHNICITIES.forEach((ethnicity, e) => {
    const row = rowSharesOf(byEthnicity, ethnicity, NAMED);
    RELIGIONS.forEach((code, k) => {
      const at = NAMED.indexOf(code as never);
      // Outside the named religions (and for the undeclared ethnicity) the national shares.
      prior[e * K + k] = row && at >= 0 ? row[at]! * namedShare : national[k]!;
    });
  });
  return prior;
}

/**
 * The B sheet's named rows weighted by the ethnic counts miss the exact national named counts by
 * about 350 persons (Islam, other religions, Old Believers): no table can meet both. The counts win
 * (docs/method.md §3.4): the rows M(e) × named share × q(k | e), with the undeclared ethnicity's
 * named mass free, are raked once to the national named counts, and the raked within-named
 * shares are what the unit fit holds. Returns the within-named shares, rows 9 × 10.
 */
function adjustWithinNamed(tables: Tables, pi: Float64Array, ethnicityTotals: Float64Array): Float64Array {
  const national = sharesOf(tableOf(tables, 'religion'), RELIGIONS);
  const total = ethnicityTotals.reduce((a, b) => a + b, 0);
  const N = NAMED.length;
  const joint = new Float64Array(E * N);
  for (let e = 0; e < E; e += 1) {
    NAMED.forEach((code, j) => (joint[e * N + j] = ethnicityTotals[e]! * pi[e * K + RELIGIONS.indexOf(code)]!));
  }
  const columns = Float64Array.from(NAMED, (code) => national[RELIGIONS.indexOf(code)]! * total);
  const rowTargets = Float64Array.from(ETHNICITIES, (_, e) => joint.subarray(e * N, e * N + N).reduce((a, b) => a + b, 0));
  // The small "other" row holds most of Islam, other religions and Catholics: its named mass is
  // the one free scalar that best meets the named counts (least squares weighted by 1/count,
  // within 0..its persons); the undeclared ethnicity takes what is left over.
  const other = ETHNICITIES.indexOf('other');
  const notDeclared = ETHNICITIES.indexOf('not_declared');
  const rest = Float64Array.from(NAMED, (_, j) => {
    let sum = 0;
    for (let e = 0; e < E; e += 1) if (e !== other && e !== notDeclared) sum += joint[e * N + j]!;
    return sum;
  });
  const q = Float64Array.from(NAMED, (_, j) => (rowTargets[other]! > 0 ? joint[other * N + j]! / rowTargets[other]! : 0));
  let numerator = 0;
  let denominator = 0;
  NAMED.forEach((_, j) => {
    if (columns[j]! <= 0) return;
    numerator += (q[j]! * (columns[j]! - rest[j]!)) / columns[j]!;
    denominator += (q[j]! * q[j]!) / columns[j]!;
  });
  if (denominator > 0) {
    const scale = Math.min(ethnicityTotals[other]!, Math.max(0, numerator / denominator)) / rowTargets[other]!;
    for (let j = 0; j < N; j += 1) joint[other * N + j]! *= scale;
    rowTargets[other] = rowTargets[other]! * scale;
  }
  const columnSum = columns.reduce((a, b) => a + b, 0);
  const fixedSum = rowTargets.reduce((a, b, e) => (e === notDeclared ? a : a + b), 0);
  const leftOver = Math.min(ethnicityTotals[notDeclared]!, Math.max(0, columnSum - fixedSum));
  if (rowTargets[notDeclared]! > 0) {
    for (let j = 0; j < N; j += 1) joint[notDeclared * N + j]! *= leftOver / rowTargets[notDeclared]!;
  }
  rowTargets[notDeclared] = leftOver;
  const rowSum = rowTargets.reduce((a, b) => a + b, 0);
  const fit = fitIpf(
    joint,
    [
      { name: 'named mass by ethnicity', cellCategory: Uint16Array.from(joint, (_, c) => Math.floor(c / N)), targets: rowTargets.map((v) => (v * columnSum) / rowSum) },
      { name: 'named religions', cellCategory: Uint16Array.from(joint, (_, c) => c % N), targets: columns },
    ],
    { tolerance: 1e-12, maxIterations: 5000 },
  );
  const shares = new Float64Array(E * N);
  for (let e = 0; e < E; e += 1) {
    const row = fit.fitted.subarray(e * N, e * N + N);
    const sum = row.reduce((a, b) => a + b, 0);
    row.forEach((v, j) => (shares[e * N + j] = sum > 0 ? v / sum : 0));
  }
  return shares;
}

export interface ReligionFit {
  /** Within-named shares the fit holds (rows 9 × 10, pre-adjusted). */
  readonly withinNamed: Float64Array;
  /** P(ρ | d, e), rows d·9 + e. */
  readonly religion: Float64Array;
  readonly fit: FitResult;
  readonly constraints: readonly string[];
}

/** Fits Y(d, e, ρ) to the unit table with `unitEthnicity` (persons by d·9 + e) as the rows. */
export function fitReligionByUnit(
  tables: Tables,
  unitEthnicity: Float64Array,
  options: { tolerance: number; maxIterations: number },
): ReligionFit {
  const pi = religionPrior(tables);
  const unitReligion = matrixOf(tableOf(tables, 'religion_by_district'), DISTRICTS, RELIGIONS).map((row) =>
    row.map((value) => {
      if (value === null) throw new ServiceError('CENSUS_TABLE_INVALID', 'religion_by_district has an empty cell');
      return value;
    }),
  );
  const n = D * E * K;
  const prior = new Float64Array(n);
  for (let row = 0; row < D * E; row += 1) {
    const e = row % E;
    for (let k = 0; k < K; k += 1) prior[row * K + k] = unitEthnicity[row]! * pi[e * K + k]!;
  }
  const byEthnicity = tableOf(tables, 'religion_by_ethnicity');
  const publishedRow = ETHNICITIES.map((code, e) => (rowSharesOf(byEthnicity, code, NAMED) ? e : -1));
  const ethnicityTotals = Float64Array.from(ETHNICITIES, (_, e) => {
    let sum = 0;
    for (let d = 0; d < D; d += 1) sum += unitEthnicity[d * E + e]!;
    return sum;
  });
  const namedShares = adjustWithinNamed(tables, pi, ethnicityTotals);
  const namedIndex = RELIGIONS.map((code) => NAMED.indexOf(code as never));
  const eOf = (c: number) => Math.floor(c / K) % E;
  const constraints = [
    countConstraint('unit×religion', n, (c) => Math.floor(c / (E * K)) * K + (c % K), unitReligion.flat()),
    proportionConstraint(
      'named religion within ethnicity',
      n,
      (c) => (namedIndex[c % K]! < 0 ? -1 : publishedRow[eOf(c)]!),
      (c) => namedIndex[c % K]!,
      NAMED.length,
      namedShares,
    ),
    countConstraint('unit×ethnicity', n, (c) => Math.floor(c / K), unitEthnicity),
  ];
  const total = unitEthnicity.reduce((a, b) => a + b, 0);
  const fit = fitConstraints(prior, constraints, { ...options, scale: total });
  const religion = new Float64Array(n);
  for (let row = 0; row < D * E; row += 1) {
    let mass = 0;
    for (let k = 0; k < K; k += 1) mass += fit.fitted[row * K + k]!;
    const e = row % E;
    for (let k = 0; k < K; k += 1) religion[row * K + k] = mass > 0 ? fit.fitted[row * K + k]! / mass : pi[e * K + k]!;
  }
  return { withinNamed: namedShares, religion, fit, constraints: constraints.map((c) => c.name) };
}
