/**
 * Loads the embedded snapshot: every `data/census/**\/*.json` file (recursively, so modelled tables
 * can live in `data/census/modelled/`), validated one by one and then against the spec list, with
 * a content hash per table and a hash over the whole snapshot. Called once at start-up; any broken
 * file stops it with `CENSUS_TABLE_INVALID` / `CENSUS_TABLE_MISSING` naming the file.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceError } from '../errors.js';
import type { CensusTable } from './census-table.js';
import { snapshotHash, tableContentHash } from './hashing.js';
import { TABLE_SPECS, type TableSpec } from './table-specs.js';
import { checkTablesAgainstSpecs, validateCensusTable } from './validate-table.js';
import { deepFreeze } from '../deep-freeze.js';

/** `data/census/` of the package (the same relative path from `src/census` and `dist/census`). */
export const DEFAULT_CENSUS_DATA_DIR = fileURLToPath(new URL('../../data/census/', import.meta.url));

export interface LoadedTable {
  /** Path of the data file, as read. */
  readonly file: string;
  readonly table: CensusTable;
  readonly content_hash: string;
}

export interface EmbeddedSnapshot {
  readonly dir: string;
  /** Tables by id, in id order. */
  readonly tables: ReadonlyMap<string, LoadedTable>;
  /** Hash over the sorted (id, content_hash) pairs of the embedded tables. */
  readonly snapshot_hash: string;
}

export interface LoadSnapshotOptions {
  readonly dir?: string;
  readonly specs?: readonly TableSpec[];
}


async function listJsonFiles(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch (error) {
    throw new ServiceError('CENSUS_TABLE_MISSING', `census data directory ${dir} cannot be read`, {
      details: { dir },
      cause: error,
    });
  }
  return entries.filter((entry) => entry.endsWith('.json')).sort().map((entry) => join(dir, entry));
}

async function readTableFile(file: string): Promise<CensusTable> {
  const text = await readFile(file, 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ServiceError('CENSUS_TABLE_INVALID', `census table ${file}: is not valid JSON (${reason})`, {
      details: { file, problem: 'invalid JSON' },
      cause: error,
    });
  }
  return validateCensusTable(raw, file);
}

/** Reads, validates and hashes the embedded snapshot. */
export async function loadEmbeddedSnapshot(options: LoadSnapshotOptions = {}): Promise<EmbeddedSnapshot> {
  const dir = options.dir ?? DEFAULT_CENSUS_DATA_DIR;
  const specs = options.specs ?? TABLE_SPECS;
  const files = await listJsonFiles(dir);
  const read = await Promise.all(files.map(async (file) => ({ file, table: await readTableFile(file) })));
  checkTablesAgainstSpecs(read, specs);

  const loaded = read
    .map(({ file, table }) => ({ file, table: deepFreeze(table), content_hash: tableContentHash(table) }))
    .sort((a, b) => (a.table.id < b.table.id ? -1 : 1));
  const tables = new Map(loaded.map((entry) => [entry.table.id, Object.freeze(entry)] as const));
  return Object.freeze({ dir, tables, snapshot_hash: snapshotHash(loaded.map((e) => ({ id: e.table.id, content_hash: e.content_hash }))) });
}
