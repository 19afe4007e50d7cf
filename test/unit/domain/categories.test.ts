import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AGE_GROUP_CATEGORIES,
  ageGroupOf,
  CATEGORICAL_FIELDS,
  DISTRICT_CATEGORIES,
  DISTRICT_REGION_INDEX,
  FIELD_CATEGORIES,
  FIELD_CODES,
  LANGUAGES,
  REGION_OF_DISTRICT,
  REGIONS,
} from '../../../src/domain/categories.js';
import { COMPARED_FIELDS } from '../../../src/domain/fields.js';
import { PersonaSchema } from '../../../src/domain/persona.js';
import { referenceDir } from '../../helpers/census.js';

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

describe('the field → categories record', () => {
  it('covers exactly the compared persona fields, in record order, with the same codes as the enum arrays', () => {
    expect(CATEGORICAL_FIELDS).toEqual([...COMPARED_FIELDS]);
    expect(FIELD_CODES.sex).toEqual(['female', 'male']);
    expect(FIELD_CODES.mother_tongue).toEqual([...LANGUAGES]);
    expect(FIELD_CODES.language_usually_spoken).toEqual([...LANGUAGES]);
    for (const field of CATEGORICAL_FIELDS) {
      expect(FIELD_CODES[field]).toEqual(FIELD_CATEGORIES[field].map((c) => c.code));
      expect(new Set(FIELD_CODES[field]).size).toBe(FIELD_CODES[field].length);
    }
  });

  it('has every categorical field of the persona schema, and only those', () => {
    const enumFields = Object.entries(PersonaSchema.shape)
      .filter(([, schema]) => {
        // a field is categorical when its own values are an enum (nullable: one branch of anyOf)
        const json = z.toJSONSchema(schema) as { enum?: unknown; anyOf?: { enum?: unknown }[] };
        return json.enum !== undefined || (json.anyOf ?? []).some((branch) => branch.enum !== undefined);
      })
      .map(([field]) => field);
    expect(enumFields.sort()).toEqual([...CATEGORICAL_FIELDS].sort());
  });
});

describe('the district → region index', () => {
  it('agrees by code and by index, and follows the NBS grouping (mun. Chișinău alone, UTA Găgăuzia alone, Taraclia in Sud)', () => {
    DISTRICT_CATEGORIES.forEach((district, d) => {
      expect(REGIONS[DISTRICT_REGION_INDEX[d]!]).toBe(district.region);
      expect(REGION_OF_DISTRICT[district.code]).toBe(district.region);
    });
    expect(REGION_OF_DISTRICT.taraclia).toBe('sud');
    expect(REGION_OF_DISTRICT.balti).toBe('nord');
    expect(DISTRICT_CATEGORIES.filter((d) => d.region === 'chisinau').map((d) => d.code)).toEqual(['chisinau']);
    expect(DISTRICT_CATEGORIES.filter((d) => d.region === 'gagauzia').map((d) => d.code)).toEqual(['gagauzia']);
    // NBS: 11 raions + mun. Bălți in Nord, 13 in Centru, 8 in Sud
    expect(DISTRICT_REGION_INDEX.filter((g) => g === 1)).toHaveLength(12);
    expect(DISTRICT_REGION_INDEX.filter((g) => g === 2)).toHaveLength(13);
    expect(DISTRICT_REGION_INDEX.filter((g) => g === 3)).toHaveLength(8);
  });

  it('places every unit in the development region the census geography (test/reference) lists it under', () => {
    const geography = JSON.parse(readFileSync(join(referenceDir(), 'census', 'geography_development_regions.json'), 'utf8')) as {
      values: Record<string, string[]>;
    };
    const regionCode: Record<string, string> = {
      'Mun. Chișinău': 'chisinau',
      Nord: 'nord',
      Centru: 'centru',
      Sud: 'sud',
      'UTA Găgăuzia': 'gagauzia',
    };
    for (const [d, district] of DISTRICT_CATEGORIES.entries()) {
      const listedUnder = Object.keys(geography.values).find((name) => geography.values[name]!.includes(district.label_ro));
      const region = listedUnder === undefined ? undefined : regionCode[listedUnder];
      expect({ district: district.code, region: REGION_OF_DISTRICT[district.code] }).toEqual({ district: district.code, region });
      expect({ district: district.code, region: REGIONS[DISTRICT_REGION_INDEX[d]!] }).toEqual({ district: district.code, region });
    }
  });
});
