/**
 * Iterative proportional fitting (raking) of a non-negative table to a set of margins.
 *
 * Each margin partitions the cells into categories (`cellCategory[c]` is cell c's category) and
 * gives a target total per category. One sweep rescales, margin by margin, every cell by
 * target_k / current_k of its category. Cells with zero prior stay zero (structural zeros).
 * Converges to the table closest to the prior in Kullback–Leibler divergence that meets every
 * margin, when such a table exists (Deming & Stephan 1940; Csiszár 1975).
 *
 * Cost: O(iterations · margins · cells).
 *
 * Reference: W. E. Deming, F. F. Stephan, "On a least squares adjustment of a sampled frequency
 * table when the expected marginal totals are known", Ann. Math. Stat. 11(4), 1940, 427–444.
 */
import { ServiceError } from '../errors.js';

export interface IpfMargin {
  /** A name for diagnostics, e.g. `district×residence`. */
  readonly name: string;
  /** Category index of every cell (same length as the table). */
  readonly cellCategory: Uint16Array;
  /** Target total per category; all margins must share one grand total. */
  readonly targets: Float64Array;
}

export interface IpfOptions {
  /** Stop when every margin's largest |current − target| / grand total is at most this. */
  readonly tolerance: number;
  readonly maxIterations: number;
}

export interface IpfResult {
  readonly fitted: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  /** Largest |current − target| / grand total over every margin category after the last sweep. */
  readonly maxResidual: number;
  /** Per margin, its largest relative residual after the last sweep. */
  readonly residualByMargin: Readonly<Record<string, number>>;
}

function categorySums(table: Float64Array, margin: IpfMargin): Float64Array {
  const sums = new Float64Array(margin.targets.length);
  const categories = margin.cellCategory;
  for (let cell = 0; cell < table.length; cell += 1) {
    sums[categories[cell]!]! += table[cell]!;
  }
  return sums;
}

