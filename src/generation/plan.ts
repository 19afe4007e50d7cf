/**
 * A run's plan: which key cell each of the n personas gets, and how the work splits into shards.
 * Computed once per run (allocation + shuffle are O(n + cells)), then handed to the shards.
 */
import type { Scope } from '../domain/request.js';
import { createRng } from '../rng.js';
import { cumulativeShares, shuffleInPlace, systematicCells } from './allocation.js';
import { scopedJoint, type GenerationModel } from './model.js';

/** Personas per shard: fixed, so shard RNG streams never depend on the pool size. */
export const SHARD_SIZE = 16_384;

export interface ShardRange {
  readonly shardIndex: number;
  readonly startIndex: number;
  readonly count: number;
}

const cumulativeCache = new WeakMap<Float64Array, Float64Array>();

/** Key cell per persona index, n long: systematic allocation, then a seeded shuffle. */
export function planCells(model: GenerationModel, options: { n: number; seed: number; scope: Scope }): Int32Array {
  const weights = scopedJoint(model.joint, options.scope);
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
