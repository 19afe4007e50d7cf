import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countDuplicateIds, indexOfIdWord, personaId } from '../../../src/generation/persona-id.js';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('personaId', () => {
  it('is an RFC 9562 version-8 UUID with the 10 variant', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (seed, index) => {
        expect(personaId(seed, index)).toMatch(UUID_V8);
      }),
    );
  });

  it('is deterministic in (seed, index) and differs across seeds', () => {
    expect(personaId(42, 7)).toBe(personaId(42, 7));
    expect(personaId(42, 7)).not.toBe(personaId(43, 7));
  });

  it('never repeats within a dataset of 200,000', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 200_000; index += 1) seen.add(personaId(12345, index));
    expect(seen.size).toBe(200_000);
  });
});

/** NDJSON-like bytes of the given ids (one `{"id":"…"}` line each) and each id's offset. */
function linesOf(ids: readonly string[]): { bytes: Uint8Array; offsets: Int32Array } {
  const offsets = new Int32Array(ids.length);
  let text = '';
  ids.forEach((id, j) => {
    offsets[j] = text.length + '{"id":"'.length;
    text += `{"id":"${id}"}\n`;
  });
  return { bytes: new TextEncoder().encode(text), offsets };
}

describe('indexOfIdWord', () => {
  it('recovers the index from the id\'s last 8 hex digits, for any seed and index', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (seed, index) => {
        expect(indexOfIdWord(seed, Number.parseInt(personaId(seed, index).slice(-8), 16))).toBe(index);
      }),
    );
  });
});

describe('countDuplicateIds', () => {
  const seed = 1234;
  const start = 16_384;
  const ids = Array.from({ length: 50 }, (_, j) => personaId(seed, start + j));

  it('finds none in a shard written by the id scheme', () => {
    const { bytes, offsets } = linesOf(ids);
    expect(countDuplicateIds(bytes, offsets, ids.length, seed, start)).toBe(0);
  });

  it('counts a repeated id, an id of another shard, an id of another seed and a mangled id', () => {
    const repeated = [...ids];
    repeated[10] = ids[3]!;
    expect(countDuplicateIds(linesOf(repeated).bytes, linesOf(repeated).offsets, ids.length, seed, start)).toBe(1);

    const outside = [...ids];
    outside[0] = personaId(seed, start + ids.length);
    expect(countDuplicateIds(linesOf(outside).bytes, linesOf(outside).offsets, ids.length, seed, start)).toBe(1);

    const otherSeed = ids.map((id, j) => (j < 5 ? personaId(seed + 1, start + j) : id));
    expect(countDuplicateIds(linesOf(otherSeed).bytes, linesOf(otherSeed).offsets, ids.length, seed, start)).toBeGreaterThanOrEqual(1);

    const mangled = [...ids];
    mangled[7] = `${ids[7]!.slice(0, 30)}zzzzzz`;
    expect(countDuplicateIds(linesOf(mangled).bytes, linesOf(mangled).offsets, ids.length, seed, start)).toBe(1);
  });
});

