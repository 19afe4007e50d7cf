import { beforeAll, describe, expect, it } from 'vitest';
import { DuplicateRecordCounter, hashRecordKey } from '../../../src/generation/record-hashes.js';
import { generate, type GenerationResult } from '../../helpers/generation.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

/** Hashes of records given as small integer tuples, two words each. */
function hashesOf(keys: readonly (readonly number[])[]): Uint32Array {
  const out = new Uint32Array(keys.length * 2);
  keys.forEach((key, j) => hashRecordKey(key, out, j));
  return out;
}

/** Records equal to another line once `id`, `index` and the narrative are left out, counted exactly on the NDJSON. */
function exactDuplicates(bytes: Uint8Array): number {
  const groups = new Map<string, number>();
  for (const line of new TextDecoder().decode(bytes).split('\n')) {
    if (line === '') continue;
    const { id: _id, index: _index, narrative: _narrative, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const key = JSON.stringify(rest);
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups.values()].filter((size) => size > 1).reduce((sum, size) => sum + size, 0);
}

describe('DuplicateRecordCounter', () => {
  it('counts every member of a repeated record, across shards and past the expected size', () => {
    // A hand-made dataset: one record three times (two in a later shard), one twice, five unique.
    const a = [1, 2, 3];
    const b = [1, 2, 4];
    const counter = new DuplicateRecordCounter(2);
    const first = [a, b, [7], [8, 9]];
    const second = [a, [10], b, a, [11], [1, 2, 3, 0]];
    counter.add(hashesOf(first), first.length);
    expect(counter.duplicates).toBe(0);
    counter.add(hashesOf(second), second.length);
    expect(counter.duplicates).toBe(5);
  });

  it('tells apart tuples that differ in one value, in order, or in length', () => {
    const hashes = hashesOf([[0, 1], [1, 0], [0, 1, 0], [0, 1, -1], [0, 2]]);
    const words = new Set<string>();
    for (let j = 0; j < 5; j += 1) words.add(`${hashes[2 * j]}:${hashes[2 * j + 1]}`);
    expect(words.size).toBe(5);
    const counter = new DuplicateRecordCounter(5);
    counter.add(hashes, 5);
    expect(counter.duplicates).toBe(0);
  });
});

describe('full-record duplicates of a sampled dataset', () => {
  let all: GenerationResult;
  beforeAll(async () => {
    all = generate({ n: 50_000, seed: 1, scope: 'all', use_ipf: true, traits: false }, await shippedSnapshot());
  });

  it('counts from the record hashes exactly what a comparison of the NDJSON lines finds', () => {
    expect(all.duplicate_records).toBe(exactDuplicates(all.bytes));
  });

  it('falls below what the pools of ~30 uniform names gave (54 of 50,000 at seed 1, scope all, commit 05aac2d)', () => {
    expect(all.duplicate_records).toBeLessThan(54);
  });

  it('counts traits too: with traits on, the count still matches the lines', async () => {
    const withTraits = generate({ n: 5_000, seed: 3, scope: 'all', use_ipf: true, traits: true }, await shippedSnapshot());
    expect(withTraits.duplicate_records).toBe(exactDuplicates(withTraits.bytes));
  });
});
