import { describe, expect, it } from 'vitest';
import { AGE_GROUP_CATEGORIES, ageGroupOf, DISTRICT_CATEGORIES, REGIONS } from '../../../src/domain/categories.js';

describe('categories', () => {
  it('lists the 35 enumerated units, each in a known region', () => {
    expect(DISTRICT_CATEGORIES).toHaveLength(35);
    for (const district of DISTRICT_CATEGORIES) expect(REGIONS).toContain(district.region);
    expect(new Set(DISTRICT_CATEGORIES.map((d) => d.code)).size).toBe(35);
  });

  it('puts every age 0..100 in exactly the band whose bounds contain it', () => {
    for (let age = 0; age <= 100; age += 1) {
      const group = AGE_GROUP_CATEGORIES.find((g) => g.code === ageGroupOf(age));
      expect(group && age >= group.min && age <= group.max).toBe(true);
    }
    expect(() => ageGroupOf(101)).toThrow(RangeError);
    expect(() => ageGroupOf(-1)).toThrow(RangeError);
  });
});
