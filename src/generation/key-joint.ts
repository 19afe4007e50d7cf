/**
 * The key joint distribution: district × residence × sex × ethnicity × single age (0..84, 85+),
 * 35·2·2·9·86 = 108,360 cells, all ages, in persons. Region follows from district.
 *
 * Cell order is nested in that order (age fastest). The allocation relies on it: contiguous
 * blocks (a district, a district × residence, …) receive their expected count to within one.
 */
import { AGE_SINGLE_CODES } from '../census/domains.js';
import { DISTRICT_CATEGORIES, ETHNICITIES, RESIDENCES, SEXES } from '../domain/categories.js';

export const KEY_DIMENSIONS = {
  district: DISTRICT_CATEGORIES.length,
  residence: RESIDENCES.length,
  sex: SEXES.length,
  ethnicity: ETHNICITIES.length,
  age: AGE_SINGLE_CODES.length,
} as const;

export const KEY_CELL_COUNT =
  KEY_DIMENSIONS.district * KEY_DIMENSIONS.residence * KEY_DIMENSIONS.sex * KEY_DIMENSIONS.ethnicity * KEY_DIMENSIONS.age;

/** Index of the open age group 85+ in the age dimension. */
export const AGE_85_PLUS_INDEX = KEY_DIMENSIONS.age - 1;

export interface KeyCell {
  readonly district: number;
  readonly residence: number;
  readonly sex: number;
  readonly ethnicity: number;
  /** Age index: the age in years for 0..84, `AGE_85_PLUS_INDEX` for 85+. */
  readonly age: number;
}

export function keyCellIndex(cell: KeyCell): number {
  const { residence, sex, ethnicity, age } = KEY_DIMENSIONS;
  return (((cell.district * residence + cell.residence) * sex + cell.sex) * ethnicity + cell.ethnicity) * age + cell.age;
}

export function decodeKeyCell(index: number): KeyCell {
  const { residence, sex, ethnicity, age } = KEY_DIMENSIONS;
  let rest = index;
  const ageIndex = rest % age;
  rest = (rest - ageIndex) / age;
  const ethnicityIndex = rest % ethnicity;
  rest = (rest - ethnicityIndex) / ethnicity;
  const sexIndex = rest % sex;
  rest = (rest - sexIndex) / sex;
  const residenceIndex = rest % residence;
  const districtIndex = (rest - residenceIndex) / residence;
  return { district: districtIndex, residence: residenceIndex, sex: sexIndex, ethnicity: ethnicityIndex, age: ageIndex };
}

/**
 * Per-cell category arrays for each dimension (Uint16Array of KEY_CELL_COUNT), built once and
 * shared by the prior, the margins and the target computations.
 */
export interface KeyCellIndexes {
  readonly district: Uint16Array;
  readonly residence: Uint16Array;
  readonly sex: Uint16Array;
  readonly ethnicity: Uint16Array;
  readonly age: Uint16Array;
}

let cachedIndexes: KeyCellIndexes | undefined;

export function keyCellIndexes(): KeyCellIndexes {
  if (cachedIndexes) return cachedIndexes;
  const make = () => new Uint16Array(KEY_CELL_COUNT);
  const indexes = { district: make(), residence: make(), sex: make(), ethnicity: make(), age: make() };
  for (let cell = 0; cell < KEY_CELL_COUNT; cell += 1) {
    const decoded = decodeKeyCell(cell);
    indexes.district[cell] = decoded.district;
    indexes.residence[cell] = decoded.residence;
    indexes.sex[cell] = decoded.sex;
    indexes.ethnicity[cell] = decoded.ethnicity;
    indexes.age[cell] = decoded.age;
  }
  cachedIndexes = indexes;
  return indexes;
}

/** Combines two per-cell category arrays into one (a × b categories), e.g. district × residence. */
export function crossIndex(a: Uint16Array, b: Uint16Array, bCount: number): Uint16Array {
  const out = new Uint16Array(a.length);
  for (let cell = 0; cell < a.length; cell += 1) out[cell] = a[cell]! * bCount + b[cell]!;
  return out;
}
