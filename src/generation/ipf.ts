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
