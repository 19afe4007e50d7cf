/**
 * A run's condition (`where`, issue 15): the sub-population it is drawn from. Lists of codes are
 * "any of" within a field and "all of" across fields; `age` is an inclusive range. Every field is
 * a dimension of the key joint (region through its districts), so a condition is a mask on the
 * joint's cells, and the run draws exactly n people from the joint restricted to it.
 */
import { z } from 'zod';
import { DISTRICT_CATEGORIES, FIELD_CODES, MAX_AGE, type CodeOf } from './categories.js';

/** The fields a condition may name besides age, in the order they are reported. */
export const WHERE_FIELDS = ['region', 'district', 'residence', 'sex', 'ethnicity'] as const;
export type WhereField = (typeof WHERE_FIELDS)[number];

const codeList = <F extends WhereField>(field: F) =>
  z
    .array(z.enum(FIELD_CODES[field] as unknown as readonly [CodeOf<F>, ...CodeOf<F>[]]))
    .min(1)
    .max(FIELD_CODES[field].length * 2)
    .describe(`Any of these ${field} codes (GET /v1/schema/labels lists them).`);

export const WhereSchema = z
  .strictObject({
    region: codeList('region').optional(),
    district: codeList('district').optional(),
    residence: codeList('residence').optional(),
    sex: codeList('sex').optional(),
    ethnicity: codeList('ethnicity').optional(),
    age: z
      .strictObject({
        min: z.number().int().min(0).max(MAX_AGE).optional(),
        max: z.number().int().min(0).max(MAX_AGE).optional(),
      })
      .refine((age) => age.min === undefined || age.max === undefined || age.min <= age.max, { message: 'min must not exceed max', path: ['min'] })
      .optional()
      .describe(`Ages min..max, inclusive (0..${MAX_AGE}).`),
  })
  .refine((where) => Object.keys(where).length > 0, { message: 'name at least one field, or leave where out' })
  .meta({
    id: 'RunCondition',
    description:
      'The sub-population to draw from: any of the listed codes within a field, all fields at once. The run has exactly n people, all matching, drawn from the calibrated joint restricted to the condition.',
  });
export type Where = z.infer<typeof WhereSchema>;

/**
 * The condition in one canonical form (codes deduplicated in category order, a full age range
 * dropped), so two spellings of one condition give one config_hash and one dataset. Null when
 * nothing is left (the condition is the whole population).
 */
export function canonicalWhere(where: Where): Where | null {
  const out: Record<string, unknown> = {};
  for (const field of WHERE_FIELDS) {
    const codes = where[field] as readonly string[] | undefined;
    if (codes === undefined) continue;
    const chosen = new Set(codes);
    out[field] = (FIELD_CODES[field] as readonly string[]).filter((code) => chosen.has(code));
  }
  const min = where.age?.min ?? 0;
  const max = where.age?.max ?? MAX_AGE;
  if (min > 0 || max < MAX_AGE) out['age'] = { min, max };
  return Object.keys(out).length > 0 ? (out as Where) : null;
}

/** The condition in words, for messages and derivations: `region gagauzia; age 18-35`. */
export function describeWhere(where: Where): string {
  const parts = WHERE_FIELDS.flatMap((field) => (where[field] ? [`${field} ${(where[field] as readonly string[]).join('|')}`] : []));
  if (where.age) parts.push(`age ${where.age.min ?? 0}-${where.age.max ?? MAX_AGE}`);
  return parts.join('; ');
}

/**
 * Whether a condition is empty whatever the census says: no district lies in the listed regions
 * and districts, or the ages lie below the scope's youngest age. Checked before a run is
 * accepted; a condition empty only in the data (no census mass) is found when it is planned.
 */
export function structurallyEmpty(where: Where, minAge: number): boolean {
  return districtsOf(where).length === 0 || (where.age?.max ?? MAX_AGE) < minAge;
}

/** The district codes a condition keeps: those in its regions and its districts (all when it names neither). */
export function districtsOf(where: Where): string[] {
  const regions = where.region as readonly string[] | undefined;
  const districts = where.district as readonly string[] | undefined;
  return DISTRICT_CATEGORIES.filter((d) => (regions === undefined || regions.includes(d.region)) && (districts === undefined || districts.includes(d.code))).map((d) => d.code);
}
