/**
 * Bearer-key authentication for `/v1/*`. It is registered inside the `/v1` plugin, so health
 * probes, `/metrics` and `/openapi.json` stay open by encapsulation, not by a path list.
 *
 * Keys are compared through their SHA-256 digests with `timingSafeEqual`: equal-length inputs
 * to the constant-time compare, so neither the content nor the length of a key leaks through
 * response timing. Every configured key is compared, whichever matches.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ServiceError } from '../errors.js';

function digestOf(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** `Authorization: Bearer <key>` → key; anything else → undefined. The scheme is case-insensitive (RFC 9110). */
export function bearerKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

export type KeyVerifier = (presented: string) => boolean;

export function createKeyVerifier(keys: readonly string[]): KeyVerifier {
  const digests = keys.map(digestOf);
  return (presented) => {
    const candidate = digestOf(presented);
    let matched = false;
    for (const digest of digests) matched = timingSafeEqual(digest, candidate) || matched;
    return matched;
  };
}

/** An `onRequest` hook; a no-op when no keys are configured (auth disabled). */
export function createAuthHook(keys: readonly string[]) {
  const verify = createKeyVerifier(keys);
  return async function authenticate(request: FastifyRequest): Promise<void> {
    if (keys.length === 0) return;
    const presented = bearerKeyOf(request.headers.authorization);
    if (presented === undefined) {
      throw new ServiceError('REQUEST_UNAUTHORIZED', 'Send an API key as "Authorization: Bearer <key>".');
    }
    if (!verify(presented)) throw new ServiceError('REQUEST_UNAUTHORIZED', 'The API key is not valid.');
  };
}
