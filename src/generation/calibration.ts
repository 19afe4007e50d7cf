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
import { VARIABLE_DOMAINS } from '../census/domains.js';
import { ServiceError } from '../errors.js';
import { DISTRICTS, ETHNICITIES, RESIDENCES, SEXES } from '../domain/categories.js';
import { countConstraint, fitConstraints, proportionConstraint, type FitResult, type IpfConstraint } from './ipf.js';
import { KEY_CELL_COUNT, keyCellIndexes } from './key-joint.js';
import { broadAgeClass, buildKeyPrior } from './prior.js';
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

/** Sub-fits run at calibration: fixed settings, tight enough that every cell is within a few persons. */
export const SUBFIT_OPTIONS = { tolerance: 1e-6, maxIterations: 6000 } as const;

/**
 * The margins of the key joint (docs/method.md §1): all count margins come from the census
 * counts of one total, so their shared sub-margins agree by construction.
 *
 * - unit × residence (census, A-);
 * - unit × sex (annex 8.3 sex ratios, B+): replaces the national sex shares;
 * - unit × broad age group (B+), sex-aware bounds (`BROAD_AGE_BOUNDS`), and residence × broad age
 *   group (B+): replace the single-age estimate, whose shape is kept inside the groups;
 * - unit × residence × ethnicity: the ethnolinguistic fit (derived from the census mother tongue
 *   by unit, ethnicity by residence and mother tongue by ethnicity);
 * - women's share of 60+ (1 Jan 2024 estimate, B+): a proportion, the only sex × age figure.
 */
export function keyConstraints(tables: InputSnapshot['tables'], unitEthnicity: Float64Array | null): IpfConstraint[] {
  const indexes = keyCellIndexes();
  const n = KEY_CELL_COUNT;
  const counts = (id: string, rows: readonly string[], cols: readonly string[]) =>
    matrixOf(tableOf(tables, id), rows, cols).flatMap((row) =>
      row.map((value) => {
        if (value === null) throw new ServiceError('CENSUS_TABLE_INVALID', `${id} has an empty cell`);
        return value;
      }),
    );
  const broad = (c: number) => broadAgeClass(indexes.age[c]!, indexes.sex[c]!);
  const B = VARIABLE_DOMAINS.broad_age.length;
  const districtResidence = counts('district_by_residence', DISTRICTS, RESIDENCES);
  const residenceTotals = RESIDENCES.map((_, r) => districtResidence.filter((_, i) => i % 2 === r).reduce((a, b) => a + b, 0));
  const constraints: IpfConstraint[] = [
    countConstraint('unit×sex', n, (c) => indexes.district[c]! * SEXES.length + indexes.sex[c]!, counts('sex_by_district', DISTRICTS, SEXES)),
    countConstraint('unit×broad age', n, (c) => indexes.district[c]! * B + broad(c), counts('district_by_broad_age', DISTRICTS, VARIABLE_DOMAINS.broad_age)),
    countConstraint('residence×broad age', n, (c) => indexes.residence[c]! * B + broad(c), counts('residence_by_broad_age', RESIDENCES, VARIABLE_DOMAINS.broad_age)),
  ];
  const elderly = sharesOf(tableOf(tables, 'elderly_60plus_by_sex'), SEXES);
  constraints.push(
    proportionConstraint(
      "women's share of 60+",
      n,
      (c) => (indexes.age[c]! >= 60 ? 0 : -1),
      (c) => (SEXES[indexes.sex[c]!] === 'female' ? 0 : -1),
      1,
      [elderly[SEXES.indexOf('female')]!],
    ),
  );
  if (unitEthnicity) {
    constraints.push(
      countConstraint(
        'unit×residence×ethnicity (ethnolinguistic fit)',
        n,
        (c) => (indexes.district[c]! * RESIDENCES.length + indexes.residence[c]!) * ETHNICITIES.length + indexes.ethnicity[c]!,
        unitEthnicity,
      ),
    );
  } else {
    const ethnicityResidence = RESIDENCES.flatMap((r, ri) => {
      const row = rowSharesOf(tableOf(tables, 'ethnicity_by_residence'), r, ETHNICITIES);
      if (!row) throw new ServiceError('CENSUS_TABLE_INVALID', `ethnicity_by_residence has no row ${r}`);
      return Array.from(row, (share) => share * residenceTotals[ri]!);
    });
    constraints.push(countConstraint('residence×ethnicity', n, (c) => indexes.residence[c]! * ETHNICITIES.length + indexes.ethnicity[c]!, ethnicityResidence));
  }
  constraints.push(countConstraint('unit×residence', n, (c) => indexes.district[c]! * RESIDENCES.length + indexes.residence[c]!, districtResidence));
  return constraints;
}

