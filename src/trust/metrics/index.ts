/** The trust metrics: one statistic per file, re-exported here. */
export { binomialUpperTail } from './binomial-tail.js';
export { chiSquareGoodnessOfFit, type ChiSquareResult } from './chi-square-goodness-of-fit.js';
export { chiSquareSurvival } from './chi-square-survival.js';
export {
  binomialMeanAbsoluteDeviation,
  expectedSamplingL1,
  expectedSamplingTvd,
  samplingMultiplier,
  samplingThreshold,
} from './expected-sampling-error.js';
export { jensenShannonBits } from './jensen-shannon.js';
export { kishEffectiveSampleSize, kishEssRatio } from './kish-ess.js';
export { l1Distance } from './l1-distance.js';
export { logGamma } from './log-gamma.js';
export { maxCategoryError } from './max-category-error.js';
export { normalUpperQuantile } from './normal-quantile.js';
export { regularizedGammaQ } from './regularized-gamma.js';
export { totalVariationDistance } from './total-variation.js';
