/**
 * The shards of one large run executed by several replicas (issue 17 item 4, decision 0014).
 *
 * The replica that executes a run (its coordinator, under the run's lease) plans it as always,
 * then, instead of sampling every shard in its own workers, sends one pg-boss job per shard to
 * `runs-shard`. Every replica works that queue with one poller per worker thread: it plans the
 * same request on the same snapshot (deterministic; cached per attempt), samples the one shard
 * and stores its output in `mp_run_shards` (first writer kept: a retried shard writes the same
 * bytes). The coordinator merges the shards in shard order through the same `ShardMerge` as a
 * single-node run — SHA-256, counts, duplicates, the sink — so the bytes and the trust documents
 * equal a single-node run's. It works the queue too, and samples itself any shard that has not
 * arrived within `shardWaitMs` (a replica with another snapshot refuses a shard; a slow one is
 * overtaken), so a run never waits on a replica that cannot help.
 */
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { deflateRaw, inflateRaw, constants as zlib } from 'node:zlib';
import type pg from 'pg';
import type { InputSnapshot } from '../../census/census-table.js';
import { NarrativeRunStatsSchema, type NarrativeRunStats } from '../../domain/persona.js';
import { shardRanges } from '../../generation/plan.js';
import { emptyCounts, type ShardCounts } from '../../generation/shard-counts.js';
import type { GenerationPool, PoolRunOptions, RunPlan, SampleRequest } from '../../workers/generation-pool.js';
import { ShardMerge, type DatasetSink, type PoolRunResult, type ShardReply } from '../../workers/shard-merge.js';

const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

/** A shard job: what any replica needs to sample shard `shard` of the attempt's run. */
export interface ShardJob {
  readonly attempt: string;
  readonly shard: number;
  readonly request: SampleRequest;
  readonly snapshot_hash: string;
  readonly narratives: 'none' | 'template';
}

/** What the shared pool needs of the queue (RunDistribution). */
export interface ShardQueue {
  sendShards(jobs: readonly ShardJob[]): Promise<string[]>;
  cancelShards(ids: readonly string[]): Promise<void>;
}

export interface SharedShardPoolOptions {
  readonly local: GenerationPool;
  readonly queue: ShardQueue;
  readonly db: pg.Pool;
  /** The stored snapshot of a hash (shared-snapshots.ts): every replica plans on the run's own. */
  readonly snapshotByHash: (hash: string) => Promise<InputSnapshot>;
  /** Runs with fewer shards are sampled here alone (default 8: below it the round trips cost more than they save); 0: never spread. */
  readonly minShards?: number;
  /** How long the coordinator waits for a shard before it samples it itself, ms (default 60 s). */
  readonly shardWaitMs?: number;
  /** Called for each shard this replica sampled for a run merged here or elsewhere (a metric). */
  readonly onShardSampled?: () => void;
}

/** Counters as JSON (small: tens of arrays of a few hundred integers). */
function countsText(counts: ShardCounts): string {
  return JSON.stringify(Object.fromEntries(Object.entries(counts).map(([key, values]) => [key, Array.from(values as Int32Array)])));
}

function countsOf(text: string): ShardCounts {
  const parsed = JSON.parse(text) as Record<string, number[]>;
  const counts = emptyCounts();
  for (const [key, target] of Object.entries(counts) as [string, Int32Array][]) {
    const values = parsed[key];
    if (!Array.isArray(values) || values.length !== target.length) throw new Error(`stored shard counts lack ${key}`);
    target.set(values);
  }
  return counts;
}

export class SharedShardPool {
  readonly #options: SharedShardPoolOptions;
  /** Plans of attempts this replica samples shards of (a 10⁷ plan is 40 MB of cells: two kept). */
  readonly #plans = new Map<string, Promise<RunPlan>>();

  constructor(options: SharedShardPoolOptions) {
    this.#options = options;
  }

  get threads(): number {
    return this.#options.local.threads;
  }

  plan(...args: Parameters<GenerationPool['plan']>): ReturnType<GenerationPool['plan']> {
    return this.#options.local.plan(...args);
  }

