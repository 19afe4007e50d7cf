/**
 * `executeRun`, the one path from an effective request to bytes and trust documents (HTTP and
 * CLI): what reaches the sink and when it is committed or aborted, what the payload and manifest
 * say about those bytes, and the three ways a run stops early (strict rejection at preflight,
 * strict rejection after sampling, cancellation). A real one-thread pool, wrapped where a test
 * needs to count tasks or alter what the workers report.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../../src/census/census-table.js';
import { PersonaSchema } from '../../../src/domain/persona.js';
import { idKeyOf, personaId } from '../../../src/generation/persona-id.js';
import { SHARD_SIZE } from '../../../src/generation/plan.js';
import { executeRun, type PipelinePool, type PipelineRun, type RunSink } from '../../../src/runs/run-pipeline.js';
import { effectiveRequestOf, type RunRequest } from '../../../src/runs/run-request.js';
import { GenerationPool } from '../../../src/workers/generation-pool.js';
import { testPipelineDeps, TEST_SCHEMA_HASH } from '../../helpers/runs-service.js';
import { shippedSnapshot, TEST_NOW } from '../../helpers/snapshot.js';

let snapshot: InputSnapshot;
let realPool: GenerationPool;

beforeAll(async () => {
  snapshot = await shippedSnapshot();
  realPool = new GenerationPool({ threads: 1, workerFile: resolve('dist/workers/generation-worker-entry.cjs') });
});
afterAll(async () => {
  await realPool.close();
});

/** A sink that keeps what it is given and what was done to it, in order. */
function recordingSink(): RunSink & { readonly chunks: Uint8Array[]; readonly events: string[]; text(): string } {
  const chunks: Uint8Array[] = [];
  const events: string[] = [];
  return {
    chunks,
    events,
    write: (chunk) => {
      events.push('write');
      chunks.push(chunk.slice());
    },
    commit: async () => void events.push('commit'),
    abort: async () => void events.push('abort'),
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

/** The real pool, counting its tasks; `alter` may change what a sample reports. */
function countingPool(alter?: (result: Awaited<ReturnType<PipelinePool['sample']>>) => void) {
  const calls = { plan: 0, sample: 0 };
  const pool: PipelinePool = {
    threads: realPool.threads,
    plan: (request, snap, signal) => {
      calls.plan += 1;
      return realPool.plan(request, snap, signal);
    },
    sample: async (request, plan, sink, options) => {
      calls.sample += 1;
      const result = await realPool.sample(request, plan, sink, options);
      alter?.(result);
      return result;
    },
  };
  return { pool, calls };
}

const RUN_ID = '0190a0a0-0000-7000-8000-000000000001';

function runOf(request: RunRequest, seed: number, sink: RunSink, extra: Partial<PipelineRun> = {}): PipelineRun {
  return {
    runId: RUN_ID,
    request: effectiveRequestOf(request, seed),
    requestReceived: { ...request },
    createdAt: TEST_NOW.toISOString(),
    snapshot,
    sink,
    ...extra,
  };
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('executeRun', () => {
  it('writes n personas to the sink, commits once, and the payload and manifest name those bytes', async () => {
    const n = SHARD_SIZE + 17;
    const sink = recordingSink();
    const progress: number[] = [];
    const started: string[] = [];
    const result = await executeRun(
      testPipelineDeps(realPool),
      runOf({ n, profile: 'analysis_only' }, 11, sink, { onProgress: (done) => progress.push(done), onStarted: (at) => started.push(at) }),
    );
    const text = sink.text();
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(n);
    for (const line of lines.slice(0, 50)) expect(PersonaSchema.safeParse(JSON.parse(line)).success).toBe(true);
    expect(sink.events.filter((event) => event !== 'write')).toEqual(['commit']);

    const digest = sha256Hex(text);
    expect(result.generated).toMatchObject({ n, bytes: Buffer.byteLength(text), dataset_sha256: digest });
    expect(result.withheld).toBe(false);
    expect(result.payload).toMatchObject({ dataset_sha256: `sha256:${digest}`, schema_hash: TEST_SCHEMA_HASH, timestamp: TEST_NOW.toISOString() });
    expect(result.manifest).toMatchObject({
      run_id: RUN_ID,
      started_at: TEST_NOW.toISOString(),
      finished_at: TEST_NOW.toISOString(),
      request: { received: { n, profile: 'analysis_only' }, effective: { n, seed: 11, profile: 'analysis_only' } },
      execution: { worker_count: 1, shard_size: SHARD_SIZE },
      output_files: [{ name: 'dataset.ndjson', media_type: 'application/x-ndjson', bytes: Buffer.byteLength(text), sha256: `sha256:${digest}` }],
    });
    // Sampling started once, and progress went up to n.
    expect(started).toEqual([TEST_NOW.toISOString()]);
    expect(progress.at(-1)).toBe(n);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('writes the same bytes for the same request and seed, other bytes for another seed', async () => {
    const texts: string[] = [];
    for (const seed of [5, 5, 6]) {
      const sink = recordingSink();
      await executeRun(testPipelineDeps(realPool), runOf({ n: 40, profile: 'analysis_only' }, seed, sink));
      texts.push(sink.text());
    }
    expect(texts[1]).toBe(texts[0]);
    expect(texts[2]).not.toBe(texts[0]);
  });

  it("gives ids that belong to the dataset: the same for the same request, shared by no other request of the same seed", async () => {
    const idsOf = async (request: RunRequest) => {
      const sink = recordingSink();
      const result = await executeRun(testPipelineDeps(realPool), runOf(request, 42, sink));
      const ids = sink
        .text()
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => (JSON.parse(line) as { id: string }).id);
      // The key is the run's config_hash: the first id is computable from the payload alone.
      expect(ids[0]).toBe(personaId(idKeyOf(result.payload.config_hash), 0));
      return ids;
    };
    const base = await idsOf({ n: 40, profile: 'analysis_only' });
    expect(await idsOf({ n: 40, profile: 'analysis_only' })).toEqual(base);
    const others = [
      await idsOf({ n: 41, profile: 'analysis_only' }),
      await idsOf({ n: 40, profile: 'analysis_only', scope: 'all' }),
      await idsOf({ n: 40, profile: 'analysis_only', traits: true }),
      await idsOf({ n: 40, profile: 'narrative_required', narratives: { provider: 'none' } }),
    ];
    const seen = new Set(base);
    for (const ids of others) for (const id of ids) expect(seen.has(id)).toBe(false);
  });

  it('stops a strict run rejected at preflight before sampling: nothing written, the sink aborted', async () => {
    const sink = recordingSink();
    const { pool, calls } = countingPool();
    const started: string[] = [];
    const result = await executeRun(
      testPipelineDeps(pool),
      runOf({ n: 30, profile: 'high_stakes', scope: 'all' }, 3, sink, { requestedGeneratorVersion: '9.9.9-other', onStarted: (at) => started.push(at) }),
    );
    expect(result.evaluation.decision).toBe('REJECT');
    expect(result.evaluation.gate_codes).toContain('CONFIG_VERSION_MISMATCH');
    expect(result).toMatchObject({ generated: null, withheld: true });
    expect(calls).toEqual({ plan: 1, sample: 0 });
    expect(sink.events).toEqual(['abort']);
    expect(started).toEqual([]);
    expect(result.payload.dataset_sha256).toBeNull();
    expect(result.manifest).toMatchObject({ started_at: null, dataset_sha256: null, output_files: [] });
  });

  it('withholds a strict run rejected after sampling: sampled, then the sink aborted, never committed', async () => {
    const sink = recordingSink();
    // The workers report a repeated id: DUPLICATE_RECORDS is hard for every profile.
    const { pool, calls } = countingPool((result) => void (result.counts.duplicate_ids[0] = 1));
    const result = await executeRun(testPipelineDeps(pool), runOf({ n: 30, profile: 'analysis_only', strict: true }, 4, sink));
    expect(calls).toEqual({ plan: 1, sample: 1 });
    expect(result.evaluation.gate_codes).toContain('DUPLICATE_RECORDS');
    expect(result).toMatchObject({ withheld: true, generated: { n: 30 } });
    expect(sink.events.at(-1)).toBe('abort');
    expect(sink.events).not.toContain('commit');
    expect(result.manifest.output_files).toEqual([]);
  });

  it('releases a rejected dataset when the run is not strict', async () => {
    const sink = recordingSink();
    const { pool } = countingPool((result) => void (result.counts.duplicate_ids[0] = 1));
    const result = await executeRun(testPipelineDeps(pool), runOf({ n: 30, profile: 'analysis_only', strict: false }, 4, sink));
    expect(result.evaluation.decision).toBe('REJECT');
    expect(result.withheld).toBe(false);
    expect(sink.events.at(-1)).toBe('commit');
  });

  it('starts no worker task for a run cancelled before it began', async () => {
    const { pool, calls } = countingPool();
    const controller = new AbortController();
    controller.abort();
    const sink = recordingSink();
    await expect(executeRun(testPipelineDeps(pool), runOf({ n: 10, profile: 'analysis_only' }, 1, sink, { signal: controller.signal }))).rejects.toThrow();
    expect(calls).toEqual({ plan: 0, sample: 0 });
    expect(sink.events).toEqual([]);
  });

  it('aborts the sink and rethrows when sampling fails', async () => {
    const sink = recordingSink();
    const failing: PipelinePool = {
      threads: 1,
      plan: (request, snap, signal) => realPool.plan(request, snap, signal),
      sample: () => Promise.reject(new Error('worker went away')),
    };
    await expect(executeRun(testPipelineDeps(failing), runOf({ n: 10, profile: 'analysis_only' }, 1, sink))).rejects.toThrow('worker went away');
    expect(sink.events).toEqual(['abort']);
  });

  it('hashes what it writes when it rewrites the records (llm narratives, no LLM configured)', async () => {
    const sink = recordingSink();
    const result = await executeRun(testPipelineDeps(realPool), runOf({ n: 12, profile: 'analysis_only', narratives: { provider: 'llm' } }, 8, sink));
    const text = sink.text();
    expect(text.split('\n').filter((line) => line.length > 0)).toHaveLength(12);
    expect(result.generated).toMatchObject({ dataset_sha256: sha256Hex(text), bytes: Buffer.byteLength(text) });
    expect(result.generated?.narratives).toMatchObject({ provider: 'llm', total: 12, generated: 0 });
  });
});
