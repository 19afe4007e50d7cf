import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { generationModelFor, type GenerationModel } from '../../../src/generation/model.js';
import { SHARD_SIZE, planCells, shardRanges } from '../../../src/generation/plan.js';
import { KEY_SIZES } from '../../helpers/key-cells.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

let model: GenerationModel;
beforeAll(async () => {
  model = generationModelFor(await shippedSnapshot(), true);
});

const ageOfCell = (cell: number) => cell % KEY_SIZES.age;
const districtOfCell = (cell: number) => Math.floor(cell / (2 * 2 * 9 * KEY_SIZES.age));

describe('planCells', () => {
  it('allocates exactly n personas, the same cells in the same order for a seed, and none under 18 for adults (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_000 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.constantFrom('adults' as const, 'all' as const),
        (n, seed, scope) => {
          const cells = planCells(model, { n, seed, scope });
          expect(cells).toHaveLength(n);
          expect(Array.from(planCells(model, { n, seed, scope }))).toEqual(Array.from(cells));
          for (const cell of cells) {
            expect(cell).toBeGreaterThanOrEqual(0);
            expect(cell).toBeLessThan(108_360);
            if (scope === 'adults') expect(ageOfCell(cell)).toBeGreaterThanOrEqual(18);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("gives each cell and each district the floor or ceiling of its expected count n · p (the joint's shares in scope)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50_000 }), fc.integer({ min: 0, max: 0xffffffff }), (n, seed) => {
        const weights = model.joint.map((mass, cell) => (ageOfCell(cell) >= 18 ? mass : 0));
        const total = weights.reduce((a, b) => a + b, 0);
        const perCell = new Map<number, number>();
        const perDistrict = new Array<number>(KEY_SIZES.district).fill(0);
        for (const cell of planCells(model, { n, seed, scope: 'adults' })) {
          perCell.set(cell, (perCell.get(cell) ?? 0) + 1);
          perDistrict[districtOfCell(cell)]! += 1;
        }
        for (const [cell, count] of perCell) expect(count).toBeLessThanOrEqual(Math.ceil((n * weights[cell]!) / total - 1e-9));
        weights.forEach((w, cell) => {
          const floor = Math.floor((n * w) / total + 1e-9);
          if (floor > 0 && (perCell.get(cell) ?? 0) < floor) expect({ cell, count: perCell.get(cell) ?? 0 }).toEqual({ cell, count: floor });
        });
        const expectedDistrict = new Array<number>(KEY_SIZES.district).fill(0);
        weights.forEach((w, cell) => (expectedDistrict[districtOfCell(cell)]! += (n * w) / total));
        perDistrict.forEach((count, d) => expect(Math.abs(count - expectedDistrict[d]!)).toBeLessThan(1 + 1e-6));
      }),
      { numRuns: 10 },
    );
  });

  it('shuffles: personas are not in cell order, and another seed gives another order', () => {
    const a = Array.from(planCells(model, { n: 1_000, seed: 1, scope: 'all' }));
    const b = Array.from(planCells(model, { n: 1_000, seed: 2, scope: 'all' }));
    expect(a).not.toEqual([...a].sort((x, y) => x - y));
    expect(b).not.toEqual(a);
  });
});

describe('shardRanges', () => {
  it('is pinned at 16,384 personas per shard: the dataset bytes depend on it', () => {
    expect(SHARD_SIZE).toBe(16_384);
  });

  it('covers 0..n-1 with consecutive shards of SHARD_SIZE, the last one shorter (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 * 16_384 + 17 }), (n) => {
        const ranges = shardRanges(n);
        expect(ranges).toHaveLength(Math.ceil(n / 16_384));
        let next = 0;
        ranges.forEach((range, i) => {
          expect(range.shardIndex).toBe(i);
          expect(range.startIndex).toBe(next);
          expect(range.count).toBe(i < ranges.length - 1 ? 16_384 : n - next);
          expect(range.count).toBeGreaterThan(0);
          next += range.count;
        });
        expect(next).toBe(n);
      }),
      { numRuns: 200 },
    );
  });
});
