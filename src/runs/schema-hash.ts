/**
 * `schema_hash` of every payload: the JCS SHA-256 of `components.schemas.GradientTrustPayload` as
 * it stands in the pinned OpenAPI document (SPEC §9), read once per process. It changes exactly
 * when the pinned payload schema changes.
 */
import { readFileSync } from 'node:fs';
import { ServiceError } from '../errors.js';
import { schemaHashOf } from '../trust/hashes.js';

const PINNED_CONTRACT = new URL('../../openapi/openapi.json', import.meta.url);

/** The payload schema object of a contract document, or an error naming what is missing. */
export function payloadSchemaOf(contract: unknown): unknown {
  const schema = (contract as { components?: { schemas?: Record<string, unknown> } })?.components?.schemas?.['GradientTrustPayload'];
  if (schema === undefined) {
    throw new ServiceError('INTERNAL', 'the pinned OpenAPI document has no components.schemas.GradientTrustPayload');
  }
  return schema;
}

let cached: string | undefined;

export function payloadSchemaHash(contractUrl: URL = PINNED_CONTRACT): string {
  if (contractUrl === PINNED_CONTRACT && cached !== undefined) return cached;
  const hash = schemaHashOf(payloadSchemaOf(JSON.parse(readFileSync(contractUrl, 'utf8'))));
  if (contractUrl === PINNED_CONTRACT) cached = hash;
  return hash;
}
