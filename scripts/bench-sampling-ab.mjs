// A/B helper for issue #12: run alternately against two built trees, e.g.
//   for i in 1 2 3; do node scripts/bench-sampling-ab.mjs <main-tree>; node scripts/bench-sampling-ab.mjs .; done
// Usage: node bench-one.mjs <repo-root> — times in-process sampling of 10^6 personas (the model warmed first):
// planCells + sampleShard over every shard, as test/helpers/generation.ts does, bytes not joined.
import { pathToFileURL } from 'node:url';
const root = process.argv[2];
const imp = (p) => import(pathToFileURL(`${root}/dist/${p}`).href);
const { loadEmbeddedSnapshot } = await imp('census/snapshot-loader.js');
const { resolveInputSnapshot } = await imp('census/resolve-snapshot.js');
const { generationModelFor } = await imp('generation/model.js');
const { planCells, shardRanges } = await imp('generation/plan.js');
const { sampleShard } = await imp('generation/sampler.js');
const { addCountsInPlace, emptyCounts } = await imp('generation/shard-counts.js');
const embedded = await loadEmbeddedSnapshot({ dir: `${root}/data/census` });
const snapshot = await resolveInputSnapshot({ embedded, mode: 'off', now: new Date('2026-11-24T12:00:00Z'), maxAgeDays: 30 });
let t = performance.now();
const model = generationModelFor(snapshot, true);
const warm = performance.now() - t;
function run(n) {
  const request = { n, seed: 42, scope: 'all', use_ipf: true, traits: false };
  const cells = planCells(model, request);
  const counts = emptyCounts();
  let bytes = 0;
  for (const range of shardRanges(n)) {
    const r = sampleShard({ seed: 42, idKey: [42, n], shardIndex: range.shardIndex, startIndex: range.startIndex, cells: cells.subarray(range.startIndex, range.startIndex + range.count), tables: model.sampling, traits: false });
    bytes += r.bytes.length;
    addCountsInPlace(counts, r.counts);
  }
  return bytes;
}
run(20_000);
const times = [];
for (let i = 0; i < 2; i += 1) {
  t = performance.now();
  run(1_000_000);
  times.push(performance.now() - t);
}
console.log(JSON.stringify({ root, model_ms: Math.round(warm), ms: times.map(Math.round), best_ms: Math.round(Math.min(...times)) }));
