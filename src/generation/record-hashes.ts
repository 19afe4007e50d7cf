/**
 * Full-record duplicates (records identical to another record of the dataset, ignoring `id`,
 * `index` and the narrative). A record's bytes after its index are a function of the values the
 * sampler drew — key cell, exact age, name indexes, the language–religion and status keys,
 * traits — and every such tuple writes different bytes, so a 64-bit hash of the tuple stands for the bytes
 * (two 32-bit murmur3 lanes with different seeds; at 10⁶ records the chance of one false match is
 * about 10⁻⁷). Hashing the tuple costs ~20 ns a record; hashing the ~300 bytes would cost ten
 * times that in the sampler's hot loop. test/unit/generation/record-hashes.test.ts checks the
 * count against an exact comparison of the NDJSON lines.
 *
 * Shards return their hashes; the pool feeds them to one DuplicateRecordCounter in shard order
 * (an open-addressing table of 2 × 32-bit keys: ~9 bytes per slot, 19 MB at 10⁶ records).
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixLane(h: number, k: number): number {
  let x = Math.imul(k, C1);
  x = (x << 15) | (x >>> 17);
  x = Math.imul(x, C2);
  let y = h ^ x;
  y = (y << 13) | (y >>> 19);
  return (Math.imul(y, 5) + 0xe6546b64) | 0;
}

function finish(h: number, length: number): number {
  let x = h ^ length;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The 64-bit hash of a tuple of 32-bit integers, written at `out[2·slot]`, `out[2·slot + 1]`. */
export function hashRecordKey(key: readonly number[] | Int32Array, out: Uint32Array, slot: number): void {
  let a = 0x9747b28c;
  let b = 0x5bd1e995;
  for (let i = 0; i < key.length; i += 1) {
    a = mixLane(a, key[i]!);
    b = mixLane(b, key[i]! ^ 0x7f4a7c15);
  }
  out[2 * slot] = finish(a, key.length);
  out[2 * slot + 1] = finish(b, key.length + 0x51);
}

/** T-scores (one decimal) as one integer each, in the traits object's key order. */
interface TraitScores {
  readonly openness: number;
  readonly conscientiousness: number;
  readonly extraversion: number;
  readonly agreeableness: number;
  readonly neuroticism: number;
}

/**
 * The hash of one sampled record from what its bytes after the index are written from: the key
 * cell (sex, age group, region, district, residence, ethnicity), the exact age, the name indexes,
 * the language–religion key and the status key (persona-bytes.ts), and the traits if drawn.
 * Written as straight-line code (no scratch array): it runs once per persona.
 */
export function hashRecord(
  out: Uint32Array,
  slot: number,
  cell: number,
  age: number,
  given: number,
  family: number,
  languageReligion: number,
  status: number,
  traits: TraitScores | undefined,
): void {
  let a = mixLane(mixLane(mixLane(0x9747b28c, cell), age), given);
  a = mixLane(mixLane(mixLane(a, family), languageReligion), status);
  let b = mixLane(mixLane(mixLane(0x5bd1e995, cell ^ 0x7f4a7c15), age ^ 0x7f4a7c15), given ^ 0x7f4a7c15);
  b = mixLane(mixLane(mixLane(b, family ^ 0x7f4a7c15), languageReligion ^ 0x7f4a7c15), status ^ 0x7f4a7c15);
  let length = 6;
  if (traits) {
    const scores = [traits.openness, traits.conscientiousness, traits.extraversion, traits.agreeableness, traits.neuroticism];
    for (const score of scores) {
      const k = Math.round(score * 10);
      a = mixLane(a, k);
      b = mixLane(b, k ^ 0x7f4a7c15);
    }
    length = 11;
  }
  out[2 * slot] = finish(a, length);
  out[2 * slot + 1] = finish(b, length + 0x51);
}

/** Records that equal another record, counted over hashes fed in any order, shard by shard. */
export class DuplicateRecordCounter {
  #keys: Uint32Array;
  /** Per slot: 0 empty, 1 seen once, 2 seen more than once. */
  #state: Uint8Array;
  #mask: number;
  #size = 0;
  #duplicates = 0;

  /** `expected`: how many records will be added (sizes the table; it grows if exceeded). */
  constructor(expected: number) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.#keys = new Uint32Array(capacity * 2);
    this.#state = new Uint8Array(capacity);
    this.#mask = capacity - 1;
  }

  /** Adds `count` records' hashes (`hashes[2j]`, `hashes[2j + 1]`). */
  add(hashes: Uint32Array, count: number): void {
    for (let j = 0; j < count; j += 1) this.#addOne(hashes[2 * j]!, hashes[2 * j + 1]!);
  }

  #addOne(a: number, b: number): void {
    if (this.#size * 2 >= this.#state.length) this.#grow();
    let slot = (a ^ Math.imul(b, 0x9e3779b1)) & this.#mask;
    for (;;) {
      const state = this.#state[slot]!;
      if (state === 0) {
        this.#state[slot] = 1;
        this.#keys[2 * slot] = a;
        this.#keys[2 * slot + 1] = b;
        this.#size += 1;
        return;
      }
      if (this.#keys[2 * slot] === a && this.#keys[2 * slot + 1] === b) {
        // The first repeat makes both the first record and this one duplicates.
        this.#duplicates += state === 1 ? 2 : 1;
        this.#state[slot] = 2;
        return;
      }
      slot = (slot + 1) & this.#mask;
    }
  }

  #grow(): void {
    const keys = this.#keys;
    const state = this.#state;
    this.#keys = new Uint32Array(keys.length * 2);
    this.#state = new Uint8Array(state.length * 2);
    this.#mask = this.#state.length - 1;
    for (let slot = 0; slot < state.length; slot += 1) {
      if (state[slot] === 0) continue;
      let to = (keys[2 * slot]! ^ Math.imul(keys[2 * slot + 1]!, 0x9e3779b1)) & this.#mask;
      while (this.#state[to] !== 0) to = (to + 1) & this.#mask;
      this.#state[to] = state[slot]!;
      this.#keys[2 * to] = keys[2 * slot]!;
      this.#keys[2 * to + 1] = keys[2 * slot + 1]!;
    }
  }

  /** Records identical to at least one other record added so far. */
  get duplicates(): number {
    return this.#duplicates;
  }
}
