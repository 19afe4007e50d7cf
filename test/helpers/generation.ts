/**
 * Reference paths of the generator that production does not take, for tests to compare against:
 * the whole dataset in this thread (what the worker pool must reproduce byte for byte), a pool run
 * planned and sampled in one call, and the shares a run is drawn from.
 */
import type { InputSnapshot } from '../../src/census/census-table.js';
import { COMPARED_FIELDS, type ComparedField } from '../../src/domain/fields.js';
import type { Scope } from '../../src/domain/request.js';
import type { CalibrationDiagnostics } from '../../src/generation/calibration.js';
import { fieldMasses } from '../../src/generation/field-targets.js';
import { generationModelFor, minAgeOf, type GenerationModel } from '../../src/generation/model.js';
import { planCells, shardRanges } from '../../src/generation/plan.js';
import { sampleShard, type Narrator } from '../../src/generation/sampler.js';
import { conditionedSampling } from '../../src/generation/condition.js';
import type { IdKey } from '../../src/generation/persona-id.js';
import { addCountsInPlace, emptyCounts, type ShardCounts } from '../../src/generation/shard-counts.js';
import { DuplicateRecordCounter } from '../../src/generation/record-hashes.js';
import { normalise } from '../../src/generation/table-view.js';
import type { GenerationPool, GenerationRequest as PoolGenerationRequest, PoolRunOptions } from '../../src/workers/generation-pool.js';
import type { DatasetSink, PoolRunResult } from '../../src/workers/shard-merge.js';

/**
 * A request as tests write it: the id key may be left out, and is then a fixed function of the
 * request (a run's is its config_hash's; what matters here is that both paths use the same one).
 */
export type GenerationRequest = PoolGenerationRequest & { readonly id_key?: IdKey };

export function idKeyFor(request: GenerationRequest): IdKey {
  return request.id_key ?? [request.seed >>> 0, request.n >>> 0];
}

export interface GenerationResult {
  /** The dataset as UTF-8 NDJSON. */
  readonly bytes: Uint8Array;
  readonly counts: ShardCounts;
  /** Records identical to another record, as the pool counts them from the shards' hashes. */
  readonly duplicate_records: number;
  readonly calibration: CalibrationDiagnostics;
  readonly model: GenerationModel;
}

/** The whole dataset of `request`, every shard in this thread, in order. No HTTP, no disk, no clock. */
export function generate(request: GenerationRequest, snapshot: InputSnapshot, narrator?: Narrator): GenerationResult {
  const model = generationModelFor(snapshot, request.use_ipf);
  const cells = planCells(model, request);
  const counts = emptyCounts();
  const records = new DuplicateRecordCounter(request.n);
  const parts: Uint8Array[] = [];
  for (const range of shardRanges(request.n)) {
    const result = sampleShard(
      {
        seed: request.seed,
        idKey: idKeyFor(request),
        shardIndex: range.shardIndex,
        startIndex: range.startIndex,
        cells: cells.subarray(range.startIndex, range.startIndex + range.count),
        tables: conditionedSampling(model.sampling, request.where),
        traits: request.traits,
      },
      narrator,
    );
    parts.push(result.bytes);
    addCountsInPlace(counts, result.counts);
    records.add(result.record_hashes, result.count);
  }
  const bytes = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return { bytes, counts, duplicate_records: records.duplicates, calibration: model.calibration, model };
}

/** Plans and samples a run on `pool`: the whole dataset of `request` into `sink`. */
export async function generateWithPool(
  pool: GenerationPool,
  request: GenerationRequest,
  snapshot: InputSnapshot,
  sink: DatasetSink,
  options: PoolRunOptions = {},
): Promise<PoolRunResult> {
  return pool.sample({ ...request, id_key: idKeyFor(request) }, await pool.plan(request, snapshot, options.signal), sink, options);
}

/**
 * The share of each compared field a run is expected to have: the distributions of the joint and
 * conditional tables its personas are drawn from (raked, or the priors with `use_ipf: false`),
 * restricted to the scope. What the sampled counts scatter around, without the sampling noise.
 */
export function expectedShares(model: GenerationModel, scope: Scope): Record<ComparedField, number[]> {
  const masses = fieldMasses(model.joint, model.conditionals, minAgeOf(scope));
  return Object.fromEntries(COMPARED_FIELDS.map((field) => [field, normalise(masses[field])])) as Record<ComparedField, number[]>;
}
