/**
 * The measurements of SPEC §6 over the final output, in the output's universe: per-field
 * marginal metrics, joint checks row by row, and the run-level aggregates the gates, signals,
 * tier and report read. Every compared row (a field, or one row of a joint check) gets its drift
 * threshold here, once, for everyone (docs/trust.md §5.2):
 *
 *   T = c(α, M) · E[TVD](target, n_row) + rounding floor + conflict allowance,
 *
 * M the number of rows measured in the run, α = `DRIFT_THRESHOLDS.alpha` family-wise.
 */
import type { FieldCriticality } from '../domain/fields.js';
import { COMPARED_FIELDS, type ComparedField } from '../domain/fields.js';
import { allowanceOf } from './conflict-allowances.js';
import type { EvaluationInput, FieldTarget, JointCheck, TableProvenance } from './evaluation-input.js';
import { DRIFT_THRESHOLDS } from './gate-table.js';
import {
  chiSquareGoodnessOfFit,
  expectedSamplingL1,
  expectedSamplingTvd,
  jensenShannonBits,
  l1Distance,
  maxCategoryError,
  samplingMultiplier,
  samplingThreshold,
  type ChiSquareResult,
} from './metrics/index.js';
import { fieldCriticality, isModelDependentClass } from './provenance-summary.js';
import { roundingFloor } from './rounding.js';
import { normaliseShares } from './validate-input.js';

/** What a compared row's threshold is made of (all null when the row has no records). */
export interface RowThreshold {
  /** E[TVD] of a multinomial sample of the row's n from its target. */
  readonly expected_sampling_tvd: number | null;
  /** Rounding of the published figures: (K − 1) × half the rounding unit; 0 for a modelled target. */
  readonly floor: number;
  /** Reviewed conflict allowance (src/trust/conflict-allowances.ts); 0 for a modelled target. */
  readonly allowance: number;
  /** T: the warning threshold of the row's TVD. */
  readonly threshold: number | null;
  /** The hard threshold, `DRIFT_THRESHOLDS.critical_factor` × T. */
  readonly critical_threshold: number | null;
}

/** A field as measured: its target's categories and shares, what was counted and how far apart they are. */
export interface FieldMeasurement extends RowThreshold, Pick<FieldTarget, 'field' | 'categories' | 'target_shares'> {
  /** The check's id: the field. */
  readonly id: ComparedField;
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
  /** No longer gated (the field's TVD is, against `threshold`): always null. */
  readonly max_category_error_limit: null;
}

/** One cell of a compared joint row: a published cell, or the pooled rest of a partial row. */
export interface JointRowCell {
  readonly category: string;
  readonly target_share: number;
  readonly actual_share: number | null;
  readonly observed_count: number;
}

export interface JointRowMeasurement extends RowThreshold {
  readonly row: string;
  readonly n: number;
  /** Cells of the row with a published target. */
  readonly published_cells: number;
  /** True when some cells were unpublished and pooled into one "rest" cell. */
  readonly pooled_rest: boolean;
  /** The cells compared: published ones, then the pooled rest. */
  readonly cells: readonly JointRowCell[];
  readonly tvd: number | null;
  /** The threshold the row's TVD is gated against (= `threshold`). */
  readonly limit: number | null;
  /** Chi-square goodness-of-fit p-value of the row against its target (null when not measured). */
  readonly p_value: number | null;
}

/** A joint check as measured: its identity from the check, its rows measured. */
export interface JointMeasurement extends Pick<JointCheck, 'id' | 'row_field' | 'col_field' | 'provenance_class' | 'table_ids'> {
  readonly rows: readonly JointRowMeasurement[];
  readonly max_row_tvd: number | null;
  /** The row exceeding its threshold by most (or closest to it), null when no row could be measured. */
  readonly worst_row: string | null;
}

/** The run's family of compared rows: how the sampling multiplier was set. */
export interface DriftThresholdFamily {
  readonly alpha: number;
  /** M: fields and joint rows with records, gated together. */
  readonly rows_gated: number;
  /** c(α, M). */
  readonly multiplier: number;
  readonly critical_factor: number;
  /** α / M: the chi-square p-value a row must fall below as well. */
  readonly p_value_limit: number;
}

export interface RunMeasurements {
  readonly fields: readonly FieldMeasurement[];
  readonly joint_checks: readonly JointMeasurement[];
  /** null when nothing was measured. */
  readonly drift_thresholds: DriftThresholdFamily | null;
  readonly mean_l1_error: number | null;
  /** No longer gated: always null. */
  readonly mean_l1_error_limit: null;
  readonly max_l1_error: number | null;
  readonly max_l1_field: ComparedField | null;
  readonly max_category_error: number | null;
  readonly max_category_field: ComparedField | null;
  readonly max_joint_tvd: number | null;
  readonly max_js_divergence_bits: number | null;
  readonly min_chi_square_p_value: number | null;
}

