import { describe, expect, it } from 'vitest';
import { chiSquareGoodnessOfFit } from '../../../../src/trust/metrics/chi-square-goodness-of-fit.js';

describe('chiSquareGoodnessOfFit', () => {
  it('matches SciPy without pooling', () => {
    // scipy.stats.chisquare([10, 20, 30, 40], [25, 25, 25, 25]) → statistic 20.0, pvalue 0.00016974243555282632
    const result = chiSquareGoodnessOfFit([10, 20, 30, 40], [0.25, 0.25, 0.25, 0.25]);
    expect(result.statistic).toBeCloseTo(20, 12);
    expect(result.degrees_of_freedom).toBe(3);
    expect(result.p_value).toBeCloseTo(0.00016974243555282632, 12);
    expect(result.pooled_categories).toBe(0);
  });

  it('pools categories with expected counts below 5 into one cell', () => {
    // n = 100, expected 60 / 30 / 4 / 3 / 3 → cells 60, 30, pool(10); observed 58, 32, pool(10)
    // scipy.stats.chisquare([58, 32, 10], [60, 30, 10]) → statistic 0.2, pvalue 0.9048374180359595
    const result = chiSquareGoodnessOfFit([58, 32, 4, 3, 3], [0.6, 0.3, 0.04, 0.03, 0.03]);
    expect(result.statistic).toBeCloseTo(0.2, 12);
    expect(result.degrees_of_freedom).toBe(2);
    expect(result.p_value).toBeCloseTo(0.9048374180359595, 12);
    expect(result.pooled_categories).toBe(3);
  });

  it('folds a still-too-small pool into the smallest large cell, so zero-target counts still count', () => {
    // n = 100, expected 70 / 30 / 0; observed 70 / 25 / 5 → cells (70, 70) and (30, 30)
    // scipy.stats.chisquare([70, 30], [70, 30]) → statistic 0
    const clean = chiSquareGoodnessOfFit([70, 25, 5], [0.7, 0.3, 0]);
    expect(clean.statistic).toBeCloseTo(0, 12);
    // observed 60 / 35 / 5 → cells (60, 70), (40, 30): scipy.stats.chisquare([60, 40], [70, 30]) → 4.761904761904762
    const drifted = chiSquareGoodnessOfFit([60, 35, 5], [0.7, 0.3, 0]);
    expect(drifted.statistic).toBeCloseTo(4.761904761904762, 12);
    expect(drifted.degrees_of_freedom).toBe(1);
  });

  it('reports no evidence (p = 1, df = 0) when fewer than two cells can be tested', () => {
    expect(chiSquareGoodnessOfFit([0, 0], [0.5, 0.5])).toEqual({ statistic: 0, degrees_of_freedom: 0, p_value: 1, pooled_categories: 0 });
    expect(chiSquareGoodnessOfFit([2, 1], [0.5, 0.5]).degrees_of_freedom).toBe(0);
  });

  it('rejects shares that do not sum to 1', () => {
    expect(() => chiSquareGoodnessOfFit([1, 2], [0.5, 0.4])).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
  });
});
