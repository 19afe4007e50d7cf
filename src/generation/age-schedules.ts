/**
 * Modelled shapes by exact age (issue 13): the five-year model tables give each cohort's level,
 * and these functions turn them into single-age rows without steps at the band edges. Pure; the
 * engine rakes the result to the official margins, which scale whole categories and so keep the
 * shapes (docs/method.md §3.1).
 *
 * Facts the shapes rest on (each a rule of the Moldovan system, not a statistic):
 * - school entry at age 6–7 (Education Code no. 152/2014): entry age uniform over [6, 8);
 * - completed school years: primary 4 (grades I–IV), gymnasium 9 (V–IX), lyceum 12 (X–XII);
 *   secondary vocational 2–4 years after the gymnasium; a bachelor's degree 3–4 years
 *   (180–240 ECTS) after the lyceum;
 * - the school year ends in June and the census counted on 8 April 2024, so a level is completed
 *   when its last June came before the count;
 * - marriage from 18, or from 16 with a reduction granted for valid reasons (Family Code
 *   no. 1316/2000, art. 14): nobody under 16 is married.
 * The spreads (entry delays, programme lengths, the rates at 16–17) are assumptions, labelled so.
 */
import { AGE_GROUPS, EDUCATION_LEVELS, MARITAL_STATUSES } from '../domain/categories.js';

/** Single ages 0..84 and the open group 85+ (index 85), as in the key joint. */
export const AGE_COUNT = 86;

/** Middle age of five-year group g (0-4 → 2, …, 80-84 → 82; 85+ → 87). */
const midpoint = (g: number): number => 5 * g + 2;

/**
 * Piecewise-linear interpolation of group rows (`groups × k`, row g for AGE_GROUPS[g]) between
 * group midpoints, renormalised per age; ages below `minAge` are zero rows, ages before the
 * first usable midpoint take its row. `usable(g)` says which groups are read.
 */
export function interpolateGroups(groupRows: Float64Array, k: number, minAge: number, usable: (g: number) => boolean): Float64Array {
  const anchors: { age: number; row: Float64Array }[] = [];
  for (let g = 0; g < AGE_GROUPS.length; g += 1) {
    if (usable(g)) anchors.push({ age: midpoint(g), row: groupRows.subarray(g * k, g * k + k) });
  }
  const out = new Float64Array(AGE_COUNT * k);
  for (let a = minAge; a < AGE_COUNT; a += 1) {
    const next = anchors.findIndex((anchor) => anchor.age >= a);
    const hi = anchors[next === -1 ? anchors.length - 1 : next]!;
    const lo = next > 0 ? anchors[next - 1]! : hi;
    const t = hi.age === lo.age ? 1 : (a - lo.age) / (hi.age - lo.age);
    let sum = 0;
    for (let j = 0; j < k; j += 1) {
      const value = (1 - t) * lo.row[j]! + t * hi.row[j]!;
      out[a * k + j] = value;
      sum += value;
    }
    if (sum > 0) for (let j = 0; j < k; j += 1) out[a * k + j]! /= sum;
  }
  return out;
}

/** Weighted durations (completed school years) of a programme. */
type Durations = readonly { readonly years: number; readonly weight: number }[];

/** Time from the end of the school year (June) to the count (8 April), in years. */
const JUNE_TO_COUNT = 0.8;
const ENTRY_MIN = 6;
const ENTRY_SPAN = 2;
/** Sub-steps of the year of age, for the average over exact ages a..a+1. */
const STEPS = 20;

/**
 * Share of persons aged `a` (completed years) at the count who have completed `years` school
 * years: with entry at exact age e and the k-th June at e + k − 1 + (1 − 0.2), a person of exact
 * age X has completed T years when e ≤ X − T + (1 − JUNE_TO_COUNT). Averaged over X in [a, a+1)
 * and e uniform over [6, 8).
 */
export function completedShare(a: number, years: number): number {
  let sum = 0;
  for (let i = 0; i < STEPS; i += 1) {
    const x = a + (i + 0.5) / STEPS;
    const latestEntry = x - years + (1 - JUNE_TO_COUNT);
    sum += Math.min(1, Math.max(0, (latestEntry - ENTRY_MIN) / ENTRY_SPAN));
  }
  return sum / STEPS;
}

function completedOf(a: number, durations: Durations): number {
  return durations.reduce((sum, d) => sum + d.weight * completedShare(a, d.years), 0);
}

const PRIMARY: Durations = [{ years: 4, weight: 1 }];
const GYMNASIUM: Durations = [{ years: 9, weight: 1 }];
const LYCEUM: Durations = [{ years: 12, weight: 1 }];
/** Assumption: half finish a 2-year programme, a quarter 3 years, a quarter a 4-year college. */
const VOCATIONAL: Durations = [
  { years: 11, weight: 0.5 },
  { years: 12, weight: 0.25 },
  { years: 13, weight: 0.25 },
];
/** Assumption: 70% take a 3-year and 30% a 4-year bachelor's; a fifth of each starts a year late. */
const TERTIARY: Durations = [
  { years: 15, weight: 0.7 * 0.8 },
  { years: 16, weight: 0.7 * 0.2 + 0.3 * 0.8 },
  { years: 17, weight: 0.3 * 0.2 },
];

const level = (code: (typeof EDUCATION_LEVELS)[number]): number => EDUCATION_LEVELS.indexOf(code);

