/**
 * Persona ids: UUIDs (RFC 9562 version 8, "custom") derived from (seed, index), so the same run
 * gives the same ids and two personas of one dataset never share one.
 *
 * Layout: the last 32 bits are a bijective scramble of the index (murmur3's fmix32 applied to
 * index XOR a seed key; a bijection on 32-bit words, so distinct indexes give distinct ids); the
 * other 90 free bits are hashes of (seed, index). Version nibble 8, variant 10.
 */

/** murmur3 32-bit finaliser: a bijection on uint32 with full avalanche. */
function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(word: number): string {
  return HEX[(word >>> 24) & 0xff]! + HEX[(word >>> 16) & 0xff]! + HEX[(word >>> 8) & 0xff]! + HEX[word & 0xff]!;
}

/**
 * The id's four 32-bit words (the UUID's hex digits, in order), written into `into`. The sampler
 * writes them as hex straight into its output; `personaId` formats them.
 */
export function personaIdWords(seed: number, index: number, into: Uint32Array): void {
  const seedKey = fmix32(seed ^ 0x9e3779b9);
  const w0 = fmix32(seedKey ^ fmix32(index + 0x632be5ab));
  const w1 = fmix32(w0 ^ 0x85ebca77 ^ seedKey);
  const w2 = fmix32(w1 ^ 0xc2b2ae3d ^ index);
  into[0] = w0;
  into[1] = ((w1 & 0xffff0fff) | 0x00008000) >>> 0; // version 8
  into[2] = ((w2 & 0x3fffffff) | 0x80000000) >>> 0; // variant 10
  into[3] = fmix32((index ^ seedKey) >>> 0);
}

const scratch = new Uint32Array(4);

/**
 * @param seed - the run seed, 0..2^32-1
 * @param index - the persona's 0-based index, 0..2^32-1
 * @example personaId(42, 0) // => a fixed UUID with version nibble 8
 */
export function personaId(seed: number, index: number): string {
  personaIdWords(seed, index, scratch);
  const a = hex32(scratch[0]!);
  const b = hex32(scratch[1]!);
  const c = hex32(scratch[2]!);
  const d = hex32(scratch[3]!);
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}

/** Inverse of fmix32 (each step of the finaliser is invertible on uint32). */
function unfmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7ed1b41d); // modular inverse of 0xc2b2ae35
  h ^= (h >>> 13) ^ (h >>> 26);
  h = Math.imul(h, 0xa5cb9243); // modular inverse of 0x85ebca6b
  h ^= h >>> 16;
  return h >>> 0;
}

/** The index whose id ends in `lastWord` (the id's last 8 hex digits) in a run of `seed`. */
export function indexOfIdWord(seed: number, lastWord: number): number {
  const seedKey = fmix32(seed ^ 0x9e3779b9);
  return (unfmix32(lastWord) ^ seedKey) >>> 0;
}

function hexValue(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 48;
  if (byte >= 97 && byte <= 102) return byte - 87;
  return -1;
}

/**
 * Duplicate ids among the records of one shard, read back from the bytes written: each id's
 * last word is decoded to the index it stands for, which must lie in the shard's range
 * [startIndex, startIndex + count) and be seen once. Shards cover disjoint ranges, so the
 * dataset's duplicates are the sum over its shards. An id that does not decode (not hex) counts.
 *
 * @param idOffsets - the byte offset of each record's 36-character id in `bytes`
 */
export function countDuplicateIds(bytes: Uint8Array, idOffsets: Int32Array, count: number, seed: number, startIndex: number): number {
  const seen = new Uint8Array(count);
  let duplicates = 0;
  for (let j = 0; j < count; j += 1) {
    let word = 0;
    let valid = true;
    for (let at = idOffsets[j]! + 28, end = at + 8; at < end; at += 1) {
      const digit = hexValue(bytes[at]!);
      if (digit < 0) valid = false;
      word = ((word << 4) | digit) >>> 0;
    }
    const slot = valid ? indexOfIdWord(seed, word) - startIndex : -1;
    if (slot < 0 || slot >= count || seen[slot] === 1) duplicates += 1;
    else seen[slot] = 1;
  }
  return duplicates;
}
