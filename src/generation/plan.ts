/**
 * A run's plan: which key cell each of the n personas gets, and how the work splits into shards.
 * Computed once per run (allocation + shuffle are O(n + cells)), then handed to the shards.
 */
import type { Scope } from '../domain/request.js';
import { createRng } from '../rng.js';
import { cumulativeShares, shuffleInPlace, systematicCells } from './allocation.js';
import type { Where } from '../domain/where.js';
import { conditionedJoint, conditionWeights, emptyConditionError } from './condition.js';
import { scopedJoint, type GenerationModel } from './model.js';

/** Personas per shard: fixed, so shard RNG streams never depend on the pool size. */
export const SHARD_SIZE = 16_384;

export interface ShardRange {
  readonly shardIndex: number;
  readonly startIndex: number;
  readonly count: number;
}

const cumulativeCache = new WeakMap<Float64Array, Float64Array>();
const conditionedCache = new WeakMap<Float64Array, Map<string, Float64Array>>();

/**
 * The weights a run is allocated from: the model's joint in its scope, restricted to its
 * condition (memoised per joint and condition, a few kept). A condition with no mass is a 422.
 */
export function allocationWeights(model: GenerationModel, scope: Scope, where?: Where): Float64Array {
  const scoped = scopedJoint(model.joint, scope);
  if (where === undefined) return scoped;
  let byCondition = conditionedCache.get(scoped);
  if (!byCondition) conditionedCache.set(scoped, (byCondition = new Map()));
  const key = JSON.stringify(where);
  let weights = byCondition.get(key);
  if (!weights) {
    weights = conditionedJoint(scoped, conditionWeights(where, model.conditionals.age85Plus));
    if (!(weights.reduce((a, b) => a + b, 0) > 0)) throw emptyConditionError(where, scope);
    if (byCondition.size >= 8) byCondition.delete(byCondition.keys().next().value as string);
    byCondition.set(key, weights);
  }
  return weights;
}

/** Key cell per persona index, n long: systematic allocation, then a seeded shuffle. */
export function planCells(model: GenerationModel, options: { n: number; seed: number; scope: Scope; where?: Where | undefined }): Int32Array {
  const weights = allocationWeights(model, options.scope, options.where);
  let cumulative = cumulativeCache.get(weights);
  if (!cumulative) {
    cumulative = cumulativeShares(weights);
    cumulativeCache.set(weights, cumulative);
  }
  const cells = systematicCells(cumulative, options.n, createRng(options.seed, 'allocation').next());
  shuffleInPlace(cells, createRng(options.seed, 'shuffle'));
  return cells;
}

/** Fixed-size shards covering 0..n-1 (the last may be shorter). */
export function shardRanges(n: number): ShardRange[] {
  const ranges: ShardRange[] = [];
  for (let start = 0, shard = 0; start < n; start += SHARD_SIZE, shard += 1) {
    ranges.push({ shardIndex: shard, startIndex: start, count: Math.min(SHARD_SIZE, n - start) });
  }
  return ranges;
}