/** A compared row before its threshold: target and counts on the partition it is compared on. */
interface CoarseRow {
  readonly n: number;
  readonly targets: readonly number[];
  readonly counts: readonly number[];
}

/** Sample sizes are integral counts; a fractional n (weighted counts) is rounded for E[TVD]. */
const sampleSize = (n: number) => Math.max(1, Math.round(n));

/** The floor and allowance apply where the target is a published figure, not a modelled derivation. */
interface RowContext {
  readonly published: boolean;
  readonly halfUnit: number;
  readonly check: string;
  readonly row: string | null;
}

function thresholdOfRow(coarse: CoarseRow, context: RowContext, family: DriftThresholdFamily | null): RowThreshold {
  const floor = context.published ? roundingFloor(coarse.targets.length, context.halfUnit) : 0;
  const allowance = context.published ? allowanceOf(context.check, context.row) : 0;
  if (coarse.n === 0 || family === null) {
    return { expected_sampling_tvd: null, floor, allowance, threshold: null, critical_threshold: null };
  }
  const expected = expectedSamplingTvd(coarse.targets, sampleSize(coarse.n));
  const threshold = samplingThreshold({ expected_tvd: expected, multiplier: family.multiplier, floor, allowance });
  return { expected_sampling_tvd: expected, floor, allowance, threshold, critical_threshold: family.critical_factor * threshold };
}

/** Half the rounding unit of the tables a target comes from (the coarsest one). */
function halfUnitOf(tables: ReadonlyMap<string, TableProvenance>, tableIds: readonly string[]): number {
  return tableIds.reduce((most, id) => Math.max(most, tables.get(id)?.rounding_half_unit ?? 0), 0);
}

function measureField(target: FieldTarget, counts: readonly number[], context: RowContext, family: DriftThresholdFamily | null): FieldMeasurement {
  const shares = normaliseShares(target.target_shares);
  const n = counts.reduce((sum, count) => sum + count, 0);
  const base = {
    id: target.field,
    field: target.field,
    criticality: fieldCriticality(target.field),
    n,
    categories: target.categories,
    target_shares: shares,
    observed_counts: counts,
    max_category_error_limit: null,
    ...thresholdOfRow({ n, targets: shares, counts }, context, family),
  };
  if (n === 0) {
    return { ...base, actual_shares: null, l1_error: null, tvd: null, max_category_error: null, js_divergence_bits: null, chi_square: null, expected_sampling_l1: null };
  }
  const actual = counts.map((count) => count / n);
  const l1 = l1Distance(actual, shares);
  return {
    ...base,
    actual_shares: actual,
    l1_error: l1,
    tvd: l1 / 2,
    max_category_error: maxCategoryError(actual, shares),
    js_divergence_bits: jensenShannonBits(actual, shares),
    chi_square: chiSquareGoodnessOfFit(counts, shares),
    expected_sampling_l1: expectedSamplingL1(shares, sampleSize(n)),
  };
}

/** Label of the pooled cell of a partial row. */
export const POOLED_REST = '(rest)';

/** A row over its published cells plus, when some are unpublished, one pooled "rest" cell. */
function coarsenRow(check: JointCheck, targetRow: readonly (number | null)[], countsRow: readonly number[]) {
  const published = targetRow.flatMap((share, index) =>
    share === null ? [] : [{ category: check.cols[index] ?? String(index), share, count: countsRow[index] ?? 0 }],
  );
  const pooled = published.length < targetRow.length;
  const n = countsRow.reduce((sum, count) => sum + count, 0);
  const categories = published.map((cell) => cell.category);
  const targets = published.map((cell) => cell.share);
  const counts = published.map((cell) => cell.count);
  if (pooled) {
    categories.push(POOLED_REST);
    targets.push(Math.max(0, 1 - targets.reduce((sum, share) => sum + share, 0)));
    counts.push(n - counts.reduce((sum, count) => sum + count, 0));
  }
  return { n, pooled, publishedCells: published.length, categories, targets: normaliseShares(targets), counts };
}

interface PreparedRow {
  readonly row: string;
  readonly coarse: ReturnType<typeof coarsenRow>;
}

function preparedRows(check: JointCheck): PreparedRow[] {
  return check.rows.flatMap((row, index) => {
    const targetRow = check.target_row_shares[index];
    if (targetRow === null || targetRow === undefined) return [];
    return [{ row, coarse: coarsenRow(check, targetRow, check.observed_counts[index] ?? []) }];
  });
}

