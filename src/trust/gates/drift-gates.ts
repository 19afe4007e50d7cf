/**
 * Gates on how far the output departs from its targets (SPEC §6): each field and each joint row
 * against the threshold its sampling error allows at its own n (measurements.ts). A gate needs
 * both size (TVD over the threshold) and evidence (chi-square p below α/M): the TVD bound rests
 * on the normal approximation, which small rows of a few records do not meet.
 */
import type { Profile } from '../../domain/request.js';
import type { FieldMeasurement, JointMeasurement, RunMeasurements } from '../measurements.js';
import { compares, detailOf, type GateDetail } from './gate-detail.js';

/** The field's TVD over `threshold` with its chi-square p-value below α/M. */
function drifts(field: FieldMeasurement, threshold: number | null, pLimit: number): threshold is number {
  return field.tvd !== null && threshold !== null && field.chi_square !== null && compares(field.tvd, '>', threshold) && compares(field.chi_square.p_value, '<', pLimit);
}

function fieldDrift(profile: Profile, field: FieldMeasurement, pLimit: number): GateDetail[] {
  const where = { field: field.field };
  return [
    ...(drifts(field, field.threshold, pLimit)
      ? detailOf(profile, 'MARGINAL_ERROR_HIGH', 'field_tvd', { observed: field.tvd, threshold: field.threshold }, where)
      : []),
    ...(drifts(field, field.critical_threshold, pLimit)
      ? detailOf(profile, 'MARGINAL_ERROR_CRITICAL', 'field_tvd', { observed: field.tvd, threshold: field.critical_threshold }, where)
      : []),
  ];
}

/** One record per joint check, for the row furthest over its threshold among those that drift. */
function jointDrift(profile: Profile, joint: JointMeasurement, pLimit: number): GateDetail[] {
  const drifting = joint.rows.flatMap((row) =>
    row.tvd !== null && row.threshold !== null && row.p_value !== null && compares(row.tvd, '>', row.threshold) && compares(row.p_value, '<', pLimit)
      ? [{ tvd: row.tvd, threshold: row.threshold }]
      : [],
  );
  const worst = drifting.reduce<(typeof drifting)[number] | undefined>(
    (best, row) => (best === undefined || row.tvd - row.threshold > best.tvd - best.threshold ? row : best),
    undefined,
  );
  if (worst === undefined) return [];
  return detailOf(profile, 'JOINT_DISTRIBUTION_DRIFT', 'joint_row_tvd', { observed: worst.tvd, threshold: worst.threshold }, {
    subject: joint.id,
    field: joint.col_field,
  });
}

export function driftGates(profile: Profile, measurements: RunMeasurements): GateDetail[] {
  const family = measurements.drift_thresholds;
  if (family === null) return [];
  return [
    ...measurements.fields.flatMap((field) => fieldDrift(profile, field, family.p_value_limit)),
    ...measurements.joint_checks.flatMap((joint) => jointDrift(profile, joint, family.p_value_limit)),
  ];
}
