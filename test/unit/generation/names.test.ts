import { describe, expect, it } from 'vitest';
import { ETHNICITIES } from '../../../src/domain/categories.js';
import { GIVEN_NAMES_BY_SEX, familyNameFor, feminineFamilyName, namesFor } from '../../../src/generation/names.js';

describe('names', () => {
  it('gives Slavic and Bulgarian family names their feminine form', () => {
    expect(feminineFamilyName('Ivanov')).toBe('Ivanova');
    expect(feminineFamilyName('Vasiliev')).toBe('Vasilieva');
    expect(feminineFamilyName('Nikitin')).toBe('Nikitina');
    expect(feminineFamilyName('Zelinski')).toBe('Zelinskaia');
    expect(familyNameFor('Petrov', 'female', 'bulgarian')).toBe('Petrova');
    expect(familyNameFor('Petrov', 'male', 'bulgarian')).toBe('Petrov');
  });

  it('leaves Romanian, Ukrainian -enco and Gagauz family names unchanged for women', () => {
    expect(familyNameFor('Ciobanu', 'female', 'moldovan')).toBe('Ciobanu');
    expect(familyNameFor('Covalenco', 'female', 'ukrainian')).toBe('Covalenco');
    expect(familyNameFor('Topal', 'female', 'gagauz')).toBe('Topal');
  });

  it('never lists one given name for both sexes, and every ethnicity has names', () => {
    for (const name of GIVEN_NAMES_BY_SEX.female) expect(GIVEN_NAMES_BY_SEX.male.has(name)).toBe(false);
    for (const ethnicity of ETHNICITIES) {
      const list = namesFor(ethnicity);
      expect(list.female.length).toBeGreaterThan(5);
      expect(list.male.length).toBeGreaterThan(5);
      expect(list.family.length).toBeGreaterThan(5);
    }
  });
});
