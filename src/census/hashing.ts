/**
 * Content hashes of census tables and of a whole snapshot (SPEC §3.1): `sha256:` + hex SHA-256 of
 * the RFC 8785 (JCS) canonical JSON, so key order and number formatting never change a hash and
 * any changed figure, category or citation always does. Pure: node:crypto hashes bytes, no I/O.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { ServiceError } from '../errors.js';
import type { CensusTable } from './census-table.js';

/** `sha256:<hex>` of the JCS canonical JSON of any JSON value. */
export function jcsSha256(value: unknown): string {
  const canonical = canonicalize(value);
  if (canonical === undefined) {
    throw new ServiceError('INTERNAL', 'jcsSha256 requires a JSON-serialisable value');
  }
  return `sha256:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
}

/** The content hash of one table: figures, categories, citation and transform, as parsed. */
export function tableContentHash(table: CensusTable): string {
  return jcsSha256(table);
}

export interface TableHashEntry {
  readonly id: string;
  readonly content_hash: string;
}

/**
 * The snapshot hash: over the `[id, content_hash]` pairs sorted by id, so it does not depend on
 * the order in which files were read or tables resolved.
 */
export function snapshotHash(entries: Iterable<TableHashEntry>): string {
  const pairs = [...entries]
    .map((entry) => [entry.id, entry.content_hash] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return jcsSha256(pairs);
}
