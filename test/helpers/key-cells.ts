/**
 * The key joint's documented cell order (district × residence × sex × ethnicity × single age, age
 * fastest; src/generation/key-joint.ts), walked here by nested loops, so a test can address cells
 * without the indexing code it may be testing.
 */

/** 35 second-level units, urban/rural, two sexes, nine ethnicity codes, ages 0..84 and 85+. */
export const KEY_SIZES = { district: 35, residence: 2, sex: 2, ethnicity: 9, age: 86 } as const;

export interface KeyCoordinates {
  readonly district: number;
  readonly residence: number;
  readonly sex: number;
  readonly ethnicity: number;
  readonly age: number;
}

export function cellAt(at: KeyCoordinates): number {
  const { residence, sex, ethnicity, age } = KEY_SIZES;
  return (((at.district * residence + at.residence) * sex + at.sex) * ethnicity + at.ethnicity) * age + at.age;
}

/** Calls `visit` for every cell in cell order with its coordinates. */
export function forEachKeyCell(visit: (cell: number, at: KeyCoordinates) => void): void {
  let cell = 0;
  for (let district = 0; district < KEY_SIZES.district; district += 1)
    for (let residence = 0; residence < KEY_SIZES.residence; residence += 1)
      for (let sex = 0; sex < KEY_SIZES.sex; sex += 1)
        for (let ethnicity = 0; ethnicity < KEY_SIZES.ethnicity; ethnicity += 1)
          for (let age = 0; age < KEY_SIZES.age; age += 1) visit(cell++, { district, residence, sex, ethnicity, age });
}

/** Sums `joint` into `size` groups, `groupOf` naming each cell's group (or -1 to leave it out). */
export function sumBy(joint: ArrayLike<number>, size: number, groupOf: (at: KeyCoordinates) => number): Float64Array {
  const sums = new Float64Array(size);
  forEachKeyCell((cell, at) => {
    const group = groupOf(at);
    if (group >= 0) sums[group]! += joint[cell]!;
  });
  return sums;
}
