/**
 * Gates on how far the output departs from its targets (SPEC §6): marginal drift per field and
 * overall, and joint checks row by row, with limits widened for sampling error at small n.
 */
import type { Profile } from '../../domain/request.js';
import { thresholdOf } from '../gate-table.js';
import type { FieldMeasurement, JointMeasurement, RunMeasurements } from '../measurements.js';
import { check, compares, detailOf, type GateDetail } from './gate-detail.js';

/** MARGINAL_ERROR_CRITICAL needs both: practical size (JSD) and statistical evidence (p-value). */
function criticalDrift(profile: Profile, field: FieldMeasurement): GateDetail[] {
  const jsLimit = thresholdOf('MARGINAL_ERROR_CRITICAL', 'js_divergence_bits', profile);
  const pLimit = thresholdOf('MARGINAL_ERROR_CRITICAL', 'chi_square_p_value', profile);
  if (field.js_divergence_bits === null || field.chi_square === null || jsLimit === null || pLimit === null) return [];
  if (!compares(field.js_divergence_bits, '>', jsLimit) || !compares(field.chi_square.p_value, '<', pLimit)) return [];
  return detailOf(profile, 'MARGINAL_ERROR_CRITICAL', 'js_divergence_bits', { observed: field.js_divergence_bits, threshold: jsLimit }, {
    field: field.field,
  });
}

/**
 * JOINT_DISTRIBUTION_DRIFT needs both too: a row beyond its widened TVD limit and a chi-square
 * p-value below the limit, Bonferroni-divided by the rows tested (a check has up to nine rows, so
 * one small row would otherwise cross p < 0.001 by chance in about 1% of runs per check).
 */
function jointDrift(profile: Profile, joint: JointMeasurement): GateDetail[] {
  const alpha = thresholdOf('JOINT_DISTRIBUTION_DRIFT', 'joint_row_p_value', profile);
  const tested = joint.rows.filter((row) => row.p_value !== null).length;
  if (alpha === null || tested === 0) return [];
  const pLimit = alpha / tested;
  const drifting = joint.rows.filter(
    (row) => row.tvd !== null && row.limit !== null && row.p_value !== null && compares(row.tvd, '>', row.limit) && compares(row.p_value, '<', pLimit),
  );
  const worst = drifting.reduce<(typeof drifting)[number] | undefined>(
    (best, row) => (best === undefined || row.tvd! - row.limit! > best.tvd! - best.limit! ? row : best),
    undefined,
  );
  if (worst === undefined) return [];
  return check(profile, 'JOINT_DISTRIBUTION_DRIFT', 'joint_row_tvd', worst.tvd, {
    subject: joint.id,
    field: joint.col_field,
    threshold: worst.limit,
  });
}

export function driftGates(profile: Profile, measurements: RunMeasurements): GateDetail[] {
  return [
    ...check(profile, 'MARGINAL_ERROR_HIGH', 'mean_l1_error', measurements.mean_l1_error, {
      threshold: measurements.mean_l1_error_limit,
    }),
    ...measurements.fields.flatMap((field) =>
      check(profile, 'MARGINAL_ERROR_HIGH', 'max_category_error', field.max_category_error, {
        field: field.field,
        threshold: field.max_category_error_limit,
      }),
    ),
    ...measurements.fields.flatMap((field) => criticalDrift(profile, field)),
    ...measurements.joint_checks.flatMap((joint) => jointDrift(profile, joint)),
  ];
}
