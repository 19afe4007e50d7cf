/**
 * How far an adult (18+) target can depend on the model (issue #13 item 4, decision 0006).
 *
 * No table is published for ages 18+. A field's official table covers a wider universe (all
 * ages, 10+, 15+, or 16+ for the census broad age groups), with shares N_k. The part of that
 * universe under 18 has share Y (from the calibrated age structure) and an unknown split y_k over
 * the categories, limited only by facts: 0 ≤ lo_k ≤ y_k ≤ cap_k ≤ N_k and Σ y_k = Y (nobody under
 * 18 holds a degree; nobody aged 15 is married; the employed under 18 are at most the employed
 * 15+ minus the employed 20–64). Every adult distribution consistent with the official table and
 * those facts is
 *
 *   a_k = (N_k − y_k) / (1 − Y).
 *
 * The target is that formula at the model's youth split, projected onto the facts (so a model
 * that breaks a fact does not pass it into the target). The bound is the largest total variation
 * distance from the target to any consistent distribution:
 *
 *   B = max over splits of the categories into rising R and falling F of
 *       min(Σ_{k∈R} (cap_k − x_k), Σ_{k∈F} (x_k − lo_k)) / (1 − Y),   x the projected youth split:
 *
 * a move of mass t out of some categories and into others has ½Σ|d| = t, and t can exceed
 * neither side's room (exact up to 16 categories; beyond, the looser min of the two totals). The trust evaluator compares B with the check's sampling
 * tolerance at the run's n (src/trust/derived-targets.ts): within it, the target is derived from
 * official figures; beyond it, it stays modelled.
 */
import type { TrustLevel } from '../census/census-table.js';
import { ADULT_MIN_AGE } from '../domain/request.js';
import { KEY_CELL_COUNT, KEY_DIMENSIONS, keyCellIndexes } from './key-joint.js';

export interface ModelDependence {
  /** The universe of the official table the target is derived from. */
  readonly base_universe: string;
  readonly base_table_ids: readonly string[];
  /** Share of the base universe under 18 (calibrated age structure). */
  readonly youth_share: number;
  /** Per category: the lowest and highest adult share consistent with the base table and the facts. */
  readonly lower_shares: readonly number[];
  readonly upper_shares: readonly number[];
  /** B: the largest TVD between the target and a consistent adult distribution. */
  readonly bound_tvd: number;
  /** The facts that limit the youth split, one sentence each (empty: only the table itself). */
  readonly facts: readonly string[];
  /** The lowest trust among the base tables (the target's trust once it is derived). */
  readonly base_trust: TrustLevel;
  /** The check's sampling tolerance at the run's n; null until the trust evaluator sets it. */
  readonly tolerance_tvd: number | null;
}

/** What a field's derivation rests on: the base shares and the facts limiting the youth split. */
export interface DerivationBase {
  readonly minAge: number;
  readonly universe: string;
  readonly tableIds: readonly string[];
  readonly trust: TrustLevel;
  /** Official shares of the base universe (sum 1). */
  readonly official: readonly number[];
  /** The model's youth split: mass under 18 per category as a share of the base universe. */
  readonly modelYouth: readonly number[];
  /** Youth share Y of the base universe. */
  readonly youthShare: number;
  /** Per category limits of the youth split (shares of the base universe); default 0 and N_k. */
  readonly lower?: readonly number[];
  readonly upper?: readonly number[];
  readonly facts?: readonly string[];
}

