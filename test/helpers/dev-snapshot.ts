// Loads an InputSnapshot from a folder of table files (development helper until the census loader lands).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CensusTableSchema, type InputSnapshot, type ResolvedTable } from '../../src/census/census-table.js';

function collect(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? collect(path) : name.endsWith('.json') ? [path] : [];
  });
}

export function devSnapshot(dirs: string[]): InputSnapshot {
  const tables: Record<string, ResolvedTable> = {};
  for (const dir of dirs) {
    for (const file of collect(dir)) {
      const table = CensusTableSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
      tables[table.id] = { ...table, provenance_class: table.provenance, content_hash: `sha256:${table.id}`, fetched_at: null, age_days: table.periodic ? 0 : null };
    }
  }
  return { snapshot_hash: 'sha256:dev', resolved_at: '2026-11-24T00:00:00.000Z', pxweb_mode: 'off', tables, fetch_log: [] };
}
