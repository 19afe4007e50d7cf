import { describe, expect, it } from 'vitest';
import { weightDiagnostics } from '../../../src/generation/weight-diagnostics.js';

describe('weightDiagnostics', () => {
  it('reports no loss when calibration moved nothing', () => {
    const d = weightDiagnostics(Float64Array.of(1, 2, 3), Float64Array.of(1, 2, 3));
    expect(d.ess_ratio).toBeCloseTo(1, 12);
    expect(d.information_loss).toBeCloseTo(0, 12);
    expect(d.max_mean_weight_ratio).toBeCloseTo(1, 12);
  });

  it('matches Kish ESS computed by hand', () => {
    // prior mass 1 and 1, weights 0.5 and 1.5: ESS = (0.5 + 1.5)^2 / (0.25 + 2.25) = 1.6 of 2
    const d = weightDiagnostics(Float64Array.of(1, 1), Float64Array.of(0.5, 1.5));
    expect(d.ess).toBeCloseTo(1.6, 12);
    expect(d.ess_ratio).toBeCloseTo(0.8, 12);
    expect(d.max_weight).toBeCloseTo(1.5, 12);
  });
});
