/**
 * The plausibility rules measured on a run (docs/trust.md §5.2): per rule its count, population,
 * rate and limit, and the exact one-sided binomial test of "the generator's rate is at most the
 * limit". A rule is exceeded when its rate is above the limit AND the test rejects at α/R over
 * the R rules with a population: a handful of flagged persons in a small run is what chance
 * gives (one degree among 28 persons aged 18-20 is 3.6%), not a defect. Pure.
 */
import type { EvaluationInput } from './evaluation-input.js';
import { PLAUSIBILITY_RULES, type PlausibilityRuleId } from './evaluation-input.js';
import { PLAUSIBILITY_TEST } from './gate-table.js';
import { binomialUpperTail } from './metrics/index.js';

export interface PlausibilityMeasurement {
  readonly id: PlausibilityRuleId;
  readonly count: number;
  readonly denominator: number;
  /** count / denominator; null when the population is empty (e.g. under-18 rules in an adult run). */
  readonly rate: number | null;
  readonly limit: number;
  /** P(X ≥ count), X ~ Binomial(denominator, limit); null when the population is empty. */
  readonly p_value: number | null;
  readonly exceeded: boolean;
}

export interface PlausibilityMeasurements {
  readonly alpha: number;
  /** R: the rules whose population is not empty, tested together. */
  readonly rules_measured: number;
  /** α / R (α when no rule was measured). */
  readonly p_value_limit: number;
  readonly rules: readonly PlausibilityMeasurement[];
}

export function measurePlausibility(input: Pick<EvaluationInput, 'plausibility'>): PlausibilityMeasurements {
  const measured = PLAUSIBILITY_RULES.filter((rule) => input.plausibility[rule.id].denominator > 0).length;
  const pLimit = PLAUSIBILITY_TEST.alpha / Math.max(1, measured);
  return {
    alpha: PLAUSIBILITY_TEST.alpha,
    rules_measured: measured,
    p_value_limit: pLimit,
    rules: PLAUSIBILITY_RULES.map((rule) => {
      const { count, denominator } = input.plausibility[rule.id];
      const rate = denominator > 0 ? count / denominator : null;
      const pValue = denominator > 0 ? binomialUpperTail(count, denominator, rule.limit) : null;
      return {
        id: rule.id,
        count,
        denominator,
        rate,
        limit: rule.limit,
        p_value: pValue,
        exceeded: rate !== null && pValue !== null && rate > rule.limit && pValue < pLimit,
      };
    }),
  };
}
