/**
 * The name model: given names by ethnicity, sex and birth year; family names by ethnicity, in the
 * feminine form where the language inflects it. Provenance: `modelled`, anchored on one published
 * fact (docs/data.md, "Names"):
 *
 * - **Newborns** (born 2022 or later, the list of 2024): the published counts of the top three names
 *   per sex (Sofia 830, Amelia 602, Eva 485; David 824, Matei 604, Mark 544; ASP via two press
 *   reports, trust B) over the estimated births of 2024 (modelled: the 22,326 children aged 0 on
 *   1 Jan 2024 in the NBS estimate, split 100 girls : 106 boys as in sex_by_age_modelled), which
 *   gives Sofia 7.7% of girls and David 7.2% of boys; the three "other popular" names per sex
 *   (published without counts) at 85% of the third name's count; the rest of the births spread over
 *   a curated tail list with weights ∝ 1/(rank + 15). These shares hold for Moldovans and Romanians.
 * - **Older cohorts and the minorities**: curated lists of the names typical of each birth cohort
 *   (name-lists.ts), weighted ∝ 1/(rank + 3) — a Zipf–Mandelbrot shape, the usual form of
 *   given-name frequencies; the top name of a cohort gets about 8–10%.
 * - A birth year between two cohort anchors mixes the two lists linearly (no steps at band edges);
 *   before the first anchor the oldest list applies, after the last the newest.
 * - **Family names**: curated lists per community, weighted ∝ 1/(rank + 20) for the large
 *   Moldovan list (Rusu about 2.5%) and ∝ 1/(rank + 10) for the minorities; independent of age.
 *
 * Birth year = REFERENCE_YEAR − age (the census of 8 April 2024; age in completed years).
 */
import type { Ethnicity, Sex } from '../domain/categories.js';
import { FAMILY_NAMES, MINORITY_GIVEN, MOLDOVAN_GIVEN, NEWBORNS_2024, NEWBORN_TAIL, type CohortList } from './name-lists.js';

/** The year the ages refer to: the 2024 census. */
export const REFERENCE_YEAR = 2024;
/** Ages above this share the name weights of this age (85+ ages reach 100). */
export const MAX_NAME_AGE = 100;
/** The year from which the 2024 newborn list applies unmixed. */
export const NEWBORN_LIST_BORN = 2022;

/** Girls and boys born in 2024, modelled: the 1 Jan 2024 estimate's age 0 (22,326), 100 : 106. */
export const ESTIMATED_BIRTHS_2024: Readonly<Record<Sex, number>> = {
  female: (22_326 * 100) / 206,
  male: (22_326 * 106) / 206,
};
/** The "other popular" newborn names' modelled count, as a fraction of the third name's count. */
const OTHER_POPULAR_FRACTION = 0.85;
const NEWBORN_TAIL_OFFSET = 15;
const GIVEN_RANK_OFFSET = 3;

/** A weighted name list: names and their weights (not normalised), aligned. */
export interface WeightedNames {
  readonly names: readonly string[];
  readonly weights: readonly number[];
}

/** Weights ∝ 1/(rank + offset), rank 1 first. */
function zipf(names: readonly string[], offset: number): WeightedNames {
  return { names, weights: names.map((_, i) => 1 / (i + 1 + offset)) };
}

/** The 2024 newborn list of one sex as expected counts out of the estimated births. */
export function newbornWeights(sex: Sex): WeightedNames {
  const published = NEWBORNS_2024[sex];
  const counted = published.counted.map(([, count]) => count as number);
  const other = OTHER_POPULAR_FRACTION * counted[counted.length - 1]!;
  const head = [...counted, ...published.otherPopular.map(() => other)];
  const rest = ESTIMATED_BIRTHS_2024[sex] - head.reduce((sum, count) => sum + count, 0);
  const tail = zipf(NEWBORN_TAIL[sex], NEWBORN_TAIL_OFFSET).weights;
  const tailTotal = tail.reduce((sum, weight) => sum + weight, 0);
  return {
    names: [...published.counted.map(([name]) => name as string), ...published.otherPopular, ...NEWBORN_TAIL[sex]],
    weights: [...head, ...tail.map((weight) => (weight / tailTotal) * rest)],
  };
}

interface Anchored extends WeightedNames {
  readonly born: number;
}

const cohorts = (lists: readonly CohortList[]): Anchored[] =>
  lists.map((list) => ({ born: list.born, ...zipf(list.names, GIVEN_RANK_OFFSET) }));

/** Per naming group and sex, the anchored weighted lists in birth-year order. */
function anchoredLists(group: 'moldovan' | keyof typeof MINORITY_GIVEN, sex: Sex): readonly Anchored[] {
  if (group === 'moldovan') return [...cohorts(MOLDOVAN_GIVEN[sex]), { born: NEWBORN_LIST_BORN, ...newbornWeights(sex) }];
  return cohorts(MINORITY_GIVEN[group][sex]);
}

/** Which naming group an ethnicity's given names come from. */
function givenGroupOf(ethnicity: Ethnicity): 'moldovan' | keyof typeof MINORITY_GIVEN {
  switch (ethnicity) {
    case 'ukrainian':
    case 'russian':
    case 'gagauz':
    case 'bulgarian':
      return ethnicity;
    // "Other" groups are many and small; Russian-language naming is their common denominator.
    case 'other':
      return 'russian';
    // Romanians in Moldova and Roma are registered with the Moldovan names; not declared: the majority.
    default:
      return 'moldovan';
  }
}

