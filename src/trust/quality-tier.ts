/**
 * The quality tier (SPEC §8.3), consistent with the decision: REJECT exactly when the decision
 * is REJECT. Otherwise C when a drift gate fired or nothing could be measured; else every
 * compared row (each field, each joint row) is read as its TVD over its sampling threshold
 * (measurements.ts): A when every one is within half its threshold, B otherwise. A row beyond
 * its threshold whose chi-square test does not reject (a small row, noisy by nature) fires no
 * gate, so it makes B, not C: the tier never contradicts the gates.
 *
 * A run some of whose compared fields have targets that go through the model (modelled or
 * official_derived: the adult scope) is at best B: its drift partly measures the model against itself, so it is never graded
 * better than the all-ages run it was cut from because its targets came from its own model.
 */
import type { Decision } from './decision.js';
import { QUALITY_TIERS, type GateCode } from './gate-table.js';
import type { RunMeasurements } from './measurements.js';

export const QUALITY_TIER_VALUES = ['A', 'B', 'C', 'REJECT'] as const;
export type QualityTier = (typeof QUALITY_TIER_VALUES)[number];

/** Each compared row's TVD divided by the threshold it was gated against. */
export function driftShares(measurements: RunMeasurements): number[] {
  const pairs: (readonly [number | null, number | null])[] = [
    ...measurements.fields.map((field) => [field.tvd, field.threshold] as const),
    ...measurements.joint_checks.flatMap((joint) => joint.rows.map((row) => [row.tvd, row.threshold] as const)),
  ];
  return pairs.flatMap(([value, limit]) => (value === null || limit === null ? [] : [limit > 0 ? value / limit : value > 0 ? Infinity : 0]));
}

/** The gates that grade drift (drift-gates.ts); any of them firing makes tier C. */
export const DRIFT_GATE_CODES = ['MARGINAL_ERROR_HIGH', 'MARGINAL_ERROR_CRITICAL', 'JOINT_DISTRIBUTION_DRIFT'] as const satisfies readonly GateCode[];

export function qualityTierOf(
  decision: Decision,
  measurements: RunMeasurements | null,
  gateCodes: readonly GateCode[],
  modelDependentTargets = false,
): QualityTier {
  if (decision === 'REJECT') return 'REJECT';
  if (gateCodes.some((code) => (DRIFT_GATE_CODES as readonly GateCode[]).includes(code))) return 'C';
  const shares = measurements === null ? [] : driftShares(measurements);
  if (shares.length === 0) return 'C';
  return Math.max(...shares) <= QUALITY_TIERS.tier_a_max_share_of_limit && !modelDependentTargets ? 'A' : 'B';
}
