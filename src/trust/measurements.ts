/**
 * The measurements of SPEC §6 over the final output, in the output's universe: per-field
 * marginal metrics, joint checks row by row, and the run-level aggregates the gates, signals,
 * tier and report read. Limits marked `sampling_adjusted` in the gate table are widened here to
 * max(limit, SAMPLING.multiplier × expected drift at this n), once, for everyone.
 */
import type { FieldCriticality } from '../domain/fields.js';
import type { Profile } from '../domain/request.js';
import { COMPARED_FIELDS, type ComparedField } from '../domain/fields.js';
import type { EvaluationInput, FieldTarget, JointCheck } from './evaluation-input.js';
import { SAMPLING, thresholdOf } from './gate-table.js';
import {
  chiSquareGoodnessOfFit,
  expectedSamplingL1,
  expectedSamplingTvd,
  jensenShannonBits,
  l1Distance,
  maxCategoryError,
  type ChiSquareResult,
} from './metrics/index.js';
import { fieldCriticality } from './provenance-summary.js';
import { normaliseShares } from './validate-input.js';

/** A field as measured: its target's categories and shares, what was counted and how far apart they are. */
export interface FieldMeasurement extends Pick<FieldTarget, 'field' | 'categories' | 'target_shares'> {
  readonly criticality: FieldCriticality;
  /** Records counted for the field (those in its universe, i.e. not null). */
  readonly n: number;
  readonly observed_counts: readonly number[];
  /** null when n = 0 (nothing to measure). */
  readonly actual_shares: readonly number[] | null;
  readonly l1_error: number | null;
  readonly tvd: number | null;
  readonly max_category_error: number | null;
  readonly js_divergence_bits: number | null;
  readonly chi_square: ChiSquareResult | null;
  /** E[L1] of a multinomial sample of size n from the target. */
  readonly expected_sampling_l1: number | null;
  /** The limit `max_category_error` was compared with (profile limit widened for sampling error). */
  readonly max_category_error_limit: number | null;
}

export interface JointRowMeasurement {
  readonly row: string;
  readonly n: number;
  /** Cells of the row with a published target. */
  readonly published_cells: number;
  /** True when some cells were unpublished and pooled into one "rest" cell. */
  readonly pooled_rest: boolean;
  readonly tvd: number | null;
  readonly expected_sampling_tvd: number | null;
  readonly limit: number | null;
  /** Chi-square goodness-of-fit p-value of the row against its target (null when not measured). */
  readonly p_value: number | null;
}

/** A joint check as measured: its identity from the check, its rows measured. */
export interface JointMeasurement extends Pick<JointCheck, 'id' | 'row_field' | 'col_field' | 'provenance_class' | 'table_ids'> {
  readonly rows: readonly JointRowMeasurement[];
  readonly max_row_tvd: number | null;
  /** The row exceeding its limit by most (or closest to it), null when no row could be measured. */
  readonly worst_row: string | null;
}

export interface RunMeasurements {
  readonly fields: readonly FieldMeasurement[];
  readonly joint_checks: readonly JointMeasurement[];
  readonly mean_l1_error: number | null;
  readonly mean_l1_error_limit: number | null;
  readonly max_l1_error: number | null;
  readonly max_l1_field: ComparedField | null;
  readonly max_category_error: number | null;
  readonly max_category_field: ComparedField | null;
  readonly max_joint_tvd: number | null;
  readonly max_js_divergence_bits: number | null;
  readonly min_chi_square_p_value: number | null;
}

/** max(profile limit, multiplier × expected drift): small samples do not fire drift gates by chance. */
export function samplingWidenedLimit(limit: number, expectedDrift: number): number {
  return Math.max(limit, SAMPLING.multiplier * expectedDrift);
}

function measureField(target: FieldTarget, counts: readonly number[], profile: Profile): FieldMeasurement {
  const shares = normaliseShares(target.target_shares);
  const n = counts.reduce((sum, count) => sum + count, 0);
  const base = {
    field: target.field,
    criticality: fieldCriticality(target.field),
    n,
    categories: target.categories,
    target_shares: shares,
    observed_counts: counts,
  };
  if (n === 0) {
    return {
      ...base,
      actual_shares: null,
      l1_error: null,
      tvd: null,
      max_category_error: null,
      js_divergence_bits: null,
      chi_square: null,
      expected_sampling_l1: null,
      max_category_error_limit: null,
    };
  }
  const actual = counts.map((count) => count / n);
  const l1 = l1Distance(actual, shares);
  // Sample sizes are integral counts; a fractional n (weighted counts) is rounded for the allowance.
  const expectedL1 = expectedSamplingL1(shares, Math.max(1, Math.round(n)));
  const limit = thresholdOf('MARGINAL_ERROR_HIGH', 'max_category_error', profile) ?? 0;
  return {
    ...base,
    actual_shares: actual,
    l1_error: l1,
    tvd: l1 / 2,
    max_category_error: maxCategoryError(actual, shares),
    js_divergence_bits: jensenShannonBits(actual, shares),
    chi_square: chiSquareGoodnessOfFit(counts, shares),
    expected_sampling_l1: expectedL1,
    // The largest category error never exceeds the TVD, so its chance level is E[TVD] = E[L1]/2.
    max_category_error_limit: samplingWidenedLimit(limit, expectedL1 / 2),
  };
}

