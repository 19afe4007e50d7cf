import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateSystematic,
  cumulativeShares,
  shuffleInPlace,
  systematicCells,
} from '../../../src/generation/allocation.js';
import { createRng } from '../../../src/rng.js';

describe('allocateSystematic', () => {
  it('allocates the documented example exactly', () => {
    expect(Array.from(allocateSystematic(Float64Array.of(1, 1, 2), 4, 0.5))).toEqual([1, 1, 2]);
  });

  it('sums to n, gives each cell floor or ceil of its expectation, and every contiguous run is within one (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        fc.nat(59),
        fc.nat(59),
        (raw, n, offset, a, b) => {
          const weights = Float64Array.from(raw.length > 0 && raw.some((w) => w > 0) ? raw : [1]);
          const total = weights.reduce((x, y) => x + y, 0);
          const counts = allocateSystematic(weights, n, offset);
          expect(counts.reduce((x, y) => x + y, 0)).toBe(n);
          counts.forEach((count, c) => {
            const expected = (weights[c]! / total) * n;
            expect(count).toBeGreaterThanOrEqual(Math.floor(expected - 1e-9));
            expect(count).toBeLessThanOrEqual(Math.ceil(expected + 1e-9));
          });
          const [from, to] = [Math.min(a, b) % weights.length, Math.max(a, b) % weights.length].sort((x, y) => x - y) as [number, number];
          let runCount = 0;
          let runExpected = 0;
          for (let c = from; c <= to; c += 1) {
            runCount += counts[c]!;
            runExpected += (weights[c]! / total) * n;
          }
          expect(Math.abs(runCount - runExpected)).toBeLessThan(1 + 1e-6);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects a negative or fractional n', () => {
    expect(() => allocateSystematic(Float64Array.of(1), -1, 0)).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
    expect(() => allocateSystematic(Float64Array.of(1), 1.5, 0)).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
  });
});

describe('systematicCells', () => {
  it('picks, in cell order, floor(x_c + u) - floor(x_{c-1} + u) points per cell (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (raw, n, offset) => {
          const weights = Float64Array.from(raw.some((w) => w > 0) ? raw : [1]);
          const cells = systematicCells(cumulativeShares(weights), n, offset);
          expect(cells).toHaveLength(n);
          for (let k = 1; k < n; k += 1) expect(cells[k]!).toBeGreaterThanOrEqual(cells[k - 1]!);
          // The rounding formula, computed here from running sums independently of the search.
          const total = weights.reduce((a, b) => a + b, 0);
          let running = 0;
          let previous = Math.floor(offset);
          weights.forEach((w, c) => {
            running += w;
            const upTo = c === weights.length - 1 ? n : Math.floor((running / total) * n + offset);
            const count = cells.filter((cell) => cell === c).length;
            // Float rounding may move a point across a boundary that falls exactly on it.
            expect(Math.abs(count - (upTo - previous))).toBeLessThanOrEqual(1);
            if (w === 0) expect(count).toBe(0);
            previous = upTo;
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('shuffleInPlace', () => {
  it('is a permutation, and the same seed gives the same order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 200 }), fc.nat(), (values, seed) => {
        const a = Int32Array.from(values);
        const b = Int32Array.from(values);
        shuffleInPlace(a, createRng(seed, 'test'));
        shuffleInPlace(b, createRng(seed, 'test'));
        expect(Array.from(a)).toEqual(Array.from(b));
        expect(Array.from(a).sort((x, y) => x - y)).toEqual([...values].sort((x, y) => x - y));
      }),
    );
  });

  it('gives another order for another seed', () => {
    const a = Int32Array.from({ length: 100 }, (_, i) => i);
    const b = Int32Array.from({ length: 100 }, (_, i) => i);
    shuffleInPlace(a, createRng(1, 'test'));
    shuffleInPlace(b, createRng(2, 'test'));
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });
});

describe('cumulativeShares', () => {
  it('accumulates shares to exactly 1 at the top, with zero-weight cells flat', () => {
    expect(Array.from(cumulativeShares(Float64Array.of(1, 0, 3)))).toEqual([0.25, 0.25, 1]);
    const drift = cumulativeShares(Float64Array.from({ length: 10 }, () => 0.1));
    expect(drift[9]).toBe(1);
  });

  it('refuses weights with no positive total', () => {
    expect(() => cumulativeShares(Float64Array.of(0, 0))).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
  });
});

describe('systematicCells, bad input', () => {
  it('refuses an offset outside [0, 1)', () => {
    const cumulative = cumulativeShares(Float64Array.of(1, 1));
    for (const offset of [-0.1, 1, Number.NaN]) {
      expect(() => systematicCells(cumulative, 2, offset)).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
    }
  });
});