/** The steps each final level passes through, in order, with the school years each takes to complete. */
const PATHS: readonly { readonly final: number; readonly steps: readonly { readonly level: number; readonly durations: Durations }[] }[] = [
  { final: level('no_schooling'), steps: [] },
  { final: level('primary'), steps: [{ level: level('primary'), durations: PRIMARY }] },
  {
    final: level('lower_secondary'),
    steps: [
      { level: level('primary'), durations: PRIMARY },
      { level: level('lower_secondary'), durations: GYMNASIUM },
    ],
  },
  {
    final: level('upper_secondary'),
    steps: [
      { level: level('primary'), durations: PRIMARY },
      { level: level('lower_secondary'), durations: GYMNASIUM },
      { level: level('upper_secondary'), durations: LYCEUM },
    ],
  },
  {
    final: level('vocational'),
    steps: [
      { level: level('primary'), durations: PRIMARY },
      { level: level('lower_secondary'), durations: GYMNASIUM },
      { level: level('vocational'), durations: VOCATIONAL },
    ],
  },
  {
    final: level('tertiary'),
    steps: [
      { level: level('primary'), durations: PRIMARY },
      { level: level('lower_secondary'), durations: GYMNASIUM },
      { level: level('upper_secondary'), durations: LYCEUM },
      { level: level('tertiary'), durations: TERTIARY },
    ],
  },
];

/** The youngest group whose row is read as a cohort's final attainment (25-29). */
export const FINAL_ATTAINMENT_FROM_GROUP = 5;

/**
 * Each cohort's final education level by exact age 10..85+: the model table's rows from 25-29 on,
 * interpolated between midpoints; younger cohorts take the 25-29 row.
 */
export function finalAttainmentByAge(groupRows: Float64Array): Float64Array {
  return interpolateGroups(groupRows, EDUCATION_LEVELS.length, 10, (g) => g >= FINAL_ATTAINMENT_FROM_GROUP);
}

/**
 * Below this age (10–14: primary completion) the completed level is the school timing. From 15
 * the timed shares are a prior like any other: held to the timing at 15–16 too, the fit cannot
 * meet the published urban/rural cells (docs/method.md §3.1, which wins).
 */
export const TIMED_UNTIL_AGE = 15;

/**
 * The completed level at exact age `a` of persons whose final levels are `final` (K shares):
 * each final level is spread over the steps of its path by the completion timing above. Persons
 * who have not completed primary count as `no_schooling`, as the census counts them. Writes K
 * shares into `out`.
 */
export function completedLevels(final: ArrayLike<number>, a: number, out: Float64Array): Float64Array {
  out.fill(0);
  for (const path of PATHS) {
    const mass = final[path.final]!;
    if (mass === 0) continue;
    // P(highest completed = step j) = P(step j done) − P(step j+1 done); the steps are nested.
    let previous = 1;
    let highest = level('no_schooling');
    for (let j = 0; j <= path.steps.length; j += 1) {
      const next = j < path.steps.length ? completedOf(a, path.steps[j]!.durations) : 0;
      out[highest]! += mass * (previous - next);
      previous = next;
      if (j < path.steps.length) highest = path.steps[j]!.level;
    }
  }
  return out;
}

/** Completed education by exact age 10..85+ (AGE_COUNT × K): final levels spread by the timing. */
export function educationByExactAge(groupRows: Float64Array): Float64Array {
  const K = EDUCATION_LEVELS.length;
  const final = finalAttainmentByAge(groupRows);
  const out = new Float64Array(AGE_COUNT * K);
  for (let a = 10; a < AGE_COUNT; a += 1) completedLevels(final.subarray(a * K, a * K + K), a, out.subarray(a * K, a * K + K));
  return out;
}

/**
 * Assumed ever-married shares at 16 and 17 (marriage below 18 needs a granted reduction; rare):
 * women 0.1% and 0.3%, men 0.02% and 0.05%. Nobody under 16.
 */
const EARLY_EVER_MARRIED: Readonly<Record<'female' | 'male', readonly [number, number]>> = {
  female: [0.001, 0.003],
  male: [0.0002, 0.0005],
};

/**
 * Marital status by exact age 15..85+ for one sex: the group rows from 20-24 on, interpolated
 * between midpoints, with 15–17 set by the legal minimum (above) and 18–21 on the line from the
 * age-17 row to the 20-24 midpoint. Under 18 the ever-married are married (no widowed, no
 * divorced).
 */
export function maritalByExactAge(groupRows: Float64Array, sex: 'female' | 'male'): Float64Array {
  const K = MARITAL_STATUSES.length;
  const NEVER = MARITAL_STATUSES.indexOf('never_married');
  const MARRIED = MARITAL_STATUSES.indexOf('married');
  const [at16, at17] = EARLY_EVER_MARRIED[sex];
  const rows = Float64Array.from(groupRows);
  // The 15-19 anchor becomes the age-17 row (midpoint 17 = 5·3 + 2).
  rows.fill(0, 3 * K, 4 * K);
  rows[3 * K + NEVER] = 1 - at17;
  rows[3 * K + MARRIED] = at17;
  const out = interpolateGroups(rows, K, 15, (g) => g >= 3);
  // Assumption kept from the five-year table: nobody under 20 is widowed, nobody under 18 divorced.
  const WIDOWED = MARITAL_STATUSES.indexOf('widowed');
  const DIVORCED = MARITAL_STATUSES.indexOf('divorced');
  for (let a = 17; a < 20; a += 1) {
    out[a * K + MARRIED]! += out[a * K + WIDOWED]! + (a < 18 ? out[a * K + DIVORCED]! : 0);
    out[a * K + WIDOWED] = 0;
    if (a < 18) out[a * K + DIVORCED] = 0;
  }
  for (const [a, ever] of [
    [15, 0],
    [16, at16],
  ] as const) {
    out.fill(0, a * K, a * K + K);
    out[a * K + NEVER] = 1 - ever;
    out[a * K + MARRIED] = ever;
  }
  return out;
}
