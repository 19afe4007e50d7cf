import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitIpf, type IpfMargin } from '../../../src/generation/ipf.js';

/** Rows × cols table margins over a flat row-major table. */
function twoWay(rows: number, cols: number, rowTargets: number[], colTargets: number[]): IpfMargin[] {
  const cells = rows * cols;
  return [
    { name: 'rows', cellCategory: Uint16Array.from({ length: cells }, (_, c) => Math.floor(c / cols)), targets: Float64Array.from(rowTargets) },
    { name: 'cols', cellCategory: Uint16Array.from({ length: cells }, (_, c) => c % cols), targets: Float64Array.from(colTargets) },
  ];
}

describe('fitIpf', () => {
  it('fits the documented example: a uniform 2×2 raked to rows [3, 1] and cols [2, 2]', () => {
    const result = fitIpf(Float64Array.of(1, 1, 1, 1), twoWay(2, 2, [3, 1], [2, 2]), { tolerance: 1e-12, maxIterations: 100 });
    expect(Array.from(result.fitted).map((v) => Number(v.toFixed(9)))).toEqual([1.5, 1.5, 0.5, 0.5]);
    expect(result.converged).toBe(true);
  });

  it('keeps the odds ratio of the prior (the KL-closest table keeps interactions)', () => {
    const prior = Float64Array.of(4, 1, 1, 4);
    const { fitted } = fitIpf(prior, twoWay(2, 2, [5, 5], [3, 7]), { tolerance: 1e-13, maxIterations: 1000 });
    const oddsRatio = (fitted[0]! * fitted[3]!) / (fitted[1]! * fitted[2]!);
    expect(oddsRatio).toBeCloseTo(16, 6);
  });

  it('throws IPF_TARGETS_INCONSISTENT when margin totals differ', () => {
    expect(() => fitIpf(Float64Array.of(1, 1, 1, 1), twoWay(2, 2, [3, 1], [2, 3]), { tolerance: 1e-9, maxIterations: 10 })).toThrow(
      expect.objectContaining({ code: 'IPF_TARGETS_INCONSISTENT' }),
    );
  });

  it('throws IPF_INFEASIBLE when a target needs mass where the prior has none', () => {
    expect(() => fitIpf(Float64Array.of(1, 0, 1, 0), twoWay(2, 2, [1, 1], [1, 1]), { tolerance: 1e-9, maxIterations: 10 })).toThrow(
      expect.objectContaining({ code: 'IPF_INFEASIBLE' }),
    );
  });

  it('refuses a negative target or a margin that does not cover the table', () => {
    const invalid = expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' });
    expect(() => fitIpf(Float64Array.of(1, 1, 1, 1), twoWay(2, 2, [5, -1], [2, 2]), { tolerance: 1e-9, maxIterations: 10 })).toThrow(invalid);
    const short: IpfMargin = { name: 'short', cellCategory: Uint16Array.of(0, 1), targets: Float64Array.of(2, 2) };
    expect(() => fitIpf(Float64Array.of(1, 1, 1, 1), [short], { tolerance: 1e-9, maxIterations: 10 })).toThrow(invalid);
  });

  it('reports the residual of each margin by name', () => {
    // One sweep over rows [3, 1] then cols [2, 2] from a 3:1 skewed prior leaves the rows off.
    const result = fitIpf(Float64Array.of(3, 1, 1, 3), twoWay(2, 2, [3, 1], [2, 2]), { tolerance: 1e-15, maxIterations: 1 });
    expect(Object.keys(result.residualByMargin)).toEqual(['rows', 'cols']);
    expect(result.residualByMargin['cols']).toBeLessThan(1e-12);
    expect(result.residualByMargin['rows']).toBeGreaterThan(0.01);
    expect(result.maxResidual).toBe(result.residualByMargin['rows']);
  });

  it('reports non-convergence instead of looping when the iteration cap is hit', () => {
    const result = fitIpf(Float64Array.of(9, 1, 1, 9), twoWay(2, 2, [1, 9], [9, 1]), { tolerance: 1e-15, maxIterations: 2 });
    expect(result.iterations).toBe(2);
    expect(result.converged).toBe(false);
    expect(result.maxResidual).toBeGreaterThan(1e-15);
  });

  it('meets every margin, preserves the total and keeps structural zeros (property)', () => {
    const table = fc.record({
      rows: fc.integer({ min: 2, max: 5 }),
      cols: fc.integer({ min: 2, max: 5 }),
      seed: fc.array(fc.double({ min: 0.1, max: 10, noNaN: true }), { minLength: 25, maxLength: 25 }),
      zero: fc.nat(24),
      rowShares: fc.array(fc.double({ min: 0.1, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }),
      colShares: fc.array(fc.double({ min: 0.1, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }),
    });
    fc.assert(
      fc.property(table, ({ rows, cols, seed, zero, rowShares, colShares }) => {
        const prior = Float64Array.from({ length: rows * cols }, (_, c) => seed[c]!);
        const zeroCell = zero % (rows * cols);
        // One structural zero; keep every row and column otherwise populated.
        if (rows > 1 && cols > 1) prior[zeroCell] = 0;
        const total = 100;
        const rs = rowShares.slice(0, rows);
        const cs = colShares.slice(0, cols);
        const rowTargets = rs.map((v) => (v / rs.reduce((a, b) => a + b, 0)) * total);
        const colTargets = cs.map((v) => (v / cs.reduce((a, b) => a + b, 0)) * total);
        const result = fitIpf(prior, twoWay(rows, cols, rowTargets, colTargets), { tolerance: 1e-10, maxIterations: 5000 });
        expect(result.fitted[zeroCell]).toBe(0);
        const sum = result.fitted.reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(total, 6);
        if (result.converged) {
          for (let r = 0; r < rows; r += 1) {
            let rowSum = 0;
            for (let c = 0; c < cols; c += 1) rowSum += result.fitted[r * cols + c]!;
            expect(rowSum).toBeCloseTo(rowTargets[r]!, 6);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
