import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DISTRICT_CATEGORIES, FIELD_CODES } from '../../../src/domain/categories.js';
import { PERSONA_FIELDS, PersonaSchema } from '../../../src/domain/persona.js';
import { GIVEN_NAMES_BY_SEX } from '../../../src/generation/names.js';
import {
  CLOSE,
  INDEX,
  NAME_FRAGMENTS,
  NARRATIVE,
  OPEN_ID,
  SEX_AGE,
  TRAITS,
  cellTail,
  languageReligion,
  statusFragment,
} from '../../../src/generation/persona-bytes.js';
import { cellAt } from '../../helpers/key-cells.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const text = (bytes: Uint8Array) => decoder.decode(bytes);
/** Parses fragments that each start with `,"key":` as the members of one object. */
const members = (...fragments: Uint8Array[]) => JSON.parse(`{"_":0${fragments.map(text).join('')}}`) as Record<string, unknown>;
const optional = (codes: readonly string[], index: number) => (index < 0 ? null : codes[index]);

const cellArbitrary = fc.record({
  district: fc.nat(34),
  residence: fc.nat(1),
  sex: fc.nat(1),
  ethnicity: fc.nat(8),
  age: fc.nat(85),
});
/** The fragment of the fields a key cell fixes, for that cell (memoised per cell index). */
function tailOf(at: { district: number; residence: number; sex: number; ethnicity: number; age: number }): Uint8Array {
  const region = FIELD_CODES.region.indexOf(DISTRICT_CATEGORIES[at.district]!.region);
  const group = Math.min(17, Math.floor(at.age / 5));
  return cellTail(cellAt(at), group, region, at.district, at.residence, at.ethnicity);
}

describe('the pre-encoded record', () => {
  it("writes a whole line of valid JSON in the persona schema's key order", () => {
    const names = NAME_FRAGMENTS[FIELD_CODES.ethnicity.indexOf('gagauz')]![FIELD_CODES.sex.indexOf('female')]!;
    const at = { district: DISTRICT_CATEGORIES.findIndex((d) => d.code === 'gagauzia'), residence: 1, sex: 0, ethnicity: 4, age: 33 };
    const parts = [
      OPEN_ID,
      encoder.encode('0b6b3a5e-8a2c-4f5e-9d1a-3c2b1a0f9e8d'),
      INDEX,
      encoder.encode('7'),
      names.given[0]!.bytes,
      names.family[0]!.bytes,
      SEX_AGE[0]!,
      encoder.encode('33'),
      tailOf(at),
      languageReligion(FIELD_CODES.mother_tongue.indexOf('gagauz'), FIELD_CODES.mother_tongue.indexOf('russian'), FIELD_CODES.religion.indexOf('orthodox')),
      statusFragment(1, 5, 0, -1, 3),
      CLOSE,
    ];
    const line = parts.map(text).join('');
    expect(line.endsWith('}\n')).toBe(true);
    const record = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(record)).toEqual(PERSONA_FIELDS.filter((field) => field !== 'traits' && field !== 'narrative'));
    expect(record).toEqual({
      id: '0b6b3a5e-8a2c-4f5e-9d1a-3c2b1a0f9e8d',
      index: 7,
      given_name: names.given[0]!.name,
      family_name: names.family[0]!.name,
      sex: 'female',
      age: 33,
      age_group: '30-34',
      region: 'gagauzia',
      district: 'gagauzia',
      residence: 'rural',
      ethnicity: 'gagauz',
      mother_tongue: 'gagauz',
      language_usually_spoken: 'russian',
      religion: 'orthodox',
      marital_status: 'married',
      education_level: 'tertiary',
      employment_status: 'employed',
      inactivity_reason: null,
      economic_sector: 'services',
    });
    expect(PersonaSchema.safeParse(record).success).toBe(true);
  });

  it('opens the traits and narrative members where the schema puts them', () => {
    expect(members(TRAITS, encoder.encode('{"openness":50}'), NARRATIVE, encoder.encode('{"text":"x"}'))).toEqual({
      _: 0,
      traits: { openness: 50 },
      narrative: { text: 'x' },
    });
  });

  it('encodes each sex before the age digits', () => {
    FIELD_CODES.sex.forEach((sex, s) => expect(members(SEX_AGE[s]!, encoder.encode('5'))).toEqual({ _: 0, sex, age: 5 }));
  });
});

