/**
 * `GET /v1/schema/labels`: the Romanian display label of every code of every categorical persona
 * field, keyed by field name in persona-record order, codes in catalogue order. Fields that share
 * a category (`mother_tongue`, `language_usually_spoken`) each get the full list, so a caller can
 * look up `labels[field]` for any field without knowing how categories are shared.
 */
import { z } from 'zod';
import { CATEGORICAL_FIELDS, FIELD_CATEGORIES, type CategoricalField } from '../../domain/categories.js';
import { categoryOf } from '../../domain/persona.js';
import { BEARER_AUTH, problemResponses, type ZodApp } from '../route-schema.js';

const labelList = <F extends CategoricalField>(field: F) =>
  z.array(z.strictObject({ code: categoryOf(field), label_ro: z.string().min(1) }));

export const SchemaLabelsSchema = z
  .strictObject(
    Object.fromEntries(CATEGORICAL_FIELDS.map((field) => [field, labelList(field)])) as unknown as {
      [F in CategoricalField]: ReturnType<typeof labelList<F>>;
    },
  )
  .meta({ id: 'SchemaLabels', description: 'Romanian display labels of every categorical persona field' });
export type SchemaLabels = z.infer<typeof SchemaLabelsSchema>;

/** Built once from the constant tables, through the schema: only `code` and `label_ro` go on the wire. */
export const SCHEMA_LABELS: SchemaLabels = SchemaLabelsSchema.parse(
  Object.fromEntries(
    CATEGORICAL_FIELDS.map((field) => [
      field,
      FIELD_CATEGORIES[field].map((category) => ({ code: category.code, label_ro: category.label_ro })),
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
        security: BEARER_AUTH,
        response: {
          200: { description: 'Labels by persona field', content: { 'application/json': { schema: SchemaLabelsSchema } } },
          ...problemResponses([401, 500, 503]),
        },
      },
    },
    async () => SCHEMA_LABELS,
  );
}
