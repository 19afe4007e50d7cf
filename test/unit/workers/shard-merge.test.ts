/** ShardMerge: shards in order become one dataset (bytes, digest, counts) whoever produced them. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyCounts } from '../../../src/generation/shard-counts.js';
import { DEFAULT_CALIBRATION } from '../../../src/generation/calibration.js';
import { ShardMerge, type ShardReply } from '../../../src/workers/shard-merge.js';

const calibration = { applied: false, iterations: 0, converged: true, max_residual: 0, tolerance: DEFAULT_CALIBRATION.tolerance, max_iterations: 0, ess: null, ess_ratio: null, information_loss: null, max_weight: null, mean_weight: null, max_mean_weight_ratio: null, top5_weight_share: null };

/** A shard of `records` records, each a 64-bit hash given as its low lane (high lane 0). */
function shardOf(bytes: Uint8Array, records: number[]): ShardReply {
  return { bytes, count: records.length, counts: emptyCounts(), record_hashes: Uint32Array.from(records.flatMap((h) => [h, 0])), narratives: null };
}

describe('ShardMerge', () => {
  it('writes the shards in order and hashes exactly the bytes written', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.uint8Array({ maxLength: 3_000_000 }), fc.array(fc.nat(), { maxLength: 20 })), { maxLength: 5 }), async (shards) => {
        const written: Uint8Array[] = [];
        const merge = new ShardMerge(1_000, { write: (chunk) => void written.push(chunk) });
        for (const [bytes, hashes] of shards) await merge.add(shardOf(bytes, hashes));
        const result = merge.result(calibration as never);
        const all = Buffer.concat(shards.map(([bytes]) => bytes));
        expect(Buffer.concat(written).equals(all)).toBe(true);
        expect(result.dataset_sha256).toBe(createHash('sha256').update(all).digest('hex'));
        expect(result.bytes).toBe(all.byteLength);
        expect(result.n).toBe(shards.reduce((sum, [, hashes]) => sum + hashes.length, 0));
        expect(result.shard_count).toBe(shards.length);
      }),
      { numRuns: 25 },
    );
  });

  it('counts both records of a pair split across shards as duplicates', async () => {
    const merge = new ShardMerge(10, { write: () => undefined });
    await merge.add(shardOf(new Uint8Array([1]), [7, 8]));
    await merge.add(shardOf(new Uint8Array([2]), [8, 9]));
    expect(merge.result(calibration as never).duplicate_records).toBe(2);
  });
});
