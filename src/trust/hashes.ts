/**
 * Content hashes of the payload (SPEC §9): `"sha256:" + hex(SHA-256(JCS(value)))`, with JCS the
 * RFC 8785 canonical JSON (the `canonicalize` package), so key order never changes a hash.
 * Hashing is computation, not I/O; these stay pure.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { ServiceError } from '../errors.js';
import type { EffectiveRequest, PreflightInput } from './evaluation-input.js';

/** `sha256:<64 hex>` of the JCS canonical JSON of a JSON value. */
export function sha256OfCanonicalJson(value: unknown): string {
  const canonical = canonicalize(value);
  if (canonical === undefined) {
    throw new ServiceError('STATS_INVALID_ARGUMENT', 'sha256OfCanonicalJson requires a JSON value, got undefined');
  }
  return `sha256:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
}

/**
 * The payload's `schema_hash`: hash of `components.schemas.GradientTrustPayload` exactly as it
 * stands in the pinned OpenAPI document. It changes exactly when the payload's schema changes.
 */
export function schemaHashOf(schemaObject: unknown): string {
  return sha256OfCanonicalJson(schemaObject);
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
  return sha256OfCanonicalJson(config);
}
