import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../../../src/errors.js';
import { buildQueryBody, extractCube, type DimensionMapping } from '../../../../src/census/pxweb/extract-cube.js';
import { PxwebJsonResponseSchema, type PxwebJsonResponse } from '../../../../src/census/pxweb/pxweb-schemas.js';
import { referenceDir } from '../../../helpers/census.js';

const YEAR: DimensionMapping = { code: 'Ani', categories: new Map([['2024', '2024']]), totals: new Set() };
const SEX: DimensionMapping = { code: 'Sexe', categories: new Map([['2', 'female'], ['1', 'male']]), totals: new Set(['0']) };
const AREA: DimensionMapping = { code: 'Medii', categories: new Map([['1', 'urban'], ['2', 'rural']]), totals: new Set(['0']) };
const DIMENSIONS = [YEAR, SEX, AREA];
const AXES = [
  { dimension: 'Sexe', order: ['female', 'male'] },
  { dimension: 'Medii', order: ['urban', 'rural'] },
];
const COLUMNS = [
  { code: 'Ani', text: 'Ani', type: 't' as const },
  { code: 'Sexe', text: 'Sexe', type: 'd' as const },
  { code: 'Medii', text: 'Medii', type: 'd' as const },
  { code: 'POP', text: 'Population', type: 'c' as const },
];
const row = (sex: string, area: string, value: string) => ({ key: ['2024', sex, area], values: [value] });
const CELLS = [row('1', '1', '100'), row('1', '2', '120'), row('2', '1', '110'), row('2', '2', '130')];
const response = (data: PxwebJsonResponse['data'], columns = COLUMNS): PxwebJsonResponse => ({ columns, comments: [], data });

function drift(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (hasErrorCode(error) && error.code === 'PXWEB_SCHEMA_DRIFT') return error.message;
    throw error;
  }
  throw new Error('expected PXWEB_SCHEMA_DRIFT');
}

describe('buildQueryBody', () => {
  it('selects only category codes, never totals, in the json format', () => {
    expect(buildQueryBody(DIMENSIONS)).toEqual({
      query: [
        { code: 'Ani', selection: { filter: 'item', values: ['2024'] } },
        { code: 'Sexe', selection: { filter: 'item', values: ['2', '1'] } },
        { code: 'Medii', selection: { filter: 'item', values: ['1', '2'] } },
      ],
      response: { format: 'json' },
    });
  });
});

describe('extractCube', () => {
  it('lays the cells out row-major over our category order', () => {
    expect(extractCube(response(CELLS), DIMENSIONS, AXES)).toEqual([110, 130, 100, 120]);
  });

  it('finds dimensions by column code, whatever their order in the response', () => {
    const swapped = [COLUMNS[0]!, COLUMNS[2]!, COLUMNS[1]!, COLUMNS[3]!];
    const data = CELLS.map((r) => ({ key: [r.key[0]!, r.key[2]!, r.key[1]!], values: r.values }));
    expect(extractCube(response(data, swapped), DIMENSIONS, AXES)).toEqual([110, 130, 100, 120]);
  });

  it('drops consistent total rows instead of adding them (no double counting)', () => {
    const totals = [row('0', '1', '210'), row('0', '2', '250'), row('1', '0', '220'), row('2', '0', '240'), row('0', '0', '460')];
    const cube = extractCube(response([...totals, ...CELLS]), DIMENSIONS, AXES);
    expect(cube).toEqual([110, 130, 100, 120]);
    expect(cube.reduce((a, b) => a + b, 0)).toBe(460);
  });

  it('rejects a total row that disagrees with its categories', () => {
    expect(drift(() => extractCube(response([...CELLS, row('0', '0', '999')]), DIMENSIONS, AXES))).toMatch(/categories sum to 460/);
  });

  it.each([
    ['empty data', () => response([]), /no data rows/],
    ['a missing cell', () => response(CELLS.slice(1)), /lacks 1 of 4 cells/],
    ['a cell twice', () => response([...CELLS, row('1', '1', '100')]), /twice/],
    ['an unknown code', () => response([...CELLS.slice(1), row('M', '1', '100')]), /unknown code 'M' for Sexe/],
    ['a confidential cell', () => response([...CELLS.slice(1), row('1', '1', '..')]), /not a count/],
    ['a dash cell', () => response([...CELLS.slice(1), row('1', '1', '-')]), /not a count/],
    ['a renamed column', () => response(CELLS, COLUMNS.map((c) => (c.code === 'Sexe' ? { ...c, code: 'Sex' } : c))), /columns changed/],
    ['no content column', () => response(CELLS, COLUMNS.slice(0, 3)), /one content column/],
  ] as const)('rejects %s', (_name, build, message) => {
    expect(drift(() => extractCube(build(), DIMENSIONS, AXES))).toMatch(message);
  });

  it('rejects every drift example of the predecessor fixtures', () => {
    const file = join(referenceDir(), 'pxweb-fixtures', 'schema_drift_examples.json');
    const examples = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const sexOnly = [{ code: 'Ani', categories: new Map([['2024', '2024']]), totals: new Set<string>() }, SEX];
    const cases = Object.entries(examples).filter(([name]) => !name.startsWith('_'));
    expect(cases).toHaveLength(4);
    for (const [name, example] of cases) {
      const parsed = PxwebJsonResponseSchema.parse(example);
      expect(() => extractCube(parsed, sexOnly, [{ dimension: 'Sexe', order: ['female', 'male'] }]), name).toThrow(
        expect.objectContaining({ code: 'PXWEB_SCHEMA_DRIFT' }),
      );
    }
  });
});
