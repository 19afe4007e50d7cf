/**
 * Step 2 of SPEC §5.1: calibrate the key-joint prior to every official margin that covers it,
 * in the all-ages universe the census publishes:
 *
 *   district × residence (census), sex (census), single age (annual estimate or PxWeb), and
 *   ethnicity × residence (census; row shares × the residence totals of the first margin).
 *
 * Every margin is expressed as shares of the census total, so the totals agree by construction;
 * `fitIpf` still checks them. The partial region × ethnicity cells and the ethnicity age profile
 * are secondary figures and shape only the prior (soft use, SPEC §3.2).
 */
import type { InputSnapshot } from '../census/census-table.js';
import { AGE_SINGLE_CODES } from '../census/domains.js';
import { ServiceError } from '../errors.js';
import { DISTRICTS, ETHNICITIES, RESIDENCES, SEXES } from '../domain/categories.js';
import { fitIpf, type IpfMargin } from './ipf.js';
import { KEY_DIMENSIONS, crossIndex, keyCellIndexes } from './key-joint.js';
import { buildKeyPrior } from './prior.js';
import { matrixOf, rowSharesOf, sharesOf, tableOf } from './table-view.js';
import { weightDiagnostics } from './weight-diagnostics.js';

export interface CalibrationOptions {
  readonly useIpf: boolean;
  /** Largest margin residual, as a share of the total, at which IPF stops. */
  readonly tolerance: number;
  readonly maxIterations: number;
}

export const DEFAULT_CALIBRATION: CalibrationOptions = { useIpf: true, tolerance: 1e-10, maxIterations: 500 };

/** SPEC §5.1 diagnostics (same keys as the trust report's calibration section). */
export interface CalibrationDiagnostics {
  readonly applied: boolean;
  readonly iterations: number;
  readonly converged: boolean;
  readonly max_residual: number;
  readonly tolerance: number;
  readonly max_iterations: number;
  readonly margins: readonly string[];
  readonly ess: number | null;
  readonly ess_ratio: number | null;
  readonly information_loss: number | null;
  readonly max_weight: number | null;
  readonly mean_weight: number | null;
  readonly max_mean_weight_ratio: number | null;
  readonly top5_weight_share: number | null;
}

export interface CalibratedJoint {
  readonly prior: Float64Array;
  /** Calibrated joint in persons (the prior itself when IPF is off). */
  readonly joint: Float64Array;
  /** The calibrated joint, whatever `useIpf` says: the census's best estimate, used for targets. */
  readonly calibrated: Float64Array;
  readonly diagnostics: CalibrationDiagnostics;
}

/** The official margins of the key joint, as persons summing to the census total. */
export function keyMargins(tables: InputSnapshot['tables']): IpfMargin[] {
  const indexes = keyCellIndexes();
  const districtResidence = matrixOf(tableOf(tables, 'district_by_residence'), DISTRICTS, RESIDENCES);
  const residenceTotals = [0, 0];
  const dr = new Float64Array(KEY_DIMENSIONS.district * KEY_DIMENSIONS.residence);
  districtResidence.forEach((row, d) =>
    row.forEach((value, r) => {
      if (value === null) throw new ServiceError('CENSUS_TABLE_INVALID', 'district_by_residence has an empty cell');
      dr[d * KEY_DIMENSIONS.residence + r] = value;
      residenceTotals[r]! += value;
    }),
  );
  const total = residenceTotals[0]! + residenceTotals[1]!;
  const scaled = (shares: Float64Array) => shares.map((share) => share * total);
  const ethnicityResidence = new Float64Array(KEY_DIMENSIONS.residence * KEY_DIMENSIONS.ethnicity);
  RESIDENCES.forEach((r, ri) => {
    const row = rowSharesOf(tableOf(tables, 'ethnicity_by_residence'), r, ETHNICITIES);
    if (!row) throw new ServiceError('CENSUS_TABLE_INVALID', `ethnicity_by_residence has no row ${r}`);
    row.forEach((share, e) => (ethnicityResidence[ri * KEY_DIMENSIONS.ethnicity + e] = share * residenceTotals[ri]!));
  });
  return [
    {
      name: 'district×residence',
      cellCategory: crossIndex(indexes.district, indexes.residence, KEY_DIMENSIONS.residence),
      targets: dr,
    },
    { name: 'sex', cellCategory: indexes.sex, targets: scaled(sharesOf(tableOf(tables, 'sex'), SEXES)) },
    { name: 'age', cellCategory: indexes.age, targets: scaled(sharesOf(tableOf(tables, 'age_single'), AGE_SINGLE_CODES)) },
    {
      name: 'residence×ethnicity',
      cellCategory: crossIndex(indexes.residence, indexes.ethnicity, KEY_DIMENSIONS.ethnicity),
      targets: ethnicityResidence,
    },
  ];
}

/** Builds the prior and calibrates it. Pure; memoise by snapshot hash at the caller. */
export function calibrateKeyJoint(tables: InputSnapshot['tables'], options: CalibrationOptions): CalibratedJoint {
  const prior = buildKeyPrior(tables);
  const margins = keyMargins(tables);
  const fit = fitIpf(prior, margins, { tolerance: options.tolerance, maxIterations: options.maxIterations });
  const weights = weightDiagnostics(prior, fit.fitted);
  const base = {
    tolerance: options.tolerance,
    max_iterations: options.maxIterations,
    margins: margins.map((m) => m.name),
  };
  const diagnostics: CalibrationDiagnostics = options.useIpf
    ? { applied: true, iterations: fit.iterations, converged: fit.converged, max_residual: fit.maxResidual, ...base, ...weights }
    : {
        applied: false,
        iterations: 0,
        converged: false,
        max_residual: residualOf(prior, margins),
        ...base,
        ess: null,
        ess_ratio: null,
        information_loss: null,
        max_weight: null,
        mean_weight: null,
        max_mean_weight_ratio: null,
        top5_weight_share: null,
      };
  return { prior, joint: options.useIpf ? fit.fitted : prior, calibrated: fit.fitted, diagnostics };
}

function residualOf(table: Float64Array, margins: readonly IpfMargin[]): number {
  let worst = 0;
  for (const margin of margins) {
    const sums = new Float64Array(margin.targets.length);
    for (let c = 0; c < table.length; c += 1) sums[margin.cellCategory[c]!]! += table[c]!;
    const total = margin.targets.reduce((a, b) => a + b, 0);
    sums.forEach((sum, k) => (worst = Math.max(worst, Math.abs(sum - margin.targets[k]!) / total)));
  }
  return worst;
}
