// Generation in this thread, for the benchmarks (bench/run.mjs scenario 1, bench/faker-ab.mjs).
import { loadEmbeddedSnapshot } from '../dist/census/snapshot-loader.js';
import { resolveInputSnapshot } from '../dist/census/resolve-snapshot.js';
import { planCells, shardRanges } from '../dist/generation/plan.js';
import { sampleShard } from '../dist/generation/sampler.js';
import { templateNarrative } from '../dist/narratives/providers/template.js';

/** The shipped census snapshot, offline. */
export async function inputSnapshot() {
  const embedded = await loadEmbeddedSnapshot();
  return resolveInputSnapshot({ embedded, mode: 'off', now: new Date(), maxAgeDays: 30 });
}

/** Plan + every shard in this thread; bytes are produced and dropped (not held). */
export function generateInProcess(model, n, narratives) {
  const start = performance.now();
  const cells = planCells(model, { n, seed: 7, scope: 'adults' });
  let bytes = 0;
  for (const range of shardRanges(n)) {
    const task = {
      seed: 7,
      // A run's id key is its config_hash's first 64 bits; any fixed key costs the same.
      idKey: [7, n],
      shardIndex: range.shardIndex,
      startIndex: range.startIndex,
      cells: cells.subarray(range.startIndex, range.startIndex + range.count),
      tables: model.sampling,
      traits: false,
    };
    const result = sampleShard(task, narratives ? (persona) => templateNarrative(persona, 7).narrative : undefined);
    bytes += result.bytes.byteLength;
  }
  const seconds = (performance.now() - start) / 1000;
  return { n, seconds, personas_per_second: n / seconds, bytes };
}
