/**
 * The on-disk PxWeb cache, `DATA_DIR/census-cache/<pxweb_table>.json`: the parsed tables of one
 * successful fetch with `fetched_at`. Written atomically (temp file, fsync, rename, fsync of the
 * directory), so a crash leaves the old entry or the new one, never half of one. Only validated
 * tables are written; entries read back are parsed and validated again, and a corrupt entry is
 * reported as such (and ignored by the resolver), never used.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CensusTableSchema, type CensusTable } from '../census-table.js';
import { validateCensusTable } from '../validate-table.js';

export const CACHE_FORMAT_VERSION = 1;

export const PxwebCacheEntrySchema = z.strictObject({
  format: z.literal(CACHE_FORMAT_VERSION),
  pxweb_table: z.string().regex(/^[A-Za-z0-9_]+$/),
  url: z.string().min(1),
  fetched_at: z.iso.datetime(),
  tables: z.array(CensusTableSchema).min(1),
});
export type PxwebCacheEntry = z.infer<typeof PxwebCacheEntrySchema>;

export type PxwebCacheRead =
  | { readonly status: 'absent' }
  | { readonly status: 'ok'; readonly entry: PxwebCacheEntry }
  | { readonly status: 'corrupt'; readonly problem: string };

/** The state of one cache file, for the catalogue. */
export interface PxwebCacheState {
  readonly pxweb_table: string;
  readonly status: 'ok' | 'corrupt';
  readonly fetched_at: string | null;
  readonly table_ids: readonly string[];
  readonly problem: string | null;
}

export class PxwebCache {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** The cache of a data directory: `<dataDir>/census-cache`. */
  static forDataDir(dataDir: string): PxwebCache {
    return new PxwebCache(join(dataDir, 'census-cache'));
  }

  #file(pxwebTable: string): string {
    if (!/^[A-Za-z0-9_]+$/.test(pxwebTable)) throw new RangeError(`invalid PxWeb table id '${pxwebTable}'`);
    return join(this.dir, `${pxwebTable}.json`);
  }

  async read(pxwebTable: string): Promise<PxwebCacheRead> {
    let text: string;
    try {
      text = await readFile(this.#file(pxwebTable), 'utf8');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return { status: 'absent' };
      return { status: 'corrupt', problem: `cannot read: ${(error as Error).message}` };
    }
    return parseEntry(text, pxwebTable);
  }

  /** Writes one entry atomically: temp file, fsync, rename, fsync of the directory. */
  async write(entry: PxwebCacheEntry): Promise<void> {
    const checked = PxwebCacheEntrySchema.parse(entry);
    await mkdir(this.dir, { recursive: true });
    const target = this.#file(checked.pxweb_table);
    const temp = `${target}.${randomUUID()}.tmp`;
    try {
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(`${JSON.stringify(checked)}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    const directory = await open(this.dir, 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }

  /** Every cache file present, in table order. */
  async list(): Promise<PxwebCacheState[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return [];
      throw error;
    }
    const ids = names.filter((name) => /^[A-Za-z0-9_]+\.json$/.test(name)).map((name) => name.slice(0, -'.json'.length));
    const states = await Promise.all(ids.sort().map(async (id) => toState(id, await this.read(id))));
    return states.filter((state): state is PxwebCacheState => state !== null);
  }
}

function parseEntry(text: string, pxwebTable: string): PxwebCacheRead {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { status: 'corrupt', problem: `not JSON: ${(error as Error).message}` };
  }
  const parsed = PxwebCacheEntrySchema.safeParse(raw);
  if (!parsed.success) return { status: 'corrupt', problem: z.prettifyError(parsed.error) };
  if (parsed.data.pxweb_table !== pxwebTable) {
    return { status: 'corrupt', problem: `holds table ${parsed.data.pxweb_table}, expected ${pxwebTable}` };
  }
  try {
    const tables: CensusTable[] = parsed.data.tables.map((table) => validateCensusTable(table, `census-cache/${pxwebTable}.json`));
    return { status: 'ok', entry: { ...parsed.data, tables } };
  } catch (error) {
    return { status: 'corrupt', problem: (error as Error).message };
  }
}

function toState(pxwebTable: string, read: PxwebCacheRead): PxwebCacheState | null {
  if (read.status === 'absent') return null;
  if (read.status === 'corrupt') {
    return { pxweb_table: pxwebTable, status: 'corrupt', fetched_at: null, table_ids: [], problem: read.problem };
  }
  return {
    pxweb_table: pxwebTable,
    status: 'ok',
    fetched_at: read.entry.fetched_at,
    table_ids: read.entry.tables.map((table) => table.id),
    problem: null,
  };
}
