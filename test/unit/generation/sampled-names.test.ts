/**
 * The names a sampled dataset carries (n = 50,000, scope all): the 2024 newborn names among the
 * youngest, no cohort-typical names of the 1960s–80s among children, feminine family names.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Persona } from '../../../src/domain/persona.js';
import { generate } from '../../helpers/generation.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

let personas: Persona[];
beforeAll(async () => {
  const { bytes } = generate({ n: 50_000, seed: 1, scope: 'all', use_ipf: true, traits: false }, await shippedSnapshot());
  personas = new TextDecoder()
    .decode(bytes)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Persona);
});

/** The binomial envelope n·p ± 4.5 sd. */
function expectWithinEnvelope(observed: number, n: number, p: number): void {
  const sd = Math.sqrt(n * p * (1 - p));
  expect(observed).toBeGreaterThanOrEqual(n * p - 4.5 * sd);
  expect(observed).toBeLessThanOrEqual(n * p + 4.5 * sd);
}

describe('sampled names', () => {
  const youngest = (sex: 'female' | 'male') =>
    personas.filter((p) => p.sex === sex && p.age <= 1 && (p.ethnicity === 'moldovan' || p.ethnicity === 'romanian'));

  it('gives Moldovan and Romanian girls aged 0–1 Sofia at 830 of an estimated 10,838 births, and the top three at 1,917', () => {
    const girls = youngest('female');
    expect(girls.length).toBeGreaterThan(300);
    const births = (22_326 * 100) / 206;
    expectWithinEnvelope(girls.filter((p) => p.given_name === 'Sofia').length, girls.length, 830 / births);
    expectWithinEnvelope(girls.filter((p) => ['Sofia', 'Amelia', 'Eva'].includes(p.given_name)).length, girls.length, 1917 / births);
  });

  it('gives the boys aged 0–1 David, Matei and Mark at 1,972 of an estimated 11,488 births', () => {
    const boys = youngest('male');
    const births = (22_326 * 106) / 206;
    expectWithinEnvelope(boys.filter((p) => ['David', 'Matei', 'Mark'].includes(p.given_name)).length, boys.length, 1972 / births);
  });

  it('calls hardly a girl under 10 Svetlana, and no woman over 70 Amelia', () => {
    const girls = personas.filter((p) => p.sex === 'female' && p.age < 10);
    expect(girls.length).toBeGreaterThan(2000);
    expect(girls.filter((p) => p.given_name === 'Svetlana').length).toBeLessThanOrEqual(girls.length * 0.001);
    expect(personas.filter((p) => p.sex === 'female' && p.age > 70 && p.given_name === 'Amelia')).toEqual([]);
    // …while Svetlana is common among women born in 1965–1984.
    const women = personas.filter((p) => p.sex === 'female' && p.age >= 40 && p.age <= 59 && p.ethnicity === 'moldovan');
    expect(women.filter((p) => p.given_name === 'Svetlana').length).toBeGreaterThan(women.length * 0.02);
  });

  it('writes Russian and Bulgarian family names in the feminine for women and the masculine for men', () => {
    const slavic = personas.filter((p) => p.ethnicity === 'russian' || p.ethnicity === 'bulgarian');
    const women = slavic.filter((p) => p.sex === 'female');
    const men = slavic.filter((p) => p.sex === 'male');
    expect(women.some((p) => p.family_name.endsWith('ova'))).toBe(true);
    expect(women.filter((p) => /(ov|ev|in)$/.test(p.family_name))).toEqual([]);
    expect(men.filter((p) => /(ova|eva|ina)$/.test(p.family_name))).toEqual([]);
    // Gagauz -oglo names stay as they are for women.
    expect(personas.some((p) => p.ethnicity === 'gagauz' && p.sex === 'female' && p.family_name.endsWith('oglo'))).toBe(true);
  });
});
