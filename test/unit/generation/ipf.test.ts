import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countConstraint, fitConstraints, fitIpf, proportionConstraint, type IpfMargin } from '../../../src/generation/ipf.js';

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

describe('fitConstraints', () => {
  const options = { tolerance: 1e-12, maxIterations: 2000, scale: 1 };

  it('meets a proportion within a group and keeps the group mass (2×2: 30% of row 0 in column 1)', () => {
    const prior = Float64Array.of(1, 1, 2, 2);
    const result = fitConstraints(prior, [proportionConstraint('share', 4, (c) => (c < 2 ? 0 : -1), (c) => (c === 1 ? 0 : -1), 1, [0.3])], options);
    expect(result.converged).toBe(true);
    expect(result.bounded).toBeNull();
    expect(Array.from(result.fitted).map((v) => Number(v.toFixed(9)))).toEqual([1.4, 0.6, 2, 2]);
  });

  it('combines counts on a subset with a proportion: the hand-solved 2×2 (row totals 4 and 6, cell 0 = 1, row 1 half in column 1)', () => {
    const constraints = [
      countConstraint('cell', 4, (c) => (c === 0 ? 0 : -1), [1]),
      proportionConstraint('row 1 split', 4, (c) => (c >= 2 ? 0 : -1), (c) => (c === 3 ? 0 : -1), 1, [0.5]),
      countConstraint('rows', 4, (c) => Math.floor(c / 2), [4, 6]),
    ];
    const result = fitConstraints(Float64Array.of(1, 1, 1, 1), constraints, options);
    expect(result.converged).toBe(true);
    expect(Array.from(result.fitted).map((v) => Number(v.toFixed(6)))).toEqual([1, 3, 3, 3]);
  });

  it('falls back to bounded raking when the constraints cannot all hold, and says so', () => {
    // Cell 0 must hold 5 of a row that must total 4: infeasible.
    const constraints = [countConstraint('cell', 4, (c) => (c === 0 ? 0 : -1), [5]), countConstraint('rows', 4, (c) => Math.floor(c / 2), [4, 4])];
    const result = fitConstraints(Float64Array.of(1, 1, 1, 1), constraints, { tolerance: 1e-9, maxIterations: 200, scale: 8, bound: 3 });
    expect(result.converged).toBe(false);
    expect(result.bounded).toBe(3);
    expect(result.maxResidual).toBeGreaterThan(1e-3);
    // every cell factor stays within the bound
    result.fitted.forEach((v) => {
      expect(v).toBeLessThanOrEqual(3 + 1e-12);
      expect(v).toBeGreaterThanOrEqual(1 / 3 - 1e-12);
    });
  });

  it('is classical IPF when the count margins cover every cell (same table as fitIpf, property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.1, max: 10, noNaN: true }), { minLength: 6, maxLength: 6 }), (cells) => {
        const prior = Float64Array.from(cells);
        const margins = twoWay(2, 3, [5, 7], [3, 4, 5]);
        const classic = fitIpf(prior, margins, { tolerance: 1e-12, maxIterations: 5000 });
        const general = fitConstraints(
          prior,
          margins.map((m) => ({ kind: 'count' as const, name: m.name, category: Int32Array.from(m.cellCategory), targets: m.targets })),
          { tolerance: 1e-12, maxIterations: 5000, scale: 12 },
        );
        general.fitted.forEach((v, c) => expect(v).toBeCloseTo(classic.fitted[c]!, 8));
      }),
      { numRuns: 50 },
    );
  });

  it('rejects a constraint that does not cover the table or has a negative target', () => {
    expect(() => fitConstraints(Float64Array.of(1, 1), [countConstraint('short', 1, () => 0, [1])], options)).toThrow(
      expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }),
    );
    expect(() => fitConstraints(Float64Array.of(1, 1), [countConstraint('negative', 2, () => 0, [-1])], options)).toThrow(
      expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }),
    );
  });
});
