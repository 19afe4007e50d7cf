import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveAdultTarget, largestMove, projectYouth, type DerivationBase } from '../../../src/generation/model-dependence.js';

const tvd = (p: readonly number[], q: readonly number[]) => p.reduce((sum, v, k) => sum + Math.abs(v - q[k]!), 0) / 2;
const base = (extra: Partial<DerivationBase>): DerivationBase => ({
  minAge: 0,
  universe: 'persons, all ages',
  tableIds: ['t'],
  trust: 'A',
  official: [0.5, 0.5],
  modelYouth: [0.1, 0.1],
  youthShare: 0.2,
  ...extra,
});

describe('deriveAdultTarget', () => {
  it('subtracts the youth split from the official shares and bounds by the most extreme split', () => {
    const derived = deriveAdultTarget(base({}))!;
    expect(derived.target_shares).toEqual([0.5, 0.5]);
    // All the young in one category: adults (0.5 − 0.2, 0.5) / 0.8 = (0.375, 0.625), TVD 0.125.
    expect(derived.model_dependence.bound_tvd).toBeCloseTo(0.125, 12);
    expect(derived.model_dependence.lower_shares[0]).toBeCloseTo(0.375, 12);
    expect(derived.model_dependence.upper_shares[0]).toBeCloseTo(0.625, 12);
  });

  it('a structural zero fixes the category: nobody young in it makes its adult share exact', () => {
    const derived = deriveAdultTarget(base({ official: [0.2, 0.3, 0.5], modelYouth: [0.05, 0.1, 0.05], youthShare: 0.2, upper: [0, 0.3, 0.5] }))!;
    expect(derived.target_shares[0]).toBeCloseTo(0.2 / 0.8, 12);
    expect(derived.model_dependence.lower_shares[0]).toBeCloseTo(0.25, 12);
    expect(derived.model_dependence.upper_shares[0]).toBeCloseTo(0.25, 12);
    // The model put 0.05 of the young in the zero category: the projection moves it to the others.
    expect(derived.target_shares[1]! + derived.target_shares[2]!).toBeCloseTo(0.75, 12);
  });

  it('a fact that leaves no room for the young (lower bounds above Y) gives no derived target', () => {
    expect(deriveAdultTarget(base({ lower: [0.15, 0.15] }))).toBeNull();
    expect(deriveAdultTarget(base({ upper: [0.05, 0.05] }))).toBeNull();
  });

  it('narrower facts never widen the bound', () => {
    const loose = deriveAdultTarget(base({ official: [0.3, 0.3, 0.4], modelYouth: [0.1, 0.05, 0.05] }))!;
    const tight = deriveAdultTarget(base({ official: [0.3, 0.3, 0.4], modelYouth: [0.1, 0.05, 0.05], upper: [0.3, 0.06, 0.4], lower: [0.05, 0, 0] }))!;
    expect(tight.model_dependence.bound_tvd).toBeLessThanOrEqual(loose.model_dependence.bound_tvd);
  });
});

describe('largestMove', () => {
  it('takes the best sign pattern, not the two totals', () => {
    // Room to rise only where the mass is: moving between the two small categories is all there is.
    expect(largestMove([0.01, 0.02, 0.5], [0, 0, 0.04])).toBeCloseTo(0.03, 12);
    expect(largestMove([0.3, 0.3], [0.1, 0.1])).toBeCloseTo(0.1, 12);
  });
});

/** Random official shares, a youth share and box limits that hold Y, with a model split inside. */
const instance = fc
  .record({
    raw: fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 2, maxLength: 7 }),
    youth: fc.double({ min: 0.01, max: 0.4, noNaN: true }),
    capFactors: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 7, maxLength: 7 }),
    modelRaw: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 7, maxLength: 7 }),
    draws: fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 7, maxLength: 7 }), { minLength: 1, maxLength: 5 }),
  })
  .map(({ raw, youth, capFactors, modelRaw, draws }) => {
    const total = raw.reduce((a, b) => a + b, 0);
    const official = raw.map((v) => v / total);
    const K = official.length;
    const upper = official.map((share, k) => share * (0.2 + 0.8 * capFactors[k]!));
    return { official, youth, upper, model: modelRaw.slice(0, K), draws: draws.map((d) => d.slice(0, K)), K };
  })
  .filter(({ upper, youth }) => upper.reduce((a, b) => a + b, 0) >= youth + 1e-9);

describe('the bound holds for every consistent adult distribution (property)', () => {
  it('any youth split inside the facts gives adults within B of the target and within the per-category bounds', () => {
    fc.assert(
      fc.property(instance, ({ official, youth, upper, model, draws }) => {
        const derived = deriveAdultTarget({ ...base({}), official, youthShare: youth, upper, modelYouth: model })!;
        expect(derived).not.toBeNull();
        const lower = new Array(official.length).fill(0);
        for (const draw of draws) {
          // A consistent split: the draw scaled and projected into the box (sum Y, 0 ≤ y ≤ cap).
          const split = projectYouth(draw, lower, upper, youth)!;
          const adults = official.map((share, k) => (share - split[k]!) / (1 - youth));
          expect(tvd(adults, derived.target_shares)).toBeLessThanOrEqual(derived.model_dependence.bound_tvd + 1e-9);
          adults.forEach((a, k) => {
            expect(a).toBeGreaterThanOrEqual(derived.model_dependence.lower_shares[k]! - 1e-9);
            expect(a).toBeLessThanOrEqual(derived.model_dependence.upper_shares[k]! + 1e-9);
          });
        }
      }),
      { numRuns: 300 },
    );
  });
});
