/**
 * data/names transcribes the 2024 newborn names of the reference set (test/reference/names, a
 * pinned copy of shared/reference/names): the same records, the same source and trust.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, referenceDir } from '../helpers/census.js';

interface NameRecord {
  readonly name: string;
  readonly sex: string;
  readonly rank: number | null;
  readonly count: number | null;
}
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('data/names/given_names_newborns_2024.json', () => {
  const data = read(join(REPO_ROOT, 'data', 'names', 'given_names_newborns_2024.json'));
  const reference = read(join(referenceDir(), 'names', 'given_names_newborns_2024_v2.json'));

  it('holds the reference records, name by name, with their counts and ranks', () => {
    const pick = (records: unknown) => (records as NameRecord[]).map(({ name, sex, rank, count }) => ({ name, sex, rank, count }));
    expect(pick(data.records)).toEqual(pick(reference.records));
    expect(pick(data.records).filter((r) => r.count !== null).map((r) => r.count)).toEqual([830, 602, 485, 824, 604, 544]);
  });

  it("keeps the reference's trust and source, and labels what it adds as modelled", () => {
    expect(data.trust).toBe(reference.trust);
    expect((data.source as { url: string }).url).toBe((reference.source as { url: string }).url);
    expect(data.provenance).toBe('secondary');
    expect(Object.keys(data.modelled as object)).toEqual(['estimated_births_2024', 'method']);
  });
});