/**
 * Given names of a group and sex by age: the pool (first-appearance order), each cohort list's
 * weights on it, and per age 0..MAX_NAME_AGE the two lists it mixes: `rows[age] = (1 − mix[age])
 * · anchors[lower[age]] + mix[age] · anchors[lower[age] + 1]` (mix 0 where one list applies).
 */
export interface GivenNamesByAge {
  readonly pool: readonly string[];
  /** Per cohort list (birth-year order), the normalised weight of each pool name. */
  readonly anchors: readonly (readonly number[])[];
  readonly lower: readonly number[];
  readonly mix: readonly number[];
  /** `rows[age][k]`: weight of pool[k] at that age, each row summing to 1. */
  readonly rows: readonly (readonly number[])[];
}

/** Normalised weights of `list` spread onto the pool's positions. */
function onPool(list: WeightedNames, position: ReadonlyMap<string, number>, width: number): Float64Array {
  const row = new Float64Array(width);
  const total = list.weights.reduce((sum, weight) => sum + weight, 0);
  list.names.forEach((name, i) => {
    row[position.get(name)!]! += list.weights[i]! / total;
  });
  return row;
}

export function givenNamesByAge(ethnicity: Ethnicity, sex: Sex): GivenNamesByAge {
  const lists = anchoredLists(givenGroupOf(ethnicity), sex);
  const pool = [...new Set(lists.flatMap((list) => list.names))];
  const position = new Map(pool.map((name, k) => [name, k]));
  const anchors = lists.map((list) => [...onPool(list, position, pool.length)]);
  const lower: number[] = [];
  const mix: number[] = [];
  for (let age = 0; age <= MAX_NAME_AGE; age += 1) {
    const born = REFERENCE_YEAR - age;
    const after = lists.findIndex((list) => list.born >= born);
    if (after <= 0) {
      // Before the first anchor the oldest list, after the last the newest.
      lower.push(after === 0 ? 0 : lists.length - 1);
      mix.push(0);
      continue;
    }
    // Linear in the birth year between the anchors on either side.
    lower.push(after - 1);
    mix.push((born - lists[after - 1]!.born) / (lists[after]!.born - lists[after - 1]!.born));
  }
  const rows = lower.map((low, age) => pool.map((_, k) => (1 - mix[age]!) * anchors[low]![k]! + mix[age]! * (anchors[low + 1]?.[k] ?? 0)));
  return { pool, anchors, lower, mix, rows };
}

/** Which family-name list an ethnicity draws from. */
function familyGroupOf(ethnicity: Ethnicity): keyof typeof FAMILY_NAMES {
  switch (ethnicity) {
    case 'ukrainian':
    case 'russian':
    case 'gagauz':
    case 'bulgarian':
    case 'other':
      return ethnicity;
    default:
      return 'moldovan';
  }
}

/** The family names of an ethnicity (base form) with their modelled weights. */
export function familyNamesOf(ethnicity: Ethnicity): WeightedNames {
  const group = familyGroupOf(ethnicity);
  return zipf(FAMILY_NAMES[group], group === 'moldovan' ? 20 : 10);
}

/**
 * The feminine form of a family name where the language inflects it: -ov/-ev/-in → -ova/-eva/-ina,
 * -ski → -skaia, -schi/-chi → -scaia/-caia (Ukrainian and Polish adjectival names as the registry
 * writes them); other endings (-enco, -ciuc, -oglo, Topal, Uzun, Ceban) do not change.
 * @example feminineFamilyName('Ivanov') // => 'Ivanova'
 */
export function feminineFamilyName(familyName: string): string {
  if (/(ov|ev|in)$/.test(familyName)) return `${familyName}a`;
  if (familyName.endsWith('ski')) return `${familyName.slice(0, -1)}aia`;
  if (familyName.endsWith('chi')) return `${familyName.slice(0, -2)}aia`;
  return familyName;
}

/** Whether an ethnicity's family names inflect for women (Slavic and Bulgarian; Gagauz -ov names too). */
function inflects(ethnicity: Ethnicity): boolean {
  return familyGroupOf(ethnicity) !== 'moldovan';
}

/** The family name as written for a person of this sex and ethnicity. */
export function familyNameFor(base: string, sex: Sex, ethnicity: Ethnicity): string {
  return sex === 'female' && inflects(ethnicity) ? feminineFamilyName(base) : base;
}

const ALL_GIVEN = (sex: Sex) => [
  ...MOLDOVAN_GIVEN[sex].flatMap((list) => list.names),
  ...NEWBORN_TAIL[sex],
  ...NEWBORNS_2024[sex].counted.map(([name]) => name as string),
  ...NEWBORNS_2024[sex].otherPopular,
  ...Object.values(MINORITY_GIVEN).flatMap((group) => group[sex].flatMap((list) => list.names)),
];

/** Every given name of each sex, across ethnicities (for the name–sex consistency rule). */
export const GIVEN_NAMES_BY_SEX: Readonly<Record<Sex, ReadonlySet<string>>> = {
  female: new Set(ALL_GIVEN('female')),
  male: new Set(ALL_GIVEN('male')),
};
