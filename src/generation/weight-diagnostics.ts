/**
 * How far calibration pulled the model: diagnostics of the calibration weights w_c =
 * fitted_c / prior_c over the prior mass m_c (persons).
 *
 * Kish effective sample size over the prior mass: ESS = (Σ m_c·w_c)² / Σ m_c·w_c².
 * ess_ratio = ESS / Σ m_c ∈ (0, 1]; it is 1 when no weight moved and falls as calibration
 * concentrates mass; information_loss = 1 − ess_ratio. O(cells).
 *
 * Reference: L. Kish, Survey Sampling, Wiley, 1965, §11.7 (design effect of weighting).
 */
export interface WeightDiagnostics {
  readonly ess: number;
  readonly ess_ratio: number;
  readonly information_loss: number;
  readonly max_weight: number;
  /** Unweighted mean of the weights over cells with prior mass. */
  readonly mean_weight: number;
  readonly max_mean_weight_ratio: number;
  /** Share of the fitted mass held by the highest-weight cells that make up 5% of the prior mass. */
  readonly top5_weight_share: number;
}

/**
 * @param prior - prior mass per cell (≥ 0)
 * @param fitted - calibrated mass per cell, zero wherever the prior is zero
 * @example weightDiagnostics(Float64Array.of(1, 1), Float64Array.of(1, 1)).ess_ratio // => 1
 */
export function weightDiagnostics(prior: Float64Array, fitted: Float64Array): WeightDiagnostics {
  let priorMass = 0;
  let fittedMass = 0;
  let weightedSquares = 0;
  let maxWeight = 0;
  let weightSum = 0;
  let cells = 0;
  const order: number[] = [];
  for (let c = 0; c < prior.length; c += 1) {
    const m = prior[c]!;
    if (m <= 0) continue;
    const w = fitted[c]! / m;
    priorMass += m;
    fittedMass += fitted[c]!;
    weightedSquares += m * w * w;
    if (w > maxWeight) maxWeight = w;
    weightSum += w;
    cells += 1;
    order.push(c);
  }
  // Normalise so the weights average 1 over the prior mass even when totals differ slightly.
  const scale = priorMass / fittedMass;
  const ess = (fittedMass * fittedMass) / weightedSquares;
  const essRatio = Math.min(1, ess / priorMass);
  order.sort((x, y) => fitted[y]! / prior[y]! - fitted[x]! / prior[x]!);
  let coveredPrior = 0;
  let topFitted = 0;
  for (const c of order) {
    if (coveredPrior >= 0.05 * priorMass) break;
    coveredPrior += prior[c]!;
    topFitted += fitted[c]!;
  }
  const meanWeight = (weightSum / cells) * scale;
  return {
    ess,
    ess_ratio: essRatio,
    information_loss: 1 - essRatio,
    max_weight: maxWeight * scale,
    mean_weight: meanWeight,
    max_mean_weight_ratio: (maxWeight * scale) / meanWeight,
    top5_weight_share: topFitted / fittedMass,
  };
}
