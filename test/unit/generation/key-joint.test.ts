import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AGE_85_PLUS_INDEX,
  KEY_CELL_COUNT,
  KEY_DIMENSIONS,
  crossIndex,
  decodeKeyCell,
  keyCellIndex,
  keyCellIndexes,
} from '../../../src/generation/key-joint.js';
import { KEY_SIZES, cellAt } from '../../helpers/key-cells.js';

const cellArbitrary = fc.record({
  district: fc.nat(KEY_SIZES.district - 1),
  residence: fc.nat(KEY_SIZES.residence - 1),
  sex: fc.nat(KEY_SIZES.sex - 1),
  ethnicity: fc.nat(KEY_SIZES.ethnicity - 1),
  age: fc.nat(KEY_SIZES.age - 1),
});

describe('the key joint', () => {
  it('has 35 · 2 · 2 · 9 · 86 = 108,360 cells, the open age group 85+ last', () => {
    expect({ ...KEY_DIMENSIONS }).toEqual(KEY_SIZES);
    expect(KEY_CELL_COUNT).toBe(108_360);
    expect(AGE_85_PLUS_INDEX).toBe(85);
  });

  it('nests cells district, residence, sex, ethnicity, age (age fastest), and decodes what it encodes (property)', () => {
    fc.assert(
      fc.property(cellArbitrary, (cell) => {
        const index = keyCellIndex(cell);
        expect(index).toBe(cellAt(cell));
        expect(decodeKeyCell(index)).toEqual(cell);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.nat(KEY_CELL_COUNT - 1), (index) => {
        expect(keyCellIndex(decodeKeyCell(index))).toBe(index);
      }),
      { numRuns: 500 },
    );
  });

  it('spans 0..108,359 with no gap: the first and last cells are the ends', () => {
    expect(keyCellIndex({ district: 0, residence: 0, sex: 0, ethnicity: 0, age: 0 })).toBe(0);
    expect(keyCellIndex({ district: 34, residence: 1, sex: 1, ethnicity: 8, age: 85 })).toBe(108_359);
  });

  it('gives per-cell category arrays that agree with decoding, built once', () => {
    const indexes = keyCellIndexes();
    expect(keyCellIndexes()).toBe(indexes);
    for (const name of ['district', 'residence', 'sex', 'ethnicity', 'age'] as const) expect(indexes[name]).toHaveLength(KEY_CELL_COUNT);
    fc.assert(
      fc.property(fc.nat(KEY_CELL_COUNT - 1), (index) => {
        const { district, residence, sex, ethnicity, age } = indexes;
        expect({
          district: district[index],
          residence: residence[index],
          sex: sex[index],
          ethnicity: ethnicity[index],
          age: age[index],
        }).toEqual(decodeKeyCell(index));
      }),
      { numRuns: 500 },
    );
  });
});

describe('crossIndex', () => {
  it('combines two category arrays into a × b categories, the second fastest', () => {
    expect(Array.from(crossIndex(Uint16Array.of(0, 1, 2, 1), Uint16Array.of(1, 0, 1, 1), 2))).toEqual([1, 2, 5, 3]);
  });
});