function sumOf(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/**
 * Checks that every margin has the table's length, the same grand total (within 1e-9
 * relative), non-negative targets, and no positive target over a category the prior leaves
 * empty. Inconsistent targets are an error here, not an oscillation later.
 */
export function validateIpfInputs(prior: Float64Array, margins: readonly IpfMargin[]): number {
  if (margins.length === 0) return sumOf(prior);
  const grandTotal = sumOf(margins[0]!.targets);
  const priorTotal = sumOf(prior);
  for (const margin of margins) {
    if (margin.cellCategory.length !== prior.length) {
      throw new ServiceError('STATS_INVALID_ARGUMENT', `fitIpf: margin ${margin.name} does not cover the table`);
    }
    const total = sumOf(margin.targets);
    if (Math.abs(total - grandTotal) > 1e-9 * Math.max(1, grandTotal)) {
      throw new ServiceError(
        'IPF_TARGETS_INCONSISTENT',
        `fitIpf: margin ${margin.name} totals ${total}, but ${margins[0]!.name} totals ${grandTotal}`,
        { details: { margin: margin.name, total, expected: grandTotal } },
      );
    }
    const priorSums = categorySums(prior, margin);
    margin.targets.forEach((target, category) => {
      if (!(target >= 0)) {
        throw new ServiceError('STATS_INVALID_ARGUMENT', `fitIpf: margin ${margin.name} has a negative target`);
      }
      if (target > 0 && priorSums[category] === 0) {
        throw new ServiceError(
          'IPF_INFEASIBLE',
          `fitIpf: margin ${margin.name} category ${category} has target ${target} but no prior mass`,
          { details: { margin: margin.name, category, target } },
        );
      }
    });
  }
  if (!(priorTotal > 0)) throw new ServiceError('STATS_INVALID_ARGUMENT', 'fitIpf: the prior has no mass');
  return grandTotal;
}

function residuals(table: Float64Array, margins: readonly IpfMargin[], grandTotal: number): Record<string, number> {
  const result: Record<string, number> = {};
  for (const margin of margins) {
    const sums = categorySums(table, margin);
    let worst = 0;
    sums.forEach((sum, category) => {
      worst = Math.max(worst, Math.abs(sum - margin.targets[category]!) / grandTotal);
    });
    result[margin.name] = worst;
  }
  return result;
}

/**
 * Rakes `prior` to every margin. The prior is not changed; the fitted table is returned.
 * @throws ServiceError `IPF_TARGETS_INCONSISTENT` when margin totals differ
 * @throws ServiceError `IPF_INFEASIBLE` when a target is positive where the prior has no mass
 * @example fitIpf(Float64Array.of(1, 1, 1, 1), [rows [3, 1], cols [2, 2]]) // => fitted [1.5, 1.5, 0.5, 0.5]
 */
export function fitIpf(prior: Float64Array, margins: readonly IpfMargin[], options: IpfOptions): IpfResult {
  const grandTotal = validateIpfInputs(prior, margins);
  const table = Float64Array.from(prior);
  let iterations = 0;
  let current = residuals(table, margins, grandTotal);
  let maxResidual = Math.max(0, ...Object.values(current));
  while (maxResidual > options.tolerance && iterations < options.maxIterations) {
    for (const margin of margins) {
      const sums = categorySums(table, margin);
      const factors = sums.map((sum, category) => (sum > 0 ? margin.targets[category]! / sum : 0));
      const categories = margin.cellCategory;
      for (let cell = 0; cell < table.length; cell += 1) table[cell]! *= factors[categories[cell]!]!;
    }
    iterations += 1;
    current = residuals(table, margins, grandTotal);
    maxResidual = Math.max(0, ...Object.values(current));
  }
  return {
    fitted: table,
    iterations,
    converged: maxResidual <= options.tolerance,
    maxResidual,
    residualByMargin: current,
  };
}

/**
 * A constraint of the generalised fit (`fitConstraints`). Every kind is an I-projection onto a
 * linear set under the generalised KL divergence Σ x·log(x/y) − x + y, so cyclic projection
 * converges to the closest table whenever the constraints can all hold (Bregman 1967; Csiszár
 * 1975); with count margins that cover every cell it is classical IPF.
 *
 * - `count`: cells with category k ≥ 0 must add up to `targets[k]`; cells with category −1 are
 *   not constrained (a published cell and nothing else, e.g. urban tertiary education).
 * - `proportion`: within group g (cells with `group[c] = g ≥ 0`), the cells of part p hold share
 *   `shares[g·parts + p]` of the group's mass; cells with part −1 hold the rest. The group's mass
 *   is kept, so proportions can be set where no count is known (a rate on a free total).
 */
export type IpfConstraint =
  | { readonly kind: 'count'; readonly name: string; readonly category: Int32Array; readonly targets: Float64Array }
  | {
      readonly kind: 'proportion';
      readonly name: string;
      readonly group: Int32Array;
      readonly part: Int32Array;
      readonly parts: number;
      readonly shares: Float64Array;
    };

export interface FitOptions extends IpfOptions {
  /** Residuals are measured relative to this mass (the table's total, usually). */
  readonly scale: number;
  /** Cell factors relative to the prior are kept within [1/bound, bound] when set (bounded raking). */
  readonly bound?: number;
}

export interface FitResult {
  readonly fitted: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  readonly maxResidual: number;
  readonly residualByConstraint: Readonly<Record<string, number>>;
  /** The bound applied, when the unbounded fit did not converge and the bounded one ran. */
  readonly bounded: number | null;
}

/** Default bound of the fallback: cell factors within [1/20, 20] (Deville & Särndal 1992). */
export const FALLBACK_BOUND = 20;

function countStep(table: Float64Array, c: Extract<IpfConstraint, { kind: 'count' }>, apply: boolean): number {
  const sums = new Float64Array(c.targets.length);
  const category = c.category;
  for (let cell = 0; cell < table.length; cell += 1) {
    const k = category[cell]!;
    if (k >= 0) sums[k]! += table[cell]!;
  }
  let worst = 0;
  for (let k = 0; k < sums.length; k += 1) worst = Math.max(worst, Math.abs(sums[k]! - c.targets[k]!));
  if (apply) {
    const factors = sums.map((sum, k) => (sum > 0 ? c.targets[k]! / sum : 0));
    for (let cell = 0; cell < table.length; cell += 1) {
      const k = category[cell]!;
      if (k >= 0) table[cell]! *= factors[k]!;
    }
  }
  return worst;
}

function proportionStep(table: Float64Array, c: Extract<IpfConstraint, { kind: 'proportion' }>, apply: boolean): number {
  const groups = c.shares.length / c.parts;
  const width = c.parts + 1; // last slot: the rest of the group
  const sums = new Float64Array(groups * width);
  for (let cell = 0; cell < table.length; cell += 1) {
    const g = c.group[cell]!;
    if (g < 0) continue;
    const p = c.part[cell]!;
    sums[g * width + (p < 0 ? c.parts : p)]! += table[cell]!;
  }
  const factors = new Float64Array(groups * width);
  let worst = 0;
  for (let g = 0; g < groups; g += 1) {
    let mass = 0;
    for (let p = 0; p < width; p += 1) mass += sums[g * width + p]!;
    let rest = 1;
    for (let p = 0; p < c.parts; p += 1) {
      const target = c.shares[g * c.parts + p]! * mass;
      rest -= c.shares[g * c.parts + p]!;
      worst = Math.max(worst, Math.abs(sums[g * width + p]! - target));
      factors[g * width + p] = sums[g * width + p]! > 0 ? target / sums[g * width + p]! : 0;
    }
    const restTarget = Math.max(0, rest) * mass;
    worst = Math.max(worst, Math.abs(sums[g * width + c.parts]! - restTarget));
    factors[g * width + c.parts] = sums[g * width + c.parts]! > 0 ? restTarget / sums[g * width + c.parts]! : 0;
  }
  if (apply) {
    for (let cell = 0; cell < table.length; cell += 1) {
      const g = c.group[cell]!;
      if (g < 0) continue;
      const p = c.part[cell]!;
      table[cell]! *= factors[g * width + (p < 0 ? c.parts : p)]!;
    }
  }
  return worst;
}

function step(table: Float64Array, c: IpfConstraint, apply: boolean): number {
  return c.kind === 'count' ? countStep(table, c, apply) : proportionStep(table, c, apply);
}

/** One sweep of `constraints` over `table` in place; returns the largest miss (before each step) over `scale`. */
export function sweepConstraints(table: Float64Array, constraints: readonly IpfConstraint[], scale: number): number {
  let worst = 0;
  for (const c of constraints) worst = Math.max(worst, step(table, c, true) / scale);
  return worst;
}

function runFit(prior: Float64Array, constraints: readonly IpfConstraint[], options: FitOptions, bound: number | null): FitResult {
  const table = Float64Array.from(prior);
  const measure = (): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const c of constraints) out[c.name] = Math.max(out[c.name] ?? 0, step(table, c, false) / options.scale);
    return out;
  };
  let iterations = 0;
  // Each step measures its constraint's miss before it rescales: a sweep in which every miss is
  // within tolerance has converged (and costs one pass less than measuring after the sweep).
  let sweepResidual = Number.POSITIVE_INFINITY;
  while (iterations < options.maxIterations) {
    sweepResidual = 0;
    for (const c of constraints) {
      sweepResidual = Math.max(sweepResidual, step(table, c, true) / options.scale);
      if (bound !== null) {
        for (let cell = 0; cell < table.length; cell += 1) {
          const base = prior[cell]!;
          const value = table[cell]!;
          if (value > base * bound) table[cell] = base * bound;
          else if (value < base / bound) table[cell] = base / bound;
        }
      }
    }
    iterations += 1;
    if (sweepResidual <= options.tolerance) break;
  }
  const current = measure();
  const maxResidual = Math.max(0, ...Object.values(current));
  const converged = sweepResidual <= options.tolerance || maxResidual <= options.tolerance;
  return { fitted: table, iterations, converged, maxResidual, residualByConstraint: current, bounded: bound };
}

