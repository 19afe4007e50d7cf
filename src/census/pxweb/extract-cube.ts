/**
 * Reads a PxWeb `json` response into a complete, row-major array of counts over our categories.
 *
 * Totals are never added to categories (the predecessor's double counting, anchor §8.2): the query
 * selects category codes only, and if total rows come back anyway they are checked against the
 * sum of their categories and then dropped. Anything we cannot account for is schema drift:
 * changed columns, an unknown code, a missing or confidential cell (`..`, `...`, `-`), a cell
 * twice or missing, empty data. A drifted response never becomes a partial table.
 */
import { schemaDrift } from './schema-drift.js';
import type { PxwebJsonResponse, PxwebQueryBody } from './pxweb-schemas.js';

/** One PxWeb variable as we use it: which value codes are our categories, which are totals. */
export interface DimensionMapping {
  /** PxWeb variable code, e.g. `Sexe`. */
  readonly code: string;
  /** PxWeb value code → our category code, in the order to select. */
  readonly categories: ReadonlyMap<string, string>;
  /** Value codes that are totals of all categories (never selected; checked and dropped if sent). */
  readonly totals: ReadonlySet<string>;
}

/** An output axis: a dimension and the order of our category codes along it. */
export interface CubeAxis {
  readonly dimension: string;
  readonly order: readonly string[];
}

export function buildQueryBody(dimensions: readonly DimensionMapping[]): PxwebQueryBody {
  return {
    query: dimensions.map((dimension) => ({
      code: dimension.code,
      selection: { filter: 'item' as const, values: [...dimension.categories.keys()] },
    })),
    response: { format: 'json' },
  };
}

const COUNT = /^\d+$/;

interface ParsedRow {
  readonly categories: (string | null)[]; // null = total in that dimension
  readonly value: number;
}

/**
 * @param dimensions - every dimension of the query; those not in `axes` must select one category
 * @param axes - output axes, slowest first; the result is row-major over them
 * @throws ServiceError `PXWEB_SCHEMA_DRIFT` for anything but a complete, consistent cube
 */
export function extractCube(
  response: PxwebJsonResponse,
  dimensions: readonly DimensionMapping[],
  axes: readonly CubeAxis[],
): number[] {
  const positions = columnPositions(response, dimensions);
  if (response.data.length === 0) throw schemaDrift('PxWeb returned no data rows');

  const rows = response.data.map((row, index) => parseRow(row, index, dimensions, positions));
  const cellCount = axes.reduce((product, axis) => product * axis.order.length, 1);
  const values: (number | undefined)[] = new Array<number | undefined>(cellCount).fill(undefined);
  const totalRows: ParsedRow[] = [];

  for (const row of rows) {
    if (row.categories.includes(null)) {
      totalRows.push(row);
      continue;
    }
    const index = cellIndex(row.categories, dimensions, axes);
    if (values[index] !== undefined) throw schemaDrift(`PxWeb sent the cell [${row.categories.join(', ')}] twice`);
    values[index] = row.value;
  }
  const missing = values.filter((value) => value === undefined).length;
  if (missing > 0) throw schemaDrift(`PxWeb data lacks ${missing} of ${cellCount} cells`);
  const complete = values as number[];
  for (const row of totalRows) checkTotalRow(row, complete, dimensions, axes);
  return complete;
}

/** Position of each dimension in a data key, from the response's own columns. */
function columnPositions(response: PxwebJsonResponse, dimensions: readonly DimensionMapping[]): Map<string, number> {
  const content = response.columns.filter((column) => column.type === 'c');
  if (content.length !== 1) throw schemaDrift(`expected one content column, PxWeb sent ${content.length}`);
  const keyColumns = response.columns.filter((column) => column.type !== 'c').map((column) => column.code);
  const expected = dimensions.map((dimension) => dimension.code);
  if (keyColumns.length !== expected.length || !expected.every((code) => keyColumns.includes(code))) {
    throw schemaDrift(`PxWeb columns changed: expected [${expected.join(', ')}], got [${keyColumns.join(', ')}]`, {
      expected,
      received: keyColumns,
    });
  }
  return new Map(keyColumns.map((code, index) => [code, index] as const));
}

function parseRow(
  row: PxwebJsonResponse['data'][number],
  index: number,
  dimensions: readonly DimensionMapping[],
  positions: ReadonlyMap<string, number>,
): ParsedRow {
  if (row.key.length !== dimensions.length || row.values.length !== 1) {
    throw schemaDrift(`PxWeb data row ${index} has ${row.key.length} key codes and ${row.values.length} values`);
  }
  const categories = dimensions.map((dimension) => {
    const code = row.key[positions.get(dimension.code) ?? -1] ?? '';
    const category = dimension.categories.get(code);
    if (category !== undefined) return category;
    if (dimension.totals.has(code)) return null;
    throw schemaDrift(`PxWeb sent unknown code '${code}' for ${dimension.code}`, { dimension: dimension.code, code });
  });
  const text = row.values[0] ?? '';
  if (!COUNT.test(text)) {
    throw schemaDrift(`PxWeb cell [${row.key.join(', ')}] is '${text}', not a count (missing or confidential cell)`);
  }
  return { categories, value: Number(text) };
}

function cellIndex(categories: readonly (string | null)[], dimensions: readonly DimensionMapping[], axes: readonly CubeAxis[]): number {
  let index = 0;
  for (const axis of axes) {
    const category = categories[dimensions.findIndex((dimension) => dimension.code === axis.dimension)];
    const position = category === null || category === undefined ? -1 : axis.order.indexOf(category);
    if (position < 0) throw schemaDrift(`category '${String(category)}' is not on the ${axis.dimension} axis`);
    index = index * axis.order.length + position;
  }
  return index;
}

/** A total row must equal the sum of the category cells it covers; then it is dropped. */
function checkTotalRow(row: ParsedRow, values: readonly number[], dimensions: readonly DimensionMapping[], axes: readonly CubeAxis[]): void {
  let sum = 0;
  const visit = (axisIndex: number, offset: number): void => {
    const axis = axes[axisIndex];
    if (axis === undefined) {
      sum += values[offset] ?? 0;
      return;
    }
    const fixed = row.categories[dimensions.findIndex((dimension) => dimension.code === axis.dimension)];
    axis.order.forEach((category, position) => {
      if (fixed === null || fixed === category) visit(axisIndex + 1, offset * axis.order.length + position);
    });
  };
  visit(0, 0);
  if (sum !== row.value) {
    throw schemaDrift(`PxWeb total row [${row.categories.map((c) => c ?? 'Total').join(', ')}] is ${row.value}, its categories sum to ${sum}`);
  }
}
