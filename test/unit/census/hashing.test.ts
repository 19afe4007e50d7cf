import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CensusTable } from '../../../src/census/census-table.js';
import { snapshotHash, tableContentHash } from '../../../src/census/hashing.js';

const TABLE: CensusTable = {
  id: 'sex',
  title: 'Test table',
  variables: ['sex'],
  categories: [['female', 'male']],
  values: [1271.9, 1137.3],
  measure: 'counts',
  unit_multiplier: 1000,
  universe: 'test',
  universe_min_age: 0,
  source: { publisher: 'NBS', title: 't', table_id: 'x', url: 'https://example.org', reference_date: '2024-04-08' },
  retrieved: '2026-11-24',
  trust: 'A',
  provenance: 'official_snapshot',
  periodic: false,
  transform: 'none',
};


describe('tableContentHash', () => {
  it('does not depend on key order', () => {
    const reordered = Object.fromEntries(Object.entries(TABLE).reverse()) as CensusTable;
    expect(tableContentHash(reordered)).toBe(tableContentHash(TABLE));
  });

  it('changes when any single figure changes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.integer({ min: 1, max: 1000 }),
        (values, at, delta) => {
          const index = at % values.length;
          const changed = [...values];
          changed[index] = (changed[index] ?? 0) + delta;
          expect(tableContentHash({ ...TABLE, values: changed })).not.toBe(tableContentHash({ ...TABLE, values }));
        },
      ),
    );
  });

  it('changes when the citation changes', () => {
    const other = { ...TABLE, source: { ...TABLE.source, reference_date: '2024-01-01' } };
    expect(tableContentHash(other)).not.toBe(tableContentHash(TABLE));
  });
});

describe('snapshotHash', () => {
  it('hashes the id-sorted [id, content_hash] pairs', () => {
    // printf '[["a","sha256:1"],["b","sha256:2"]]' | sha256sum
    const expected = 'sha256:7e82eac9ed5071ddc22168a74c4f6267e23ed214d75c3b0d841e2978a3f8f6a9';
    expect(snapshotHash([{ id: 'b', content_hash: 'sha256:2' }, { id: 'a', content_hash: 'sha256:1' }])).toBe(expected);
    expect(snapshotHash([{ id: 'a', content_hash: 'sha256:1' }, { id: 'b', content_hash: 'sha256:2' }])).toBe(expected);
  });

  it('changes when one table hash changes', () => {
    const base = [{ id: 'a', content_hash: 'sha256:1' }, { id: 'b', content_hash: 'sha256:2' }];
    expect(snapshotHash([base[0]!, { id: 'b', content_hash: 'sha256:3' }])).not.toBe(snapshotHash(base));
  });
});
