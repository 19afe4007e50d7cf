/** docs/data.md's summary table against the shipped data files, in both directions. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedSnapshot } from '../../src/census/snapshot-loader.js';
import { REPO_ROOT, loadShippedSnapshot } from '../helpers/census.js';

let snapshot: EmbeddedSnapshot;
let rows: Map<string, string[]>;
let doc: string;

beforeAll(async () => {
  snapshot = await loadShippedSnapshot();
  doc = readFileSync(join(REPO_ROOT, 'docs', 'data.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## The embedded snapshot'), doc.indexOf('## Tables in detail'));
  rows = new Map(
    section
      .split('\n')
      .filter((line) => /^\| `[a-z0-9_]+` \|/.test(line))
      .map((line) => {
        const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
        return [(cells[0] ?? '').replace(/`/g, ''), cells] as const;
      }),
  );
});

describe('docs/data.md', () => {
  it('lists exactly the shipped tables', () => {
    expect([...rows.keys()].sort()).toEqual([...snapshot.tables.keys()].sort());
  });

  it('states each table’s reference date, trust, provenance and periodicity as shipped', () => {
    for (const { table } of snapshot.tables.values()) {
      const cells = rows.get(table.id) ?? [];
      expect(cells.slice(2, 6), table.id).toEqual([table.source.reference_date, table.trust, table.provenance, table.periodic ? 'yes' : 'no']);
    }
  });

  it('gives each table a detail section with its transform', () => {
    for (const { table } of snapshot.tables.values()) {
      expect(doc).toContain(`### \`${table.id}\``);
      expect(doc).toContain(table.transform);
    }
  });

  it('keeps the section for modelled tables and the NBS attribution', () => {
    expect(doc).toMatch(/^## Modelled tables$/m);
    expect(doc).toContain('Source: National Bureau of Statistics of the Republic of Moldova');
  });
});
