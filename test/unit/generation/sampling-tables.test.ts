import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConditionalTable, ConditionalTables } from '../../../src/generation/conditionals.js';
import { generationModelFor } from '../../../src/generation/model.js';
import { aliasTableOf, cumulativeOf, draw, drawAlias, samplingTablesOf, type AliasTable } from '../../../src/generation/sampling-tables.js';
import { createRng, type Rng } from '../../../src/rng.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

/** A stream that returns the given numbers in turn. */
const scripted = (...values: number[]): Rng => ({ next: () => values.shift()! });
const table = (rows: number, categories: string[], probabilities: number[]): ConditionalTable => ({
  rows,
  categories,
  probabilities: Float64Array.from(probabilities),
});

describe('cumulativeOf', () => {
  it('accumulates each row on its own; a row that does not apply stays zero', () => {
    const cumulative = cumulativeOf(table(3, ['a', 'b', 'c'], [0.2, 0.3, 0.5, 0, 0, 0, 0, 1, 0]));
    expect(cumulative.width).toBe(3);
    expect(Array.from(cumulative.cumulative)).toEqual([0.2, 0.5, 1, 0, 0, 0, 0, 1, 1]);
  });
});

describe('draw', () => {
  const rows = cumulativeOf(table(2, ['a', 'b', 'c'], [0.25, 0.25, 0.5, 0, 1, 0]));

  it('picks the first category whose cumulative share exceeds u (a boundary belongs to the next one)', () => {
    expect(draw(rows, 0, scripted(0))).toBe(0);
    expect(draw(rows, 0, scripted(0.2499))).toBe(0);
    expect(draw(rows, 0, scripted(0.25))).toBe(1);
    expect(draw(rows, 0, scripted(0.5))).toBe(2);
    expect(draw(rows, 0, scripted(0.9999))).toBe(2);
  });

  it('reads the asked row, and uses one number of the stream per draw', () => {
    const rng = scripted(0.1, 0.9);
    expect(draw(rows, 1, rng)).toBe(1);
    expect(draw(rows, 0, rng)).toBe(2);
  });

  it('scales u to the row total, so a row a hair short of 1 still reaches its last category', () => {
    const short = cumulativeOf(table(1, ['a', 'b'], [0.5, 0.4999999]));
    expect(draw(short, 0, scripted(0.99999999))).toBe(1);
    // Scaled, u = 0.5 is 0.49999995 of this row: still the first category (unscaled it would not be).
    expect(draw(short, 0, scripted(0.5))).toBe(0);
    expect(draw(short, 0, scripted(0.5001))).toBe(1);
  });

  it('never draws a category of probability 0 (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<number>(0, 0, 0.1, 1, 3), { minLength: 1, maxLength: 8 }).filter((w) => w.some((x) => x > 0)),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (weights, u) => {
          const total = weights.reduce((a, b) => a + b, 0);
          const drawn = draw(cumulativeOf(table(1, weights.map(String), weights.map((w) => w / total))), 0, scripted(u));
          expect(weights[drawn]).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('draws each category about as often as its probability (20,000 seeded draws, within 0.015)', () => {
    const rng = createRng(11, 'test');
    const seen = [0, 0, 0];
    for (let i = 0; i < 20_000; i += 1) seen[draw(rows, 0, rng)]! += 1;
    [0.25, 0.25, 0.5].forEach((p, k) => expect(Math.abs(seen[k]! / 20_000 - p)).toBeLessThan(0.015));
  });
});

describe('samplingTablesOf', () => {
  let conditionals: ConditionalTables;
  beforeAll(async () => {
    conditionals = generationModelFor(await shippedSnapshot(), true).conditionals;
  });

  it('gives each field the cumulative rows of its own conditional table', () => {
    const sampling = samplingTablesOf(conditionals);
    const pairs = {
      motherTongue: conditionals.motherTongueByUnit,
      usualLanguage: conditionals.usualLanguageByPlace,
      religion: conditionals.religionByUnit,
      marital: conditionals.maritalBySexAge,
      education: conditionals.educationByUnit,
      employment: conditionals.employmentByRow,
      inactivity: conditionals.inactivityByAge,
      sector: conditionals.sector,
      age85Plus: conditionals.age85Plus,
    } as const;
    expect(Object.keys(sampling).sort()).toEqual(Object.keys(pairs).sort());
    for (const [name, source] of Object.entries(pairs)) {
      const cumulative = sampling[name as keyof typeof pairs];
      expect({ name, width: cumulative.width }).toEqual({ name, width: source.categories.length });
      expect(Array.from(cumulative.cumulative)).toEqual(Array.from(cumulativeOf(source).cumulative));
    }
  });
});

describe('aliasTableOf / drawAlias', () => {
  /** The probability each category gets from a row: its own slot's keep share plus the slots aliased to it, each slot 1/width. */
  function impliedShares(table: AliasTable, row: number): number[] {
    const shares = new Array<number>(table.width).fill(0);
    for (let slot = 0; slot < table.width; slot += 1) {
      const p = table.probability[row * table.width + slot]!;
      shares[slot]! += p / table.width;
      shares[table.alias[row * table.width + slot]!]! += (1 - p) / table.width;
    }
    return shares;
  }

  it('gives every category exactly its share of the row, and a zero weight nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 1000, noNaN: true })), { minLength: 7, maxLength: 7 }), { minLength: 1, maxLength: 4 }), (raw) => {
        const rows = raw.map((row) => (row.every((w) => w === 0) ? [...row.slice(1), 1] : row));
        const table = aliasTableOf(rows);
        rows.forEach((row, r) => {
          const total = row.reduce((sum, w) => sum + w, 0);
          impliedShares(table, r).forEach((share, k) => {
            if (row[k] === 0) expect(share).toBe(0);
            else expect(share).toBeCloseTo(row[k]! / total, 9);
          });
        });
      }),
      { numRuns: 200 },
    );
  });

  it('draws with one rng.next(): the slot from the integer part, keep-or-alias from the fraction', () => {
    const table = aliasTableOf([[1, 3]]);
    // Scaled 0.5 and 1.5: slot 0 keeps category 0 half the time, else gives 1; slot 1 always 1.
    expect(drawAlias(table, 0, scripted(0.1))).toBe(0);
    expect(drawAlias(table, 0, scripted(0.3))).toBe(1);
    expect(drawAlias(table, 0, scripted(0.7))).toBe(1);
  });
});