  async sample(request: SampleRequest, plan: RunPlan, sink: DatasetSink, options: PoolRunOptions = {}): Promise<PoolRunResult> {
    const ranges = shardRanges(request.n);
    const minShards = this.#options.minShards ?? 8;
    if (minShards === 0 || ranges.length < minShards) return this.#options.local.sample(request, plan, sink, options);
    const { db, queue } = this.#options;
    const attempt = randomUUID();
    const narratives = options.narratives ?? 'none';
    await db.query('INSERT INTO mp_shard_attempts (attempt, shards) VALUES ($1, $2)', [attempt, ranges.length]);
    // This replica's own shard pollers use this plan, not a second one.
    this.#plans.set(attempt, Promise.resolve(plan));
    let ids: string[] = [];
    try {
      ids = await queue.sendShards(ranges.map((range) => ({ attempt, shard: range.shardIndex, request, snapshot_hash: plan.source.snapshot.hash, narratives })));
      const merge = new ShardMerge(request.n, sink);
      const waitMs = this.#options.shardWaitMs ?? 60_000;
      // Since when the shard to merge next has been missing (reset as the merge moves on).
      let missingSince: number | null = null;
      for (let shard = 0; shard < ranges.length; ) {
        options.signal?.throwIfAborted();
        const ready = await this.#readShards(attempt, shard, 4);
        if (ready.length === 0) {
          missingSince ??= Date.now();
          if (Date.now() - missingSince > waitMs) {
            await this.#storeShard(attempt, shard, await this.#options.local.shard(request, plan, shard, { narratives, ...(options.signal ? { signal: options.signal } : {}) }));
            this.#options.onShardSampled?.();
            missingSince = null;
          } else await new Promise((resolve) => setTimeout(resolve, 25));
          continue;
        }
        missingSince = null;
        for (const reply of ready) {
          await merge.add(reply);
          options.onProgress?.(merge.done, request.n);
          shard += 1;
        }
      }
      return merge.result(plan.calibration);
    } finally {
      this.#plans.delete(attempt);
      // Shards still queued are not needed any more (a cancelled or failed run, or the last ones taken by this replica).
      await queue.cancelShards(ids).catch(() => undefined);
      await db.query('DELETE FROM mp_shard_attempts WHERE attempt = $1', [attempt]).catch(() => undefined);
    }
  }

  /** The stored shards from `from` on that are contiguous (at most `limit`), decoded. */
  async #readShards(attempt: string, from: number, limit: number): Promise<ShardReply[]> {
    const rows = await this.#options.db.query<{ shard: number; count: number; data: Buffer; counts: string; record_hashes: Buffer; narratives: string | null }>(
      'SELECT shard, count, data, counts, record_hashes, narratives FROM mp_run_shards WHERE attempt = $1 AND shard >= $2 AND shard < $3 ORDER BY shard',
      [attempt, from, from + limit],
    );
    const replies: ShardReply[] = [];
    for (const [i, row] of rows.rows.entries()) {
      if (row.shard !== from + i) break;
      const bytes = await inflate(row.data);
      const hashes = new Uint32Array(row.record_hashes.byteLength / 4);
      new Uint8Array(hashes.buffer).set(row.record_hashes);
      replies.push({
        bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        // The dataset writer stores this as one chunk instead of compressing the bytes again.
        deflated: row.data,
        count: row.count,
        counts: countsOf(row.counts),
        record_hashes: hashes,
        narratives: row.narratives === null ? null : (NarrativeRunStatsSchema.parse(JSON.parse(row.narratives)) as NarrativeRunStats),
      });
    }
    return replies;
  }

  async #storeShard(attempt: string, shard: number, reply: ShardReply): Promise<void> {
    const data = await deflate(reply.bytes, { level: zlib.Z_BEST_SPEED });
    const hashes = Buffer.from(reply.record_hashes.buffer, reply.record_hashes.byteOffset, reply.record_hashes.byteLength);
    await this.#options.db.query(
      'INSERT INTO mp_run_shards (attempt, shard, count, data, counts, record_hashes, narratives) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (attempt, shard) DO NOTHING',
      [attempt, shard, reply.count, data, countsText(reply.counts), hashes, reply.narratives === null ? null : JSON.stringify(reply.narratives)],
    );
  }

  /**
   * A shard job taken from the queue on this replica: sampled and stored, on the run's own stored
   * snapshot, unless its attempt is gone (cancelled or merged).
   */
  async work(job: ShardJob): Promise<void> {
    const { db } = this.#options;
    const alive = await db.query('SELECT 1 FROM mp_shard_attempts WHERE attempt = $1', [job.attempt]);
    if (alive.rowCount === 0) return;
    const done = await db.query('SELECT 1 FROM mp_run_shards WHERE attempt = $1 AND shard = $2', [job.attempt, job.shard]);
    if ((done.rowCount ?? 0) > 0) return;
    let plan = this.#plans.get(job.attempt);
    if (plan === undefined) {
      plan = this.#options.snapshotByHash(job.snapshot_hash).then((snapshot) => this.#options.local.plan(job.request, snapshot));
      plan.catch(() => undefined);
      if (this.#plans.size >= 2) this.#plans.delete(this.#plans.keys().next().value!);
      this.#plans.set(job.attempt, plan);
    }
    const reply = await this.#options.local.shard(job.request, await plan, job.shard, { narratives: job.narratives });
    this.#options.onShardSampled?.();
    try {
      await this.#storeShard(job.attempt, job.shard, reply);
    } catch (error) {
      // The attempt was merged or cancelled meanwhile (its rows went with it): nothing to keep.
      if ((error as { code?: unknown }).code !== '23503') throw error;
    }
  }
}
