/**
 * The quality tier (SPEC §8.3), consistent with the decision: REJECT exactly when the decision
 * is REJECT. Otherwise the drift measures are read as shares of their (sampling-widened)
 * limits — mean L1 error, each field's largest category error, each joint row's TVD:
 * A when every one is within half its limit, B when within the limit, C beyond it (a drift
 * warning fired) or when nothing could be measured.
 */
import type { Decision } from './decision.js';
import { QUALITY_TIERS } from './gate-table.js';
import type { RunMeasurements } from './measurements.js';

export const QUALITY_TIER_VALUES = ['A', 'B', 'C', 'REJECT'] as const;
export type QualityTier = (typeof QUALITY_TIER_VALUES)[number];

/** Each drift measure divided by the limit it was gated against. */
export function driftShares(measurements: RunMeasurements): number[] {
  const pairs: (readonly [number | null, number | null])[] = [
    [measurements.mean_l1_error, measurements.mean_l1_error_limit],
    ...measurements.fields.map((field) => [field.max_category_error, field.max_category_error_limit] as const),
    ...measurements.joint_checks.flatMap((joint) => joint.rows.map((row) => [row.tvd, row.limit] as const)),
  ];
  return pairs.flatMap(([value, limit]) => (value === null || limit === null ? [] : [limit > 0 ? value / limit : value > 0 ? Infinity : 0]));
}

export function qualityTierOf(decision: Decision, measurements: RunMeasurements | null): QualityTier {
  if (decision === 'REJECT') return 'REJECT';
  const shares = measurements === null ? [] : driftShares(measurements);
  if (shares.length === 0) return 'C';
  const worst = Math.max(...shares);
  if (worst <= QUALITY_TIERS.tier_a_max_share_of_limit) return 'A';
  return worst <= 1 ? 'B' : 'C';
}
