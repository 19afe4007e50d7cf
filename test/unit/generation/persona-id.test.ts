import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { personaId } from '../../../src/generation/persona-id.js';

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
