/**
 * Content hashes of the payload (SPEC §9): `"sha256:" + hex(SHA-256(JCS(value)))`, with JCS the
 * RFC 8785 canonical JSON (the `canonicalize` package), so key order never changes a hash.
 * Hashing is computation, not I/O; these stay pure.
 */
import { canonicalSha256 } from '../canonical-hash.js';
import type { EffectiveRequest } from '../domain/request.js';
import type { PreflightInput } from './evaluation-input.js';

/**
 * The payload's `schema_hash`: hash of `components.schemas.GradientTrustPayload` exactly as it
 * stands in the pinned OpenAPI document. It changes exactly when the payload's schema changes.
 */
export function schemaHashOf(schemaObject: unknown): string {
  return canonicalSha256(schemaObject);
}

/** Every input that affects the bytes of a run (SPEC §9 `config_hash`). */
export interface EffectiveConfig {
  readonly request: EffectiveRequest;
  readonly snapshot_hash: string;
  readonly generator_version: string;
}

export function effectiveConfigOf(input: PreflightInput): EffectiveConfig {
  return { request: input.request, snapshot_hash: input.snapshot_hash, generator_version: input.generator_version };
}

export function configHashOf(config: EffectiveConfig): string {
  return canonicalSha256(config);
}