/**
 * Generalised iterative scaling over count and proportion constraints, applied in the given order
 * each sweep. If it does not converge within `maxIterations` (the constraints cannot all hold),
 * it is rerun with every cell factor bounded (`options.bound`, default [1/20, 20]) and the result
 * says so; the caller reports the residual left. Pure and deterministic.
 */
export function fitConstraints(prior: Float64Array, constraints: readonly IpfConstraint[], options: FitOptions): FitResult {
  for (const c of constraints) {
    const length = c.kind === 'count' ? c.category.length : c.group.length;
    if (length !== prior.length) throw new ServiceError('STATS_INVALID_ARGUMENT', `fitConstraints: constraint ${c.name} does not cover the table`);
    const values = c.kind === 'count' ? c.targets : c.shares;
    if (values.some((v) => !(v >= 0))) throw new ServiceError('STATS_INVALID_ARGUMENT', `fitConstraints: constraint ${c.name} has a negative or non-finite target`);
  }
  const free = runFit(prior, constraints, options, null);
  if (free.converged) return free;
  return runFit(prior, constraints, options, options.bound ?? FALLBACK_BOUND);
}

/** A count constraint from a category function (−1 = not constrained). */
export function countConstraint(name: string, cells: number, categoryOf: (cell: number) => number, targets: ArrayLike<number>): IpfConstraint {
  return { kind: 'count', name, category: Int32Array.from({ length: cells }, (_, c) => categoryOf(c)), targets: Float64Array.from(targets) };
}

/** A proportion constraint from group and part functions (−1 = outside / the rest). */
export function proportionConstraint(
  name: string,
  cells: number,
  groupOf: (cell: number) => number,
  partOf: (cell: number) => number,
  parts: number,
  shares: ArrayLike<number>,
): IpfConstraint {
  return {
    kind: 'proportion',
    name,
    group: Int32Array.from({ length: cells }, (_, c) => groupOf(c)),
    part: Int32Array.from({ length: cells }, (_, c) => partOf(c)),
    parts,
    shares: Float64Array.from(shares),
  };
}
