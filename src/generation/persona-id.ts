/**
 * Persona ids: UUIDs (RFC 9562 version 8, "custom") derived from the dataset's key and the
 * persona's index, so the same request gives the same ids, two personas of one dataset never
 * share one, and two different datasets (another request, snapshot or generator version; same
 * seed or not) share none.
 *
 * The key is 64 bits of the run's `config_hash` (`idKeyOf`), which covers the effective request,
 * the snapshot hash and the generator version. Layout: the last 32 bits are a bijective scramble
 * of the index (murmur3's fmix32 applied to index XOR a key word; a bijection on 32-bit words, so
 * distinct indexes give distinct ids); the other 90 free bits are hashes of (key, index). Version
 * nibble 8, variant 10.
 */

/** The dataset's id key: two 32-bit words. */
export type IdKey = readonly [number, number];

/** The id key of a dataset: the first 64 bits of its `config_hash` (`sha256:<hex>`). */
export function idKeyOf(configHash: string): IdKey {
  const hex = /^sha256:([0-9a-f]{64})$/.exec(configHash)?.[1];
  if (!hex) throw new Error(`idKeyOf: not a sha256 digest: ${configHash.slice(0, 80)}`);
  return [Number.parseInt(hex.slice(0, 8), 16), Number.parseInt(hex.slice(8, 16), 16)];
}

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

/** The scramble key of the index (the last word), from the key's first word. */
const indexKey = (key: IdKey): number => fmix32(key[0] ^ 0x9e3779b9);

/**
 * The id's four 32-bit words (the UUID's hex digits, in order), written into `into`. The sampler
 * writes them as hex straight into its output; `personaId` formats them.
 */
export function personaIdWords(key: IdKey, index: number, into: Uint32Array): void {
  const k0 = indexKey(key);
  const k1 = fmix32(key[1] ^ 0x7f4a7c15);
  const w0 = fmix32(k0 ^ k1 ^ fmix32(index + 0x632be5ab));
  const w1 = fmix32(w0 ^ 0x85ebca77 ^ k0);
  const w2 = fmix32(w1 ^ 0xc2b2ae3d ^ index ^ k1);
  into[0] = w0;
  into[1] = ((w1 & 0xffff0fff) | 0x00008000) >>> 0; // version 8
  into[2] = ((w2 & 0x3fffffff) | 0x80000000) >>> 0; // variant 10
  into[3] = fmix32((index ^ k0) >>> 0);
}

const scratch = new Uint32Array(4);

/**
 * @param key - the dataset's id key (`idKeyOf(config_hash)`)
 * @param index - the persona's 0-based index, 0..2^32-1
 * @example personaId(idKeyOf(payload.config_hash), 0) // => the first persona's id, version nibble 8
 */
export function personaId(key: IdKey, index: number): string {
  personaIdWords(key, index, scratch);
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

/** The index whose id ends in `lastWord` (the id's last 8 hex digits) in the dataset of `key`. */
export function indexOfIdWord(key: IdKey, lastWord: number): number {
  return (unfmix32(lastWord) ^ indexKey(key)) >>> 0;
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
export function countDuplicateIds(bytes: Uint8Array, idOffsets: Int32Array, count: number, key: IdKey, startIndex: number): number {
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
    const slot = valid ? indexOfIdWord(key, word) - startIndex : -1;
    if (slot < 0 || slot >= count || seen[slot] === 1) duplicates += 1;
    else seen[slot] = 1;
  }
  return duplicates;
}
