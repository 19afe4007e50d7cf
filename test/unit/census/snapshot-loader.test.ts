import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../../src/errors.js';
import { DEFAULT_CENSUS_DATA_DIR, loadEmbeddedSnapshot } from '../../../src/census/snapshot-loader.js';
import type { TableSpec } from '../../../src/census/table-specs.js';
import { SHIPPED_TABLE_SPECS, loadShippedSnapshot, makeTempDir } from '../../helpers/census.js';

type Json = Record<string, unknown> & { values: (number | null)[]; categories: string[][]; variables: string[] };

let temp: { dir: string; remove: () => Promise<void> };
let dataDir: string;

beforeEach(async () => {
  temp = await makeTempDir('census-loader');
  dataDir = join(temp.dir, 'census');
  await cp(DEFAULT_CENSUS_DATA_DIR, dataDir, { recursive: true });
});

afterEach(async () => {
  await temp.remove();
});

async function editTable(id: string, edit: (table: Json) => void): Promise<void> {
  const file = join(dataDir, `${id}.json`);
  const table = JSON.parse(await readFile(file, 'utf8')) as Json;
  edit(table);
  await writeFile(file, JSON.stringify(table));
}

async function loadError(specs: readonly TableSpec[] = SHIPPED_TABLE_SPECS): Promise<{ code: string; message: string }> {
  try {
    await loadEmbeddedSnapshot({ dir: dataDir, specs });
  } catch (error) {
    if (hasErrorCode(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected loading to fail');
}

describe('loadEmbeddedSnapshot', () => {
  it('loads every shipped table with a content hash, and the same data gives the same hashes', async () => {
    const first = await loadShippedSnapshot();
    const second = await loadEmbeddedSnapshot({ dir: dataDir, specs: SHIPPED_TABLE_SPECS });
    expect([...first.tables.keys()]).toEqual(SHIPPED_TABLE_SPECS.filter((s) => s.required).map((s) => s.id).sort());
    for (const loaded of first.tables.values()) expect(loaded.content_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.snapshot_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(second.snapshot_hash).toBe(first.snapshot_hash);
    expect(second.tables.get('district')?.content_hash).toBe(first.tables.get('district')?.content_hash);
  });

  it('changes the table hash and the snapshot hash when one figure changes', async () => {
    const before = await loadEmbeddedSnapshot({ dir: dataDir, specs: SHIPPED_TABLE_SPECS });
    await editTable('district', (table) => {
      table.values[3] = (table.values[3] ?? 0) + 1;
    });
    const after = await loadEmbeddedSnapshot({ dir: dataDir, specs: SHIPPED_TABLE_SPECS });
    expect(after.tables.get('district')?.content_hash).not.toBe(before.tables.get('district')?.content_hash);
    expect(after.tables.get('sex')?.content_hash).toBe(before.tables.get('sex')?.content_hash);
    expect(after.snapshot_hash).not.toBe(before.snapshot_hash);
  });

  it('reads subfolders too (e.g. data/census/modelled/)', async () => {
    await mkdir(join(dataDir, 'extra'));
    await writeFile(
      join(dataDir, 'extra', 'test_modelled.json'),
      JSON.stringify({
        id: 'test_modelled', title: 'A modelled test table', variables: ['sex'], categories: [['female', 'male']],
        values: [0.5, 0.5], measure: 'share', universe: 'test', universe_min_age: 0,
        source: { publisher: 'this project', title: 'model', table_id: 'none', url: 'docs/data.md', reference_date: '2024' },
        retrieved: '2026-11-24', trust: 'C', provenance: 'modelled', periodic: false, transform: 'none', method: 'Equal split.',
      }),
    );
    const specs = [...SHIPPED_TABLE_SPECS, { id: 'test_modelled', variables: ['sex'], required: true, expected_provenance: 'modelled', used_by: ['prior'] } as const];
    const snapshot = await loadEmbeddedSnapshot({ dir: dataDir, specs });
    expect(snapshot.tables.get('test_modelled')?.file).toBe(join(dataDir, 'extra', 'test_modelled.json'));
  });

  const invalidCases: [string, string, (table: Json) => void, RegExp][] = [
    ['an unknown category code', 'sex', (t) => { t.categories[0] = ['female', 'femle']; }, /category 'femle' is not a code of variable 'sex'/],
    ['categories out of domain order', 'sex', (t) => { t.categories[0] = ['male', 'female']; }, /domain order/],
    ['a negative count', 'district', (t) => { t.values[4] = -5; }, /values/],
    ['a percent table not summing to 100', 'ethnicity', (t) => { t.values[0] = (t.values[0] ?? 0) + 1; }, /sums to 101/],
    ['a row of a row_share table not summing to 1', 'religion_by_ethnicity', (t) => { t.values[12] = 0.5; }, /row 2 sums to/],
    ['a null cell in a table not marked partial', 'religion', (t) => { t.values[2] = null; }, /not marked partial/],
    ['a wrong number of values', 'region', (t) => { t.values.pop(); }, /4 values but its categories span 5 cells/],
    ['trust too low for official_snapshot', 'sex', (t) => { t.trust = 'C'; }, /trust C is too low/],
    ['an unknown field', 'sex', (t) => { t.colour = 'blue'; }, /colour/],
    ['a rate above 100 percent', 'lfs_employment_rates', (t) => { t.values[0] = 156.8; }, /exceeds 100/],
  ];

  it.each(invalidCases)('rejects %s with CENSUS_TABLE_INVALID naming the file', async (_name, id, edit, problem) => {
    await editTable(id, edit);
    const error = await loadError();
    expect(error.code).toBe('CENSUS_TABLE_INVALID');
    expect(error.message).toContain(join(dataDir, `${id}.json`));
    expect(error.message).toMatch(problem);
  });

  it('rejects a file that is not JSON', async () => {
    await writeFile(join(dataDir, 'residence.json'), '{"id": "residence", ');
    const error = await loadError();
    expect(error).toMatchObject({ code: 'CENSUS_TABLE_INVALID' });
    expect(error.message).toMatch(/residence\.json: is not valid JSON/);
  });

  it('rejects a table id the spec list does not know', async () => {
    await cp(join(dataDir, 'sex.json'), join(dataDir, 'sex_copy.json'));
    await editTable('sex_copy', (t) => { t.id = 'sex_copy'; });
    const error = await loadError();
    expect(error.code).toBe('CENSUS_TABLE_INVALID');
    expect(error.message).toMatch(/sex_copy\.json: unknown table id 'sex_copy'/);
  });

  it('rejects a file whose name is not its table id', async () => {
    await editTable('sex', (t) => { t.id = 'residence'; });
    const error = await loadError();
    expect(error.message).toMatch(/sex\.json: file name must be 'residence\.json'/);
  });

  it('rejects variables that differ from the spec', async () => {
    const specs = SHIPPED_TABLE_SPECS.map((spec) => (spec.id === 'sex' ? { ...spec, variables: ['residence'] as const } : spec));
    const error = await loadError(specs);
    expect(error.code).toBe('CENSUS_TABLE_INVALID');
    expect(error.message).toMatch(/sex\.json: variables \[sex\] differ from the spec \[residence\]/);
  });

  it('rejects a provenance that differs from the spec', async () => {
    const specs = SHIPPED_TABLE_SPECS.map((spec) => (spec.id === 'ethnicity_age_profile' ? { ...spec, expected_provenance: 'official_snapshot' as const } : spec));
    const error = await loadError(specs);
    expect(error.message).toMatch(/ethnicity_age_profile\.json: provenance 'secondary' differs from the spec's 'official_snapshot'/);
  });

  it('reports a missing required table with CENSUS_TABLE_MISSING naming the file', async () => {
    await rm(join(dataDir, 'marital_status_15plus.json'));
    const error = await loadError();
    expect(error.code).toBe('CENSUS_TABLE_MISSING');
    expect(error.message).toMatch(/marital_status_15plus\.json/);
  });

  it('reports a missing data directory', async () => {
    await rm(dataDir, { recursive: true });
    expect((await loadError()).code).toBe('CENSUS_TABLE_MISSING');
  });
});
