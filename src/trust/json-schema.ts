/**
 * JSON Schemas (draft 2020-12, the dialect of OpenAPI 3.1) of the trust documents, derived from
 * their zod schemas, without `$schema`, ready to pin under `components.schemas` of the OpenAPI
 * document. The pinned `GradientTrustPayload` object is what `schema_hash` hashes.
 */
import { z } from 'zod';
import { RunManifestSchema } from './manifest.js';
import { GradientTrustPayloadSchema } from './payload-schema.js';
import { TrustReportSchema } from './report-schema.js';

export function componentJsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...component } = z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return component;
}

/** `components.schemas.GradientTrustPayload`. */
export function gradientTrustPayloadJsonSchema(): Record<string, unknown> {
  return componentJsonSchemaOf(GradientTrustPayloadSchema);
}

/** `components.schemas.TrustReport`. */
export function trustReportJsonSchema(): Record<string, unknown> {
  return componentJsonSchemaOf(TrustReportSchema);
}

/** `components.schemas.RunManifest`. */
export function runManifestJsonSchema(): Record<string, unknown> {
  return componentJsonSchemaOf(RunManifestSchema);
}
