import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PxwebCache, type PxwebCacheEntry } from '../../../../src/census/pxweb/cache.js';
import type { CensusTable } from '../../../../src/census/census-table.js';
import { loadShippedSnapshot, makeTempDir } from '../../../helpers/census.js';

let ageSingle: CensusTable;
let temp: { dir: string; remove: () => Promise<void> };

beforeAll(async () => {
  const snapshot = await loadShippedSnapshot();
  const loaded = snapshot.tables.get('age_single');
  if (loaded === undefined) throw new Error('age_single not shipped');
  ageSingle = loaded.table;
});
beforeEach(async () => {
  temp = await makeTempDir('pxweb-cache');
});
afterEach(async () => {
  await temp.remove();
});

const entry = (): PxwebCacheEntry => ({
  format: 1,
  pxweb_table: 'POP010200rcl',
  url: 'http://127.0.0.1/PxWeb/api/v1/ro/x.px',
  fetched_at: '2026-12-01T10:00:00.000Z',
  tables: [{ ...ageSingle, values: [...ageSingle.values], categories: ageSingle.categories.map((c) => [...c]) }],
});

describe('PxwebCache', () => {
  it('reports an absent entry', async () => {
    expect(await PxwebCache.forDataDir(temp.dir).read('POP010200rcl')).toEqual({ status: 'absent' });
    expect(await PxwebCache.forDataDir(temp.dir).list()).toEqual([]);
  });

  it('writes under DATA_DIR/census-cache and reads the same entry back, leaving no temp file', async () => {
    const cache = PxwebCache.forDataDir(temp.dir);
    await cache.write(entry());
    expect(await readdir(join(temp.dir, 'census-cache'))).toEqual(['POP010200rcl.json']);
    expect(await cache.read('POP010200rcl')).toEqual({ status: 'ok', entry: entry() });
    expect(await cache.list()).toEqual([
      { pxweb_table: 'POP010200rcl', status: 'ok', fetched_at: '2026-12-01T10:00:00.000Z', table_ids: ['age_single'], problem: null },
    ]);
  });

  it('replaces an entry whole on a second write', async () => {
    const cache = new PxwebCache(temp.dir);
    await cache.write(entry());
    await cache.write({ ...entry(), fetched_at: '2026-12-09T00:00:00.000Z' });
    const read = await cache.read('POP010200rcl');
    expect(read.status === 'ok' && read.entry.fetched_at).toBe('2026-12-09T00:00:00.000Z');
    expect(await readdir(temp.dir)).toEqual(['POP010200rcl.json']);
  });

  it('refuses to write an invalid entry', async () => {
    await expect(new PxwebCache(temp.dir).write({ ...entry(), tables: [] })).rejects.toThrow();
    expect(await readdir(temp.dir).catch(() => [])).toEqual([]);
  });

  it.each([
    ['not JSON', () => '{"format": 1,', /not JSON/],
    ['another table', () => JSON.stringify({ ...entry(), pxweb_table: 'OTHER' }), /holds table OTHER/],
    ['a table failing validation', () => JSON.stringify({ ...entry(), tables: [{ ...entry().tables[0], values: [1, 2] }] }), /values but its categories span/],
  ])('reports a file holding %s as corrupt', async (_name, text, problem) => {
    await mkdir(temp.dir, { recursive: true });
    await writeFile(join(temp.dir, 'POP010200rcl.json'), text());
    const read = await new PxwebCache(temp.dir).read('POP010200rcl');
    expect(read.status).toBe('corrupt');
    expect(read.status === 'corrupt' && read.problem).toMatch(problem);
    expect((await new PxwebCache(temp.dir).list())[0]).toMatchObject({ status: 'corrupt', fetched_at: null });
  });

  it('stores the parsed tables with fetched_at and the PxWeb table id', async () => {
    await new PxwebCache(temp.dir).write(entry());
    const stored = JSON.parse(await readFile(join(temp.dir, 'POP010200rcl.json'), 'utf8')) as Record<string, unknown>;
    expect(stored).toMatchObject({ pxweb_table: 'POP010200rcl', fetched_at: '2026-12-01T10:00:00.000Z', format: 1 });
  });
});
