/**
 * zod schemas of what PxWeb API v1 sends back (table metadata on GET, the legacy `json` format on
 * POST) and of the query body we send. Objects are not strict: PxWeb may add fields without that
 * being drift; a missing or retyped field is drift. Shapes: reference PXWEB_API.md §2-3.
 */
import { z } from 'zod';

export const PxwebVariableSchema = z
  .object({
    code: z.string().min(1),
    text: z.string(),
    values: z.array(z.string().min(1)).min(1),
    valueTexts: z.array(z.string()).min(1),
    time: z.boolean().optional(),
    elimination: z.boolean().optional(),
  })
  .refine((variable) => variable.values.length === variable.valueTexts.length, {
    message: 'values and valueTexts differ in length',
  });
export type PxwebVariable = z.infer<typeof PxwebVariableSchema>;

export const PxwebMetadataSchema = z.object({
  title: z.string(),
  variables: z.array(PxwebVariableSchema).min(1),
});
export type PxwebMetadata = z.infer<typeof PxwebMetadataSchema>;

/** `d` ordinary dimension, `t` time dimension, `c` content (the measure). */
export const PxwebColumnSchema = z.object({
  code: z.string().min(1),
  text: z.string(),
  type: z.enum(['d', 't', 'c']),
});

export const PxwebJsonResponseSchema = z.object({
  columns: z.array(PxwebColumnSchema).min(1),
  comments: z.array(z.unknown()).optional(),
  data: z.array(z.object({ key: z.array(z.string()), values: z.array(z.string()) })),
  metadata: z
    .array(
      z.object({
        infofile: z.string().optional(),
        updated: z.string().optional(),
        label: z.string().optional(),
        source: z.string().optional(),
      }),
    )
    .optional(),
});
export type PxwebJsonResponse = z.infer<typeof PxwebJsonResponseSchema>;

export interface PxwebQueryBody {
  readonly query: readonly {
    readonly code: string;
    readonly selection: { readonly filter: 'item'; readonly values: readonly string[] };
  }[];
  readonly response: { readonly format: 'json' };
}
