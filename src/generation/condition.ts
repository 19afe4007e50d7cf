/**
 * A condition (`where`) as weights on the key joint's cells: 1 for a cell inside it, 0 outside,
 * and for the open age group 85+ the share of its single ages (85..100, from the model's
 * `age85Plus` table) that the age range keeps. Restricting a joint is then a product, and the
 * sampler draws the single age of an 85+ cell from the kept ages only. Pure.
 */
import { FIELD_CODES, MAX_AGE } from '../domain/categories.js';
import { describeWhere, districtsOf, type Where } from '../domain/where.js';
import { ServiceError } from '../errors.js';
import type { ConditionalTable } from './conditionals.js';
import { AGE_85_PLUS_INDEX, KEY_CELL_COUNT, keyCellIndexes } from './key-joint.js';
import type { CumulativeTable, SamplingTables } from './sampling-tables.js';

const OPEN_AGE = 85;

/** Which codes of a field the condition keeps (all when it names none). */
function keeps(codes: readonly string[], chosen: readonly string[] | undefined): Uint8Array {
  const set = new Set(chosen ?? codes);
  return Uint8Array.from(codes, (code) => (set.has(code) ? 1 : 0));
}

/** Per-cell weights in [0, 1] of a condition; `age85Plus` gives P(single age | 85+). */
export function conditionWeights(where: Where, age85Plus: ConditionalTable): Float64Array {
  const idx = keyCellIndexes();
  const districts = keeps(FIELD_CODES.district, districtsOf(where));
  const residences = keeps(FIELD_CODES.residence, where.residence);
  const sexes = keeps(FIELD_CODES.sex, where.sex);
  const ethnicities = keeps(FIELD_CODES.ethnicity, where.ethnicity);
  const min = where.age?.min ?? 0;
  const max = where.age?.max ?? MAX_AGE;
  let open = 0;
  for (let k = 0; k < age85Plus.categories.length; k += 1) {
    const age = OPEN_AGE + k;
    if (age >= min && age <= max) open += age85Plus.probabilities[k]!;
  }
  const weights = new Float64Array(KEY_CELL_COUNT);
  for (let c = 0; c < KEY_CELL_COUNT; c += 1) {
    if (!districts[idx.district[c]!] || !residences[idx.residence[c]!] || !sexes[idx.sex[c]!] || !ethnicities[idx.ethnicity[c]!]) continue;
    const a = idx.age[c]!;
    weights[c] = a === AGE_85_PLUS_INDEX ? open : a >= min && a <= max ? 1 : 0;
  }
  return weights;
}

/** `joint` restricted to the condition (cell by cell). */
export function conditionedJoint(joint: Float64Array, weights: Float64Array): Float64Array {
  return joint.map((mass, c) => mass * weights[c]!);
}

/**
 * The open group's single-age draw kept to the condition's ages: the cumulative row with the
 * ages outside [min, max] given no width (`draw` scales by the row's total), or the table as it
 * is when the range keeps all of 85..100.
 */
export function openAgeDraw(table: CumulativeTable, where: Where | undefined): CumulativeTable {
  const min = Math.max(OPEN_AGE, where?.age?.min ?? 0);
  const max = where?.age?.max ?? MAX_AGE;
  if (min <= OPEN_AGE && max >= OPEN_AGE + table.width - 1) return table;
  const cumulative = new Float64Array(table.width);
  let sum = 0;
  for (let k = 0; k < table.width; k += 1) {
    const p = table.cumulative[k]! - (k > 0 ? table.cumulative[k - 1]! : 0);
    if (OPEN_AGE + k >= min && OPEN_AGE + k <= max) sum += p;
    cumulative[k] = sum;
  }
  return { width: table.width, cumulative };
}

/**
 * The 422 for a condition with no mass in `joint` (already restricted to the run's scope): no
 * census person matches it, so no dataset of n ≥ 1 can. Names the condition.
 */
export function emptyConditionError(where: Where, scopeLabel: string): ServiceError {
  const condition = describeWhere(where);
  return new ServiceError('REQUEST_CONDITION_EMPTY', `No one in the census matches where (${condition}) in scope ${scopeLabel}.`, {
    details: { errors: [{ path: '/body/where', message: `no census mass: ${condition} (scope ${scopeLabel})` }] },
  });
}

/** The sampling tables a conditional run draws with (the open group's ages kept to its range). */
export function conditionedSampling(tables: SamplingTables, where: Where | undefined): SamplingTables {
  const age85Plus = openAgeDraw(tables.age85Plus, where);
  return age85Plus === tables.age85Plus ? tables : { ...tables, age85Plus };
}
