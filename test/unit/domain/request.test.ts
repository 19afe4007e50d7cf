import { describe, expect, it } from 'vitest';
import { EffectiveRequestSchema, MAX_SEED, NARRATIVE_PROVIDERS, NARRATIVE_SOURCES } from '../../../src/domain/request.js';
import { PROFILE_DETAILS } from '../../../src/domain/profiles.js';
import { drawSeed, effectiveRequestOf } from '../../../src/runs/run-request.js';

const EFFECTIVE = { n: 10, profile: 'analysis_only', seed: 7, strict: false, scope: 'adults', use_ipf: true, traits: false, narratives: { provider: 'none' } };

describe('the request vocabulary', () => {
  it('narrative sources are the providers a request may name, less none', () => {
    expect([...NARRATIVE_SOURCES]).toEqual(NARRATIVE_PROVIDERS.filter((p) => p !== 'none'));
  });

  it('the effective request schema is strict and complete: an unknown or missing key is refused', () => {
    expect(EffectiveRequestSchema.parse(EFFECTIVE)).toEqual(EFFECTIVE);
    expect(EffectiveRequestSchema.safeParse({ ...EFFECTIVE, extra: 1 }).success).toBe(false);
    const { traits: _traits, ...withoutTraits } = EFFECTIVE;
    expect(EffectiveRequestSchema.safeParse(withoutTraits).success).toBe(false);
    expect(EffectiveRequestSchema.safeParse({ ...EFFECTIVE, narratives: { provider: 'gpt' } }).success).toBe(false);
  });

  it('the defaults of every profile produce a request the schema accepts', () => {
    for (const profile of Object.keys(PROFILE_DETAILS) as (keyof typeof PROFILE_DETAILS)[]) {
      const effective = effectiveRequestOf({ n: 5, profile }, MAX_SEED);
      expect(EffectiveRequestSchema.parse(effective)).toEqual(effective);
      expect(effective.strict).toBe(PROFILE_DETAILS[profile].strict_default);
      expect(effective.narratives.provider).toBe(PROFILE_DETAILS[profile].narratives_default);
    }
  });

  it('a drawn seed is an integer in 0..2^32-1', () => {
    for (let i = 0; i < 200; i += 1) {
      const seed = drawSeed();
      expect(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED).toBe(true);
    }
  });
});