/** A row over its published cells plus, when some are unpublished, one pooled "rest" cell. */
function coarsenRow(targetRow: readonly (number | null)[], countsRow: readonly number[]) {
  const published = targetRow.flatMap((share, index) => (share === null ? [] : [{ share, count: countsRow[index] ?? 0 }]));
  const pooled = published.length < targetRow.length;
  const publishedTotal = published.reduce((sum, cell) => sum + cell.share, 0);
  const n = countsRow.reduce((sum, count) => sum + count, 0);
  const targets = published.map((cell) => cell.share);
  const counts = published.map((cell) => cell.count);
  if (pooled) {
    targets.push(Math.max(0, 1 - publishedTotal));
    counts.push(n - counts.reduce((sum, count) => sum + count, 0));
  }
  return { n, pooled, publishedCells: published.length, targets: normaliseShares(targets), counts };
}

function measureJointRow(check: JointCheck, rowIndex: number, limit: number): JointRowMeasurement | null {
  const targetRow = check.target_row_shares[rowIndex];
  const row = check.rows[rowIndex] ?? '';
  if (targetRow === null || targetRow === undefined) return null;
  const coarse = coarsenRow(targetRow, check.observed_counts[rowIndex] ?? []);
  if (coarse.n === 0) {
    return { row, n: 0, published_cells: coarse.publishedCells, pooled_rest: coarse.pooled, tvd: null, expected_sampling_tvd: null, limit: null, p_value: null };
  }
  const actual = coarse.counts.map((count) => count / coarse.n);
  const expected = expectedSamplingTvd(coarse.targets, Math.max(1, Math.round(coarse.n)));
  return {
    row,
    n: coarse.n,
    published_cells: coarse.publishedCells,
    pooled_rest: coarse.pooled,
    tvd: l1Distance(actual, coarse.targets) / 2,
    expected_sampling_tvd: expected,
    limit: samplingWidenedLimit(limit, expected),
    p_value: chiSquareGoodnessOfFit(coarse.counts, coarse.targets).p_value,
  };
}

function measureJoint(check: JointCheck, profile: Profile): JointMeasurement {
  const limit = thresholdOf('JOINT_DISTRIBUTION_DRIFT', 'joint_row_tvd', profile) ?? 0;
  const rows = check.rows.flatMap((_, index) => measureJointRow(check, index, limit) ?? []);
  const measured = rows.filter((row): row is JointRowMeasurement & { tvd: number; limit: number } => row.tvd !== null && row.limit !== null);
  const worst = measured.reduce<(typeof measured)[number] | undefined>(
    (best, row) => (best === undefined || row.tvd - row.limit > best.tvd - best.limit ? row : best),
    undefined,
  );
  return {
    id: check.id,
    row_field: check.row_field,
    col_field: check.col_field,
    provenance_class: check.provenance_class,
    table_ids: check.table_ids,
    rows,
    max_row_tvd: measured.length === 0 ? null : Math.max(...measured.map((row) => row.tvd)),
    worst_row: worst?.row ?? null,
  };
}

function argMax<T>(items: readonly T[], value: (item: T) => number | null): T | undefined {
  let best: T | undefined;
  let bestValue = -Infinity;
  for (const item of items) {
    const current = value(item);
    if (current !== null && current > bestValue) {
      best = item;
      bestValue = current;
    }
  }
  return best;
}

export function measureRun(input: EvaluationInput): RunMeasurements {
  const profile = input.request.profile;
  const byField = new Map(input.field_targets.map((target) => [target.field, target]));
  const fields = COMPARED_FIELDS.flatMap((field) => {
    const target = byField.get(field);
    return target === undefined ? [] : [measureField(target, input.field_observed[field] ?? [], profile)];
  });
  const measured = fields.filter((field) => field.l1_error !== null);
  const joints = input.joint_checks.map((check) => measureJoint(check, profile));
  const jointMaxima = joints.flatMap((joint) => (joint.max_row_tvd === null ? [] : [joint.max_row_tvd]));
  const meanLimit = thresholdOf('MARGINAL_ERROR_HIGH', 'mean_l1_error', profile) ?? 0;
  const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const maxL1 = argMax(measured, (field) => field.l1_error);
  const maxCategory = argMax(measured, (field) => field.max_category_error);
  const pValues = measured.flatMap((field) => (field.chi_square === null ? [] : [field.chi_square.p_value]));
  return {
    fields,
    joint_checks: joints,
    mean_l1_error: measured.length === 0 ? null : mean(measured.map((field) => field.l1_error ?? 0)),
    mean_l1_error_limit:
      measured.length === 0 ? null : samplingWidenedLimit(meanLimit, mean(measured.map((field) => field.expected_sampling_l1 ?? 0))),
    max_l1_error: maxL1?.l1_error ?? null,
    max_l1_field: maxL1?.field ?? null,
    max_category_error: maxCategory?.max_category_error ?? null,
    max_category_field: maxCategory?.field ?? null,
    max_joint_tvd: jointMaxima.length === 0 ? null : Math.max(...jointMaxima),
    max_js_divergence_bits: measured.length === 0 ? null : Math.max(...measured.map((field) => field.js_divergence_bits ?? 0)),
    min_chi_square_p_value: pValues.length === 0 ? null : Math.min(...pValues),
  };
}
