/**
 * Content hashes of census tables and of a whole snapshot (SPEC §3.1): `sha256:` + hex SHA-256 of
 * the RFC 8785 (JCS) canonical JSON (`canonicalSha256`), so any changed figure, category or
 * citation changes it.
 */
import { canonicalSha256 } from '../canonical-hash.js';
import type { CensusTable } from './census-table.js';

/** The content hash of one table: figures, categories, citation and transform, as parsed. */
export function tableContentHash(table: CensusTable): string {
  return canonicalSha256(table);
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
  return canonicalSha256(pairs);
}
