/**
 * `sha256:` + hex SHA-256 of the RFC 8785 (JCS) canonical JSON of a value (the `canonicalize`
 * package), so key order and number formatting never change a hash and any changed value does.
 * Census table and snapshot hashes, request hashes and the payload's config and schema hashes
 * are all this one function. Hashing is computation, not I/O.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { ServiceError } from './errors.js';

/** `sha256:<64 hex>` of the JCS canonical JSON of a JSON value; `INTERNAL` for a non-JSON value. */
export function canonicalSha256(value: unknown): string {
  const canonical = canonicalize(value);
  if (canonical === undefined) {
    throw new ServiceError('INTERNAL', 'canonicalSha256 requires a JSON-serialisable value');
  }
  return `sha256:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
}