export interface DerivedTarget {
  readonly target_shares: number[];
  readonly model_dependence: ModelDependence;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/**
 * The point of the box [lo, cap] with Σ x = total nearest the model's split in the room-proportional
 * sense: clip, then spread what is missing (or too much) over the room left. One step is exact
 * because the box holds `total` (checked). null when the facts contradict the table.
 */
export function projectYouth(model: readonly number[], lo: readonly number[], cap: readonly number[], total: number): number[] | null {
  const eps = 1e-12;
  if (sum(lo) > total + eps || sum(cap) < total - eps) return null;
  const x = model.map((value, k) => Math.min(cap[k]!, Math.max(lo[k]!, value)));
  const diff = total - sum(x);
  if (Math.abs(diff) <= eps) return x;
  const room = x.map((value, k) => (diff > 0 ? cap[k]! - value : value - lo[k]!));
  const roomTotal = sum(room);
  return x.map((value, k) => (roomTotal > 0 ? value + (diff * room[k]!) / roomTotal : value));
}

/** Up to this many categories the largest move is found exactly (2^K sign patterns). */
const EXACT_MOVE_MAX_CATEGORIES = 16;

/**
 * The largest mass t that can leave some categories and enter the others, each category k moving
 * up by at most `up[k]` or down by at most `down[k]` (never both): max over sign patterns of
 * min(Σ_up, Σ_down). Exact for small K; beyond, min(Σ up, Σ down), which is never smaller.
 */
export function largestMove(up: readonly number[], down: readonly number[]): number {
  const K = up.length;
  if (K > EXACT_MOVE_MAX_CATEGORIES) return Math.min(sum(up), sum(down));
  let best = 0;
  for (let mask = 1; mask < (1 << K) - 1; mask += 1) {
    let rise = 0;
    let fall = 0;
    for (let k = 0; k < K; k += 1) {
      if (mask & (1 << k)) rise += up[k]!;
      else fall += down[k]!;
    }
    best = Math.max(best, Math.min(rise, fall));
  }
  return best;
}

/** The adult target derived from the base table, with its model-dependence bound; null when inconsistent. */
export function deriveAdultTarget(base: DerivationBase): DerivedTarget | null {
  const K = base.official.length;
  const Y = base.youthShare;
  const A = 1 - Y;
  if (!(A > 0) || base.modelYouth.length !== K) return null;
  const lo = base.lower ?? new Array<number>(K).fill(0);
  const cap = (base.upper ?? base.official).map((limit, k) => Math.min(limit, base.official[k]!));
  const modelTotal = sum(base.modelYouth);
  const scaled = base.modelYouth.map((value) => (modelTotal > 0 ? (value * Y) / modelTotal : Y / K));
  const x = projectYouth(scaled, lo, cap, Y);
  if (x === null) return null;
  const loTotal = sum(lo);
  const capTotal = sum(cap);
  const target = base.official.map((share, k) => Math.max(0, (share - x[k]!) / A));
  const lower = base.official.map((share, k) => Math.max(0, (share - Math.min(cap[k]!, Y - (loTotal - lo[k]!))) / A));
  const upper = base.official.map((share, k) => Math.max(0, (share - Math.max(lo[k]!, Y - (capTotal - cap[k]!))) / A));
  const targetTotal = sum(target);
  return {
    target_shares: target.map((share) => share / targetTotal),
    model_dependence: {
      base_universe: base.universe,
      base_table_ids: base.tableIds,
      youth_share: Y,
      lower_shares: lower,
      upper_shares: upper,
      bound_tvd: largestMove(cap.map((c, k) => Math.max(0, c - x[k]!)), x.map((v, k) => Math.max(0, v - lo[k]!))) / A,
      facts: base.facts ?? [],
      base_trust: base.trust,
      tolerance_tvd: null,
    },
  };
}

/** Mass by completed single year of age (85+ last) of a key joint. */
export function massByAge(joint: Float64Array): Float64Array {
  const idx = keyCellIndexes();
  const out = new Float64Array(KEY_DIMENSIONS.age);
  for (let cell = 0; cell < KEY_CELL_COUNT; cell += 1) out[idx.age[cell]!]! += joint[cell]!;
  return out;
}

/** P(from ≤ age ≤ to | age ≥ minAge) from masses by age; `to` inclusive, capped at the last index. */
export function ageShare(byAge: ArrayLike<number>, minAge: number, from: number, to: number): number {
  let part = 0;
  let whole = 0;
  for (let a = minAge; a < byAge.length; a += 1) {
    whole += byAge[a]!;
    if (a >= from && a <= to) part += byAge[a]!;
  }
  return whole > 0 ? part / whole : 0;
}

export const YOUTH_MAX_AGE = ADULT_MIN_AGE - 1;
