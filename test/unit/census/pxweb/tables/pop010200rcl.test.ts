import { describe, expect, it } from 'vitest';
import { POP010200RCL } from '../../../../../src/census/pxweb/tables/pop010200rcl.js';
import type { PxwebMetadata } from '../../../../../src/census/pxweb/pxweb-schemas.js';

const AGE_CODES = ['0', '101', ...Array.from({ length: 84 }, (_, i) => String(i + 1)), '102'];

function metadata(overrides: { sexTexts?: string[]; sexCodes?: string[]; ageTexts?: string[]; areaTexts?: string[]; drop?: string } = {}): PxwebMetadata {
  const variables = [
    { code: 'Ani', text: 'Ani', values: ['2023', '2024', '2025'], valueTexts: ['2023', '2024', '2025'], time: true },
    { code: 'Sexe', text: 'Sexe', values: overrides.sexCodes ?? ['0', '1', '2'], valueTexts: overrides.sexTexts ?? ['Total', 'Masculin', 'Feminin'] },
    {
      code: 'Varste',
      text: 'Varste',
      values: AGE_CODES,
      valueTexts: overrides.ageTexts ?? ['Total', 'sub 1 an', '1 an', ...Array.from({ length: 83 }, (_, i) => `${i + 2} ani`), '85 ani și peste'],
    },
    { code: 'Medii', text: 'Medii', values: ['0', '1', '2'], valueTexts: overrides.areaTexts ?? ['Total', 'Urban', 'Rural'] },
  ];
  return { title: 'Populatia', variables: variables.filter((v) => v.code !== overrides.drop) };
}

const selection = (plan: ReturnType<typeof POP010200RCL.planQuery>, code: string): readonly string[] =>
  plan.body.query.find((q) => q.code === code)?.selection.values ?? [];
const mapOf = (plan: ReturnType<typeof POP010200RCL.planQuery>, code: string): ReadonlyMap<string, string> =>
  plan.dimensions.find((d) => d.code === code)?.categories ?? new Map();

describe('POP010200rcl planQuery', () => {
  it('maps codes by their labels: 101 is age 0 and 102 is 85+, never the numbers', () => {
    const plan = POP010200RCL.planQuery(metadata());
    const ages = mapOf(plan, 'Varste');
    expect(ages.get('101')).toBe('0');
    expect(ages.get('102')).toBe('85+');
    expect(ages.get('84')).toBe('84');
    expect(ages.has('0')).toBe(false); // code 0 is the total
    expect(mapOf(plan, 'Sexe')).toEqual(new Map([['2', 'female'], ['1', 'male']]));
    expect(plan.notes).toEqual([]);
  });

  it('queries the latest year and only category codes', () => {
    const plan = POP010200RCL.planQuery(metadata());
    expect(selection(plan, 'Ani')).toEqual(['2025']);
    expect(plan.reference_date).toBe('2025-01-01');
    expect(selection(plan, 'Sexe')).not.toContain('0');
    expect(selection(plan, 'Medii')).not.toContain('0');
    expect(selection(plan, 'Varste')).toHaveLength(86);
    expect(selection(plan, 'Varste')).not.toContain('0');
  });

  it('reads English labels too', () => {
    const plan = POP010200RCL.planQuery(
      metadata({
        sexTexts: ['Total', 'Males', 'Females'],
        ageTexts: ['Total', 'under 1 year', '1 year', ...Array.from({ length: 83 }, (_, i) => `${i + 2} years`), '85 years and over'],
        areaTexts: ['Total', 'Urban', 'Rural'],
      }),
    );
    expect(mapOf(plan, 'Varste').get('101')).toBe('0');
    expect(mapOf(plan, 'Sexe').get('2')).toBe('female');
  });

  it('follows the labels when the codes differ from the old assumption', () => {
    const plan = POP010200RCL.planQuery(metadata({ sexCodes: ['0', 'F', 'M'], sexTexts: ['Total', 'Feminin', 'Masculin'] }));
    expect(mapOf(plan, 'Sexe')).toEqual(new Map([['F', 'female'], ['M', 'male']]));
  });

  it('falls back to the documented code assumption for placeholder labels, and says so', () => {
    const plan = POP010200RCL.planQuery(metadata({ sexTexts: ['...', '...', '...'] }));
    expect(mapOf(plan, 'Sexe')).toEqual(new Map([['2', 'female'], ['1', 'male']]));
    expect(plan.notes).toEqual([expect.stringMatching(/Sexe labels were not recognised.*1 = male, 2 = female.*unverified/)]);
  });

  it.each([
    ['a missing variable', metadata({ drop: 'Medii' }), /no variable 'Medii'/],
    ['an unknown sex label next to known ones', metadata({ sexTexts: ['Total', 'Masculin', 'Altul'] }), /Sexe: cannot map values/],
    ['unknown codes under placeholder labels', metadata({ sexCodes: ['0', 'M', 'F'], sexTexts: ['...', '...', '...'] }), /Sexe: unknown value code 'M'/],
  ])('reports %s as schema drift', (_name, meta, message) => {
    expect(() => POP010200RCL.planQuery(meta)).toThrow(expect.objectContaining({ code: 'PXWEB_SCHEMA_DRIFT', message: expect.stringMatching(message) }));
  });
});