function measureJointRow(prepared: PreparedRow, context: RowContext, family: DriftThresholdFamily | null): JointRowMeasurement {
  const { row, coarse } = prepared;
  const threshold = thresholdOfRow(coarse, context, family);
  const actual = coarse.n === 0 ? null : coarse.counts.map((count) => count / coarse.n);
  return {
    row,
    n: coarse.n,
    published_cells: coarse.publishedCells,
    pooled_rest: coarse.pooled,
    cells: coarse.categories.map((category, index) => ({
      category,
      target_share: coarse.targets[index] ?? 0,
      actual_share: actual?.[index] ?? null,
      observed_count: coarse.counts[index] ?? 0,
    })),
    tvd: actual === null ? null : l1Distance(actual, coarse.targets) / 2,
    ...threshold,
    limit: threshold.threshold,
    p_value: coarse.n === 0 ? null : chiSquareGoodnessOfFit(coarse.counts, coarse.targets).p_value,
  };
}

function measureJoint(check: JointCheck, rows: readonly PreparedRow[], halfUnit: number, family: DriftThresholdFamily | null): JointMeasurement {
  const published = check.provenance_class !== 'modelled';
  const measuredRows = rows.map((prepared) => measureJointRow(prepared, { published, halfUnit, check: check.id, row: prepared.row }, family));
  const measured = measuredRows.filter((row): row is JointRowMeasurement & { tvd: number; limit: number } => row.tvd !== null && row.limit !== null);
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
    rows: measuredRows,
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

/** c(α, M) and α/M for a run that measures `rows` rows (null when it measures none). */
export function driftThresholdFamily(rows: number): DriftThresholdFamily | null {
  if (rows === 0) return null;
  const { alpha, critical_factor } = DRIFT_THRESHOLDS;
  return { alpha, rows_gated: rows, multiplier: samplingMultiplier(alpha, rows), critical_factor, p_value_limit: alpha / rows };
}

export function measureRun(input: EvaluationInput): RunMeasurements {
  const tables = new Map(input.tables.map((table) => [table.table_id, table]));
  const byField = new Map(input.field_targets.map((target) => [target.field, target]));
  const targets = COMPARED_FIELDS.flatMap((field) => {
    const target = byField.get(field);
    return target === undefined ? [] : [{ target, counts: input.field_observed[field] ?? [] }];
  });
  const joints = input.joint_checks.map((check) => ({ check, rows: preparedRows(check) }));
  // M counts every row that has records: the family over which α is spread.
  const rowsWithRecords =
    targets.filter(({ counts }) => counts.some((count) => count > 0)).length +
    joints.reduce((sum, joint) => sum + joint.rows.filter((row) => row.coarse.n > 0).length, 0);
  const family = driftThresholdFamily(rowsWithRecords);
  const fields = targets.map(({ target, counts }) =>
    measureField(
      target,
      counts,
      // A derived target goes through the model: it is held to sampling alone, like a modelled one.
      { published: !isModelDependentClass(target.provenance_class), halfUnit: halfUnitOf(tables, target.table_ids), check: target.field, row: null },
      family,
    ),
  );
  const jointMeasurements = joints.map(({ check, rows }) => measureJoint(check, rows, halfUnitOf(tables, check.table_ids), family));
  const measured = fields.filter((field) => field.l1_error !== null);
  const jointMaxima = jointMeasurements.flatMap((joint) => (joint.max_row_tvd === null ? [] : [joint.max_row_tvd]));
  const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const maxL1 = argMax(measured, (field) => field.l1_error);
  const maxCategory = argMax(measured, (field) => field.max_category_error);
  const pValues = measured.flatMap((field) => (field.chi_square === null ? [] : [field.chi_square.p_value]));
  return {
    fields,
    joint_checks: jointMeasurements,
    drift_thresholds: family,
    mean_l1_error: measured.length === 0 ? null : mean(measured.map((field) => field.l1_error ?? 0)),
    mean_l1_error_limit: null,
    max_l1_error: maxL1?.l1_error ?? null,
    max_l1_field: maxL1?.field ?? null,
    max_category_error: maxCategory?.max_category_error ?? null,
    max_category_field: maxCategory?.field ?? null,
    max_joint_tvd: jointMaxima.length === 0 ? null : Math.max(...jointMaxima),
    max_js_divergence_bits: measured.length === 0 ? null : Math.max(...measured.map((field) => field.js_divergence_bits ?? 0)),
    min_chi_square_p_value: pValues.length === 0 ? null : Math.min(...pValues),
  };
}
