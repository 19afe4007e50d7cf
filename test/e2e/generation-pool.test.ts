import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../src/census/census-table.js';
import { SHARD_SIZE } from '../../src/generation/plan.js';
import { GenerationPool } from '../../src/workers/generation-pool.js';
import { generate, generateWithPool, type GenerationRequest } from '../helpers/generation.js';
import { makeTempDir } from '../helpers/census.js';
import { shippedSnapshot } from '../helpers/snapshot.js';

let snapshot: InputSnapshot;
beforeAll(async () => {
  snapshot = await shippedSnapshot();
});

const WORKER = resolve('dist/workers/generation-worker-entry.cjs');
const MODEL_TASK_WORKER = resolve('test/fixtures/model-task-worker.mjs');
const pools: GenerationPool[] = [];
function poolOf(threads: number, workerFile = WORKER, ipf?: { tolerance: number; maxIterations: number }): GenerationPool {
  const pool = new GenerationPool({ threads, workerFile, ...(ipf ? { ipf } : {}) });
  pools.push(pool);
  return pool;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

const collect = () => {
  const chunks: Uint8Array[] = [];
  return { chunks, sink: { write: (chunk: Uint8Array) => void chunks.push(chunk) } };
};

describe('GenerationPool', () => {
  it('reports its live threads (readiness): all of them once started, none once closed', async () => {
    const pool = new GenerationPool({ threads: 2, workerFile: WORKER });
    await pool.warmUp(snapshot);
    expect(pool.liveThreads).toBe(2);
    await pool.close();
    expect(pool.liveThreads).toBe(0);
  });

  // Each model (calibrated, uncalibrated, adults) has its own tables; each must be worker-count blind.
  it.each([
    { label: 'calibrated, all ages', scope: 'all', use_ipf: true, threads: [1, 2, 4] },
    { label: 'uncalibrated, all ages', scope: 'all', use_ipf: false, threads: [2] },
    { label: 'calibrated, adults', scope: 'adults', use_ipf: true, threads: [2] },
    // A condition: the allocation and the 85+ single-age draw are restricted in every worker alike.
    { label: 'calibrated, where', scope: 'all', use_ipf: true, threads: [2], where: { sex: ['female'], age: { min: 60, max: 95 } } },
  ] as const)('gives the in-process bytes whatever the worker count ($label)', async (row) => {
    const { scope, use_ipf, threads: counts } = row;
    const where = 'where' in row ? { sex: [...row.where.sex], age: row.where.age } : undefined;
    const request: GenerationRequest = { n: 3 * SHARD_SIZE + 123, seed: 77, scope, use_ipf, traits: true, ...(where ? { where } : {}) };
    const inProcess = generate(request, snapshot);
    const reference = createHash('sha256').update(inProcess.bytes).digest('hex');
    for (const threads of counts) {
      const { chunks, sink } = collect();
      const result = await generateWithPool(poolOf(threads), request, snapshot, sink);
      const hash = createHash('sha256');
      for (const chunk of chunks) hash.update(chunk);
      expect({ threads, sha: result.dataset_sha256 }).toEqual({ threads, sha: reference });
      expect(hash.digest('hex')).toBe(reference);
      expect(result.n).toBe(request.n);
      expect(result.shard_count).toBe(4);
      // The counts merged across shards too (the plausibility rules' among them): same whatever the worker count.
      expect({ threads, population: Array.from(result.counts.plausibility_population), flagged: Array.from(result.counts.plausibility_flagged) }).toEqual({
        threads,
        population: Array.from(inProcess.counts.plausibility_population),
        flagged: Array.from(inProcess.counts.plausibility_flagged),
      });
      expect(result.counts).toEqual(inProcess.counts);
    }
  });

  it('recycles shard buffers through the workers when the sink releases them, with the same bytes', async () => {
    const request: GenerationRequest = { n: 5 * SHARD_SIZE + 7, seed: 78, scope: 'all', use_ipf: true, traits: true };
    const reference = createHash('sha256').update(generate(request, snapshot).bytes).digest('hex');
    const copied = createHash('sha256');
    const seen: Uint8Array[] = [];
    const sink = {
      write: (chunk: Uint8Array) => {
        copied.update(chunk);
        seen.push(chunk);
      },
    };
    const result = await generateWithPool(poolOf(2), request, snapshot, sink, { recycleChunks: true });
    expect(result.dataset_sha256).toBe(reference);
    expect(copied.digest('hex')).toBe(reference);
    // Handed back to a worker: the pool's view of a reused buffer is detached (that is why a sink
    // that keeps chunks must not ask for this).
    expect(seen.filter((chunk) => chunk.byteLength === 0).length).toBeGreaterThan(0);
  });

  it('asks a worker for the targets once per (snapshot, use_ipf, scope) and hands every run the same frozen ones', async () => {
    const pool = poolOf(2);
    const request: GenerationRequest = { n: 10, seed: 1, scope: 'adults', use_ipf: true, traits: false };
    const first = await pool.plan(request, snapshot);
    const second = await pool.plan({ ...request, seed: 2 }, snapshot);
    expect(second.field_targets).toBe(first.field_targets);
    expect(first.field_targets.length).toBeGreaterThan(0);
    expect(Object.isFrozen(first.field_targets[0])).toBe(true);
    const all = await pool.plan({ ...request, scope: 'all' }, snapshot);
    expect(all.field_targets).not.toBe(first.field_targets);
  });

  it('reports progress shard by shard up to n', async () => {
    const progress: number[] = [];
    const n = 2 * SHARD_SIZE + 5;
    await generateWithPool(poolOf(2), { n, seed: 1, scope: 'adults', use_ipf: true, traits: false }, snapshot, collect().sink, {
      onProgress: (done) => progress.push(done),
    });
    expect(progress).toEqual([SHARD_SIZE, 2 * SHARD_SIZE, n]);
  });

  it('cancels a run when its signal aborts (RUN_CANCELLED) and stays usable', async () => {
    const pool = poolOf(2);
    const controller = new AbortController();
    const run = generateWithPool(
      pool,
      { n: 20 * SHARD_SIZE, seed: 5, scope: 'adults', use_ipf: true, traits: false },
      snapshot,
      collect().sink,
      { signal: controller.signal, onProgress: () => controller.abort() },
    );
    await expect(run).rejects.toMatchObject({ code: 'RUN_CANCELLED' });
    const after = await generateWithPool(pool, { n: 10, seed: 5, scope: 'adults', use_ipf: true, traits: false }, snapshot, collect().sink);
    expect(after.n).toBe(10);
  });

  // Each test below uses its own IPF settings: a model key no earlier test of this process built.
  it('builds each model once per process: in one worker of the first pool, shared with every worker of every later pool', async () => {
    const temp = await makeTempDir('pool-models');
    const log = join(temp.dir, 'models.log');
    process.env.MODEL_TASK_LOG = log;
    writeFileSync(log, '');
    try {
      const ipf = { tolerance: 1e-10, maxIterations: 498 };
      const request: GenerationRequest = { n: 2 * SHARD_SIZE + 9, seed: 4, scope: 'all', use_ipf: true, traits: false };
      const first = poolOf(2, MODEL_TASK_WORKER, ipf);
      await first.warmUp(snapshot);
      const a = await generateWithPool(first, request, snapshot, collect().sink);
      await first.close();
      const second = poolOf(2, MODEL_TASK_WORKER, ipf);
      await second.warmUp(snapshot);
      const b = await generateWithPool(second, request, snapshot, collect().sink);
      expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([`${snapshot.snapshot_hash} true`]);
      // The shared model samples the bytes a model built in this thread gives.
      expect(b.dataset_sha256).toBe(a.dataset_sha256);
      expect(b.dataset_sha256).toBe(createHash('sha256').update(generate(request, snapshot).bytes).digest('hex'));
      // Another variant is another model.
      await generateWithPool(second, { ...request, use_ipf: false }, snapshot, collect().sink);
      expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([`${snapshot.snapshot_hash} true`, `${snapshot.snapshot_hash} false`]);
    } finally {
      delete process.env.MODEL_TASK_LOG;
      await temp.remove();
    }
  });

  it('does not keep a failed model build: the run fails (RUN_WORKER_FAILED) and the next one builds it', async () => {
    const temp = await makeTempDir('pool-models');
    const log = join(temp.dir, 'models.log');
    const crash = join(temp.dir, 'crash');
    Object.assign(process.env, { MODEL_TASK_LOG: log, MODEL_TASK_CRASH: crash });
    writeFileSync(log, '');
    writeFileSync(crash, '');
    try {
      const pool = poolOf(2, MODEL_TASK_WORKER, { tolerance: 1e-10, maxIterations: 497 });
      const request: GenerationRequest = { n: 50, seed: 4, scope: 'adults', use_ipf: true, traits: false };
      await expect(generateWithPool(pool, request, snapshot, collect().sink)).rejects.toMatchObject({ code: 'RUN_WORKER_FAILED' });
      expect(readFileSync(log, 'utf8')).toBe('');
      const after = await generateWithPool(pool, request, snapshot, collect().sink);
      expect(after.n).toBe(50);
      expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1);
    } finally {
      delete process.env.MODEL_TASK_LOG;
      delete process.env.MODEL_TASK_CRASH;
      await temp.remove();
    }
  });

  it('fails the run (RUN_WORKER_FAILED) when a worker crashes, and the pool recovers', async () => {
    const pool = poolOf(2, resolve('test/fixtures/crashing-worker.mjs'));
    const crashing = generateWithPool(pool, { n: 3 * SHARD_SIZE, seed: 3, scope: 'adults', use_ipf: true, traits: false }, snapshot, collect().sink);
    await expect(crashing).rejects.toMatchObject({ code: 'RUN_WORKER_FAILED' });
    const after = await generateWithPool(pool, { n: 100, seed: 3, scope: 'adults', use_ipf: true, traits: false }, snapshot, collect().sink);
    expect(after.n).toBe(100);
  });
});
