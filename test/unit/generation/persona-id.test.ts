import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countDuplicateIds, idKeyOf, indexOfIdWord, personaId, type IdKey } from '../../../src/generation/persona-id.js';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const word = fc.integer({ min: 0, max: 0xffffffff });
const key = fc.tuple(word, word) as fc.Arbitrary<IdKey>;

describe('idKeyOf', () => {
  it('reads the first 64 bits of a config_hash as two words', () => {
    expect(idKeyOf(`sha256:0000002a80000001${'f'.repeat(48)}`)).toEqual([42, 0x80000001]);
  });

  it('refuses what is not a sha256 digest', () => {
    for (const bad of ['', 'sha256:abc', `md5:${'0'.repeat(64)}`, `sha256:${'G'.repeat(64)}`]) expect(() => idKeyOf(bad)).toThrow(/sha256/);
  });
});

describe('personaId', () => {
  it('is an RFC 9562 version-8 UUID with the 10 variant', () => {
    fc.assert(
      fc.property(key, word, (k, index) => {
        expect(personaId(k, index)).toMatch(UUID_V8);
      }),
    );
  });

  it('is deterministic in (key, index), and differs when either word of the key does', () => {
    expect(personaId([42, 1], 7)).toBe(personaId([42, 1], 7));
    expect(personaId([42, 1], 7)).not.toBe(personaId([43, 1], 7));
    expect(personaId([42, 1], 7)).not.toBe(personaId([42, 2], 7));
  });

  it('never repeats within a dataset of 200,000', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 200_000; index += 1) seen.add(personaId([12345, 678], index));
    expect(seen.size).toBe(200_000);
  });

  it('gives two datasets no id in common, even when their keys share a word (property)', () => {
    fc.assert(
      fc.property(key, word, (a, other) => {
        fc.pre(other !== a[1]);
        const b: IdKey = [a[0], other];
        const ids = new Set(Array.from({ length: 2_000 }, (_, index) => personaId(a, index)));
        for (let index = 0; index < 2_000; index += 1) expect(ids.has(personaId(b, index))).toBe(false);
      }),
      { numRuns: 20 },
    );
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
  it("recovers the index from the id's last 8 hex digits, for any key and index", () => {
    fc.assert(
      fc.property(key, word, (k, index) => {
        expect(indexOfIdWord(k, Number.parseInt(personaId(k, index).slice(-8), 16))).toBe(index);
      }),
    );
  });
});

describe('countDuplicateIds', () => {
  const k: IdKey = [1234, 99];
  const start = 16_384;
  const ids = Array.from({ length: 50 }, (_, j) => personaId(k, start + j));

  it('finds none in a shard written by the id scheme', () => {
    const { bytes, offsets } = linesOf(ids);
    expect(countDuplicateIds(bytes, offsets, ids.length, k, start)).toBe(0);
  });

  it('counts a repeated id, an id of another shard, an id of another dataset and a mangled id', () => {
    const repeated = [...ids];
    repeated[10] = ids[3]!;
    expect(countDuplicateIds(linesOf(repeated).bytes, linesOf(repeated).offsets, ids.length, k, start)).toBe(1);

    const outside = [...ids];
    outside[0] = personaId(k, start + ids.length);
    expect(countDuplicateIds(linesOf(outside).bytes, linesOf(outside).offsets, ids.length, k, start)).toBe(1);

    const otherDataset = ids.map((id, j) => (j < 5 ? personaId([k[0] + 1, k[1]], start + j) : id));
    expect(countDuplicateIds(linesOf(otherDataset).bytes, linesOf(otherDataset).offsets, ids.length, k, start)).toBeGreaterThanOrEqual(1);

    const mangled = [...ids];
    mangled[7] = `${ids[7]!.slice(0, 30)}zzzzzz`;
    expect(countDuplicateIds(linesOf(mangled).bytes, linesOf(mangled).offsets, ids.length, k, start)).toBe(1);
  });
});
