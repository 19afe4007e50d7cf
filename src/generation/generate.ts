/**
 * The pure library entry: a request and an input snapshot in, the dataset (NDJSON) and what the
 * trust evaluator needs out. No HTTP, no disk, no clock. The worker pool runs the same shards in
 * parallel and gets the same bytes.
 */
import type { InputSnapshot } from '../census/census-table.js';
import type { Scope } from '../domain/request.js';
import type { CalibrationDiagnostics } from './calibration.js';
import { generationModelFor, type GenerationModel } from './model.js';
import { planCells, shardRanges } from './plan.js';
import { sampleShard, type Narrator } from './sampler.js';
import { addCountsInPlace, emptyCounts, type ShardCounts } from './shard-counts.js';

export interface GenerationRequest {
  readonly n: number;
  /** 0..2^32-1 */
  readonly seed: number;
  readonly scope: Scope;
  readonly use_ipf: boolean;
  readonly traits: boolean;
}

export interface GenerationResult {
  /** The dataset as UTF-8 NDJSON. */
  readonly bytes: Uint8Array;
  readonly counts: ShardCounts;
  readonly calibration: CalibrationDiagnostics;
  readonly model: GenerationModel;
}

export function generate(request: GenerationRequest, snapshot: InputSnapshot, narrator?: Narrator): GenerationResult {
  const model = generationModelFor(snapshot, request.use_ipf);
  const cells = planCells(model, request);
  const counts = emptyCounts();
  const parts: Uint8Array[] = [];
  for (const range of shardRanges(request.n)) {
    const result = sampleShard(
      {
        seed: request.seed,
        shardIndex: range.shardIndex,
        startIndex: range.startIndex,
        cells: cells.subarray(range.startIndex, range.startIndex + range.count),
        tables: model.sampling,
        traits: request.traits,
      },
      narrator,
    );
    parts.push(result.bytes);
    addCountsInPlace(counts, result.counts);
  }
    let length = 0;
  for (const part of parts) length += part.length;
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return { bytes, counts, calibration: model.calibration, model };
}
