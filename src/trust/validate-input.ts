/**
 * Entry checks of the trust evaluator: the adapter that builds its input is our own code, so a
 * mismatch is a defect to surface as a coded error, never a silently skipped field.
 */
import { ServiceError } from '../errors.js';
import { PLAUSIBILITY_RULE_IDS, type EvaluationInput, type FieldTarget, type JointCheck, type PreflightInput } from './evaluation-input.js';

/** Tolerance on target shares summing to 1 (published percentages carry rounding). */
const SHARE_SUM_TOLERANCE = 1e-6;

function invalid(message: string, details: Record<string, unknown>): ServiceError {
  return new ServiceError('STATS_INVALID_ARGUMENT', `trust evaluation input: ${message}`, { details });
}

/** Shares divided by their sum (exactly 1 afterwards, up to rounding). */
export function normaliseShares(shares: readonly number[]): number[] {
  const total = shares.reduce((sum, share) => sum + share, 0);
  return total === 0 ? shares.map(() => 0) : shares.map((share) => share / total);
}

function checkCounts(where: string, counts: readonly number[], length: number): void {
  if (counts.length !== length) throw invalid(`${where} has ${counts.length} counts for ${length} categories`, { where });
  if (counts.some((count) => !Number.isFinite(count) || count < 0)) throw invalid(`${where} has a negative or non-finite count`, { where });
}

function checkTarget(target: FieldTarget): void {
  const where = `field_targets.${target.field}`;
  if (target.categories.length === 0 || target.categories.length !== target.target_shares.length) {
    throw invalid(`${where} needs one share per category`, { field: target.field });
  }
  if (target.target_shares.some((share) => !Number.isFinite(share) || share < 0)) {
    throw invalid(`${where} has a negative or non-finite share`, { field: target.field });
  }
  const total = target.target_shares.reduce((sum, share) => sum + share, 0);
  if (Math.abs(total - 1) > SHARE_SUM_TOLERANCE) throw invalid(`${where} shares sum to ${total}, not 1`, { field: target.field, total });
}

function checkJoint(check: JointCheck): void {
  const where = `joint_checks.${check.id}`;
  if (check.target_row_shares.length !== check.rows.length || check.observed_counts.length !== check.rows.length) {
    throw invalid(`${where} needs one target row and one count row per row`, { id: check.id });
  }
  check.target_row_shares.forEach((row, index) => {
    if (row !== null && row.length !== check.cols.length) throw invalid(`${where} row ${index} has the wrong number of cells`, { id: check.id });
    if (row?.some((share) => share !== null && (!Number.isFinite(share) || share < 0))) {
      throw invalid(`${where} row ${index} has a negative or non-finite share`, { id: check.id });
    }
  });
  check.observed_counts.forEach((row, index) => checkCounts(`${where} row ${index}`, row, check.cols.length));
}

export function validatePreflightInput(input: PreflightInput): void {
  const seen = new Set<string>();
  for (const target of input.field_targets) {
    if (seen.has(target.field)) throw invalid(`field ${target.field} has two targets`, { field: target.field });
    seen.add(target.field);
    checkTarget(target);
  }
}

export function validateEvaluationInput(input: EvaluationInput): void {
  validatePreflightInput(input);
  for (const target of input.field_targets) {
    const counts = input.field_observed[target.field];
    if (counts === undefined) {
      if (input.n_generated > 0) throw invalid(`field ${target.field} has a target but no observed counts`, { field: target.field });
      continue;
    }
    checkCounts(`field_observed.${target.field}`, counts, target.categories.length);
  }
  input.joint_checks.forEach(checkJoint);
  for (const id of PLAUSIBILITY_RULE_IDS) {
    const counts = input.plausibility[id];
    const whole = (value: number) => Number.isSafeInteger(value) && value >= 0;
    if (counts === undefined || !whole(counts.count) || !whole(counts.denominator) || counts.count > counts.denominator) {
      throw invalid(`plausibility.${id} needs whole counts with count ≤ denominator`, { rule: id });
    }
  }
}
