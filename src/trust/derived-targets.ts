/**
 * Official-derived adult targets (issue #13 item 4, decision 0006). An adult target derived from
 * a wider official table can depend on the model by at most its bound B (src/generation/
 * model-dependence.ts). When B is within the sampling tolerance the field's check applies at
 * this run's n — c(α, M)·E[TVD](target, n), the part of the threshold that is not rounding or
 * conflict allowance — no verdict of the check can turn on the model: the target is
 * `official_derived`, with the base tables' trust. Beyond it the target stays `modelled`, and
 * the fallback gates count it. The same request gives the same classes (n and the planned rows
 * are part of it), and a larger run, which checks more finely, can need more official figures.
 */
import type { FieldTarget } from '../generation/field-targets.js';
import { DRIFT_THRESHOLDS } from './gate-table.js';
import { expectedSamplingTvd, samplingMultiplier } from './metrics/index.js';

/** The sampling tolerance of a field's check at sample size n in a family of M rows. */
export function samplingTolerance(shares: readonly number[], n: number, rowsPlanned: number): number {
  return samplingMultiplier(DRIFT_THRESHOLDS.alpha, Math.max(1, rowsPlanned)) * expectedSamplingTvd(shares, Math.max(1, Math.round(n)));
}

/** Targets with their tolerance set, and `official_derived` where the bound is within it. */
export function classifyDerivedTargets(targets: readonly FieldTarget[], n: number, rowsPlanned: number): FieldTarget[] {
  return targets.map((target) => {
    const dependence = target.model_dependence;
    if (dependence === null) return target;
    const tolerance = samplingTolerance(target.target_shares, n, rowsPlanned);
    const within = dependence.bound_tvd <= tolerance;
    return {
      ...target,
      provenance_class: within ? 'official_derived' : target.provenance_class,
      trust: within ? dependence.base_trust : target.trust,
      model_dependence: { ...dependence, tolerance_tvd: tolerance },
    };
  });
}