describe('cellTail', () => {
  it("holds the age group, region, district, residence and ethnicity of the cell, made once per cell (property)", () => {
    fc.assert(
      fc.property(cellArbitrary, (at) => {
        const tail = tailOf(at);
        expect(tailOf(at)).toBe(tail);
        expect(members(tail)).toEqual({
          _: 0,
          age_group: FIELD_CODES.age_group[Math.min(17, Math.floor(at.age / 5))],
          region: DISTRICT_CATEGORIES[at.district]!.region,
          district: DISTRICT_CATEGORIES[at.district]!.code,
          residence: FIELD_CODES.residence[at.residence],
          ethnicity: FIELD_CODES.ethnicity[at.ethnicity],
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('languageReligion', () => {
  it('holds mother tongue, usual language and religion for every combination, made once (property)', () => {
    fc.assert(
      fc.property(fc.nat(FIELD_CODES.mother_tongue.length - 1), fc.nat(FIELD_CODES.mother_tongue.length - 1), fc.nat(FIELD_CODES.religion.length - 1), (m, u, r) => {
        const fragment = languageReligion(m, u, r);
        expect(languageReligion(m, u, r)).toBe(fragment);
        expect(members(fragment)).toEqual({ _: 0, mother_tongue: FIELD_CODES.mother_tongue[m], language_usually_spoken: FIELD_CODES.mother_tongue[u], religion: FIELD_CODES.religion[r] });
      }),
      { numRuns: 300 },
    );
  });
});

describe('statusFragment', () => {
  it('holds the five statuses, -1 as null, a distinct fragment per combination (property)', () => {
    const index = (codes: readonly string[]) => fc.integer({ min: -1, max: codes.length - 1 });
    fc.assert(
      fc.property(
        index(FIELD_CODES.marital_status),
        index(FIELD_CODES.education_level),
        index(FIELD_CODES.employment_status),
        index(FIELD_CODES.inactivity_reason),
        index(FIELD_CODES.economic_sector),
        (marital, education, employment, inactivity, sector) => {
          const fragment = statusFragment(marital, education, employment, inactivity, sector);
          expect(statusFragment(marital, education, employment, inactivity, sector)).toBe(fragment);
          expect(members(fragment)).toEqual({
            _: 0,
            marital_status: optional(FIELD_CODES.marital_status, marital),
            education_level: optional(FIELD_CODES.education_level, education),
            employment_status: optional(FIELD_CODES.employment_status, employment),
            inactivity_reason: optional(FIELD_CODES.inactivity_reason, inactivity),
            economic_sector: optional(FIELD_CODES.economic_sector, sector),
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('writes a child as five nulls', () => {
    expect(text(statusFragment(-1, -1, -1, -1, -1))).toBe(
      ',"marital_status":null,"education_level":null,"employment_status":null,"inactivity_reason":null,"economic_sector":null',
    );
  });
});

describe('NAME_FRAGMENTS', () => {
  it('pre-encodes, per ethnicity and sex, names of that sex, each fragment its own name', () => {
    expect(NAME_FRAGMENTS).toHaveLength(FIELD_CODES.ethnicity.length);
    NAME_FRAGMENTS.forEach((bySex, e) => {
      expect(bySex).toHaveLength(FIELD_CODES.sex.length);
      bySex.forEach(({ given, family }, s) => {
        expect(given.length).toBeGreaterThan(0);
        expect(family.length).toBeGreaterThan(0);
        for (const name of given) {
          expect(members(name.bytes)).toEqual({ _: 0, given_name: name.name });
          expect({ ethnicity: FIELD_CODES.ethnicity[e], name: name.name, sex: GIVEN_NAMES_BY_SEX[FIELD_CODES.sex[s]!].has(name.name) }).toEqual({
            ethnicity: FIELD_CODES.ethnicity[e],
            name: name.name,
            sex: true,
          });
        }
        for (const name of family) expect(members(name.bytes)).toEqual({ _: 0, family_name: name.name });
      });
    });
  });
});
