// Reads the reference files (I/O at the edge): every JSON file of a directory, keyed by its name
// without `.json`; `__file` keeps that name on each, so result rows can cite their source.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export function loadReferences(dir) {
  const refs = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const name = basename(file, '.json');
    refs[name] = { ...JSON.parse(readFileSync(join(dir, file), 'utf8')), __file: name };
  }
  return refs;
}
