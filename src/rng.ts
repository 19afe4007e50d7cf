/**
 * Seeded random streams. Every stream is derived from (seed, purpose, index), never from the
 * pool size or the wall clock, so the same request gives the same bytes on any number of workers.
 * Backed by seedrandom's Alea generator (fast, portable, deterministic across platforms).
 */
import seedrandom from 'seedrandom';

/** A source of uniform numbers in [0, 1). */
export interface Rng {
  next(): number;
}

/**
 * Creates the stream for one purpose of one run, e.g. `createRng(seed, 'shard', 3)` or
 * `createRng(seed, 'narrative', personaIndex)`.
 */
export function createRng(seed: number, purpose: string, index = 0): Rng {
  const generator = seedrandom.alea(`moldova-personas/${seed}/${purpose}/${index}`);
  return { next: () => generator() };
}

/** A uniform integer in [0, bound). */
export function nextInt(rng: Rng, bound: number): number {
  return Math.floor(rng.next() * bound);
}