/** A sub-fit's outcome, as listed in the calibration diagnostics. */
export interface SubFit {
  readonly name: string;
  readonly iterations: number;
  readonly converged: boolean;
  readonly max_residual: number;
  readonly bounded: number | null;
}

export function subFitOf(name: string, fit: FitResult): SubFit {
  return { name, iterations: fit.iterations, converged: fit.converged, max_residual: fit.maxResidual, bounded: fit.bounded };
}

/** Builds the prior and calibrates it. Pure; memoise by snapshot hash at the caller. */
export function calibrateKeyJoint(tables: InputSnapshot['tables'], options: CalibrationOptions, unitEthnicity: Float64Array | null): CalibratedJoint {
  const prior = buildKeyPrior(tables, unitEthnicity);
  const constraints = keyConstraints(tables, unitEthnicity);
  const total = prior.reduce((a, b) => a + b, 0);
  const fit = fitConstraints(prior, constraints, { tolerance: options.tolerance, maxIterations: options.maxIterations, scale: total });
  const base = { tolerance: options.tolerance, max_iterations: options.maxIterations, margins: constraints.map((c) => c.name) };
  const diagnostics: CalibrationDiagnostics = { applied: true, iterations: fit.iterations, converged: fit.converged, max_residual: fit.maxResidual, ...base, ...weightDiagnostics(prior, fit.fitted) };
  const raked: CalibratedJoint = { prior, joint: fit.fitted, calibrated: fit.fitted, diagnostics };
  return options.useIpf ? raked : withoutIpf(raked, tables, unitEthnicity);
}

/**
 * A raked calibration as a run without IPF uses it: the prior is the joint drawn from (the
 * calibrated joint stays, for targets), and the diagnostics give the prior's residual. Lets the
 * uncalibrated model reuse the calibrated one's fit instead of repeating it.
 */
export function withoutIpf(raked: CalibratedJoint, tables: InputSnapshot['tables'], unitEthnicity: Float64Array | null): CalibratedJoint {
  const constraints = keyConstraints(tables, unitEthnicity);
  const total = raked.prior.reduce((a, b) => a + b, 0);
  const { tolerance, max_iterations, margins } = raked.diagnostics;
  const diagnostics: CalibrationDiagnostics = {
    applied: false,
    iterations: 0,
    converged: false,
    max_residual: residualOf(raked.prior, constraints, total),
    tolerance,
    max_iterations,
    margins,
    ess: null,
    ess_ratio: null,
    information_loss: null,
    max_weight: null,
    mean_weight: null,
    max_mean_weight_ratio: null,
    top5_weight_share: null,
  };
  return { ...raked, joint: raked.prior, diagnostics };
}

/**
 * Adds the sub-fits to the diagnostics: each is listed after the key margins, and calibration
 * counts as converged only when every sub-fit converged too (a bounded fallback is not converged).
 */
export function withSubFits(calibrated: CalibratedJoint, subFits: readonly SubFit[]): CalibratedJoint {
  const d = calibrated.diagnostics;
  const listed = subFits.map(
    (f) => `sub-fit ${f.name}: ${f.iterations} iterations, ${f.converged ? 'converged' : `not converged (residual ${f.max_residual.toExponential(2)})`}${f.bounded === null ? '' : `, bounded ${f.bounded}`}`,
  );
  const failed = subFits.filter((f) => !f.converged);
  const diagnostics: CalibrationDiagnostics = d.applied
    ? { ...d, margins: [...d.margins, ...listed], converged: d.converged && failed.length === 0, max_residual: Math.max(d.max_residual, ...failed.map((f) => f.max_residual)) }
    : { ...d, margins: [...d.margins, ...listed] };
  return { ...calibrated, diagnostics };
}

function residualOf(table: Float64Array, constraints: readonly IpfConstraint[], total: number): number {
  const check = fitConstraints(table, constraints, { tolerance: Number.POSITIVE_INFINITY, maxIterations: 0, scale: total });
  return check.maxResidual;
}
