/**
 * `GET /v1/schema/labels`: the Romanian display label of every code of every categorical persona
 * field, keyed by field name in persona-record order, codes in catalogue order. Fields that share
 * a category (`mother_tongue`, `language_usually_spoken`) each get the full list, so a caller can
 * look up `labels[field]` for any field without knowing how categories are shared.
 */
import { z } from 'zod';
import {
  AGE_GROUP_CATEGORIES,
  AGE_GROUPS,
  DISTRICT_CATEGORIES,
  DISTRICTS,
  ECONOMIC_SECTOR_CATEGORIES,
  ECONOMIC_SECTORS,
  EDUCATION_LEVEL_CATEGORIES,
  EDUCATION_LEVELS,
  EMPLOYMENT_STATUS_CATEGORIES,
  EMPLOYMENT_STATUSES,
  ETHNICITIES,
  ETHNICITY_CATEGORIES,
  INACTIVITY_REASON_CATEGORIES,
  INACTIVITY_REASONS,
  LANGUAGE_CATEGORIES,
  LANGUAGES,
  MARITAL_STATUS_CATEGORIES,
  MARITAL_STATUSES,
  REGION_CATEGORIES,
  REGIONS,
  RELIGION_CATEGORIES,
  RELIGIONS,
  RESIDENCE_CATEGORIES,
  RESIDENCES,
  SEX_CATEGORIES,
  SEXES,
  type Category,
} from '../../generation/categories.js';
import { problemResponses, type ZodApp } from '../route-schema.js';

const labelList = <const C extends readonly [string, ...string[]]>(codes: C) =>
  z.array(z.strictObject({ code: z.enum(codes), label_ro: z.string().min(1) }));

export const SchemaLabelsSchema = z
  .strictObject({
    sex: labelList(SEXES),
    age_group: labelList(AGE_GROUPS),
    region: labelList(REGIONS),
    district: labelList(DISTRICTS),
    residence: labelList(RESIDENCES),
    ethnicity: labelList(ETHNICITIES),
    mother_tongue: labelList(LANGUAGES),
    language_usually_spoken: labelList(LANGUAGES),
    religion: labelList(RELIGIONS),
    marital_status: labelList(MARITAL_STATUSES),
    education_level: labelList(EDUCATION_LEVELS),
    employment_status: labelList(EMPLOYMENT_STATUSES),
    inactivity_reason: labelList(INACTIVITY_REASONS),
    economic_sector: labelList(ECONOMIC_SECTORS),
  })
  .meta({ id: 'SchemaLabels', description: 'Romanian display labels of every categorical persona field' });
export type SchemaLabels = z.infer<typeof SchemaLabelsSchema>;

/** Persona field → its category table (the same keys as the schema). */
const LABELLED_FIELDS: Readonly<Record<keyof SchemaLabels, readonly Category[]>> = {
  sex: SEX_CATEGORIES,
  age_group: AGE_GROUP_CATEGORIES,
  region: REGION_CATEGORIES,
  district: DISTRICT_CATEGORIES,
  residence: RESIDENCE_CATEGORIES,
  ethnicity: ETHNICITY_CATEGORIES,
  mother_tongue: LANGUAGE_CATEGORIES,
  language_usually_spoken: LANGUAGE_CATEGORIES,
  religion: RELIGION_CATEGORIES,
  marital_status: MARITAL_STATUS_CATEGORIES,
  education_level: EDUCATION_LEVEL_CATEGORIES,
  employment_status: EMPLOYMENT_STATUS_CATEGORIES,
  inactivity_reason: INACTIVITY_REASON_CATEGORIES,
  economic_sector: ECONOMIC_SECTOR_CATEGORIES,
};

/** Built once from the constant tables, through the schema: only `code` and `label_ro` go on the wire. */
export const SCHEMA_LABELS: SchemaLabels = SchemaLabelsSchema.parse(
  Object.fromEntries(
    Object.entries(LABELLED_FIELDS).map(([field, table]) => [
      field,
      table.map((category) => ({ code: category.code, label_ro: category.label_ro })),
    ]),
  ),
);

export async function schemaLabelsRoutes(v1: ZodApp): Promise<void> {
  v1.get(
    '/schema/labels',
    {
      schema: {
        operationId: 'getSchemaLabels',
        summary: 'Romanian display labels of every categorical persona field',
        tags: ['catalogues'],
        security: [{ bearerAuth: [] }],
        response: {
          200: { description: 'Labels by persona field', content: { 'application/json': { schema: SchemaLabelsSchema } } },
          ...problemResponses([401, 500, 503]),
        },
      },
    },
    async () => SCHEMA_LABELS,
  );
}
