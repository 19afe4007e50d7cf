/**
 * Issue 13's demographer checks on a generated dataset (n = 50,000, scope all): the modelled
 * structure by exact age and the usual language by place, read from the NDJSON records.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Persona } from '../../../src/domain/persona.js';
import { generate } from '../../helpers/generation.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

let people: Persona[] = [];
beforeAll(async () => {
  const { bytes } = generate({ n: 50_000, seed: 13, scope: 'all', use_ipf: true, traits: false }, await shippedSnapshot());
  people = new TextDecoder()
    .decode(bytes)
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Persona);
}, 120_000);

const shareOf = (among: (p: Persona) => boolean, test: (p: Persona) => boolean) => {
  const group = people.filter(among);
  return { share: group.filter(test).length / group.length, n: group.length };
};

describe('modelled structure a demographer would sign (n = 50,000)', () => {
  it('gives at most 2% of 20-year-olds a degree and none below 20', () => {
    expect(shareOf((p) => p.age === 20, (p) => p.education_level === 'tertiary').share).toBeLessThanOrEqual(0.02);
    expect(people.filter((p) => p.age < 20 && p.education_level === 'tertiary')).toHaveLength(0);
    // Degrees come in from 21 on: by 25–29 a quarter or more hold one.
    expect(shareOf((p) => p.age >= 25 && p.age <= 29, (p) => p.education_level === 'tertiary').share).toBeGreaterThan(0.25);
  });

  it('has 12–13-year-olds finished with primary school, not without schooling', () => {
    expect(shareOf((p) => p.age === 12 || p.age === 13, (p) => p.education_level === 'primary').share).toBeGreaterThan(0.97);
  });

  it('marries nobody under 16 and at most 0.5% of 16–17-year-olds', () => {
    const married = (p: Persona) => p.marital_status !== null && p.marital_status !== 'never_married';
    expect(people.filter((p) => p.age < 16 && married(p))).toHaveLength(0);
    expect(shareOf((p) => p.age === 16 || p.age === 17, married).share).toBeLessThanOrEqual(0.005);
  });

  it('has most of UTA Găgăuzia usually speak Russian or Gagauz, few Moldovan or Romanian', () => {
    const inGagauzia = (p: Persona) => p.district === 'gagauzia';
    expect(shareOf(inGagauzia, (p) => p.language_usually_spoken === 'russian' || p.language_usually_spoken === 'gagauz').share).toBeGreaterThan(0.75);
    expect(shareOf(inGagauzia, (p) => p.language_usually_spoken === 'moldovan' || p.language_usually_spoken === 'romanian').share).toBeLessThan(0.15);
  });
});
