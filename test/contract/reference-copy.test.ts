/**
 * test/reference is a copy of the audited reference set (the team's `shared/reference`), so the
 * census tests run wherever the repository does. SHA256SUMS pins the copy: it cannot be edited
 * silently, and where the shared folder is present the copy must still be byte-identical to it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referenceDir, sharedReferenceDir } from '../helpers/census.js';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** `relative path → sha256` from SHA256SUMS (sha256sum's format: hash, two spaces, path). */
function pinned(): Map<string, string> {
  const lines = readFileSync(join(referenceDir(), 'SHA256SUMS'), 'utf8').trim().split('\n');
  return new Map(lines.map((line) => [line.slice(66), line.slice(0, 64)]));
}

describe('the reference copy in test/reference', () => {
  it('holds exactly the pinned files, byte for byte', () => {
    const sums = pinned();
    const census = readdirSync(join(referenceDir(), 'census')).map((name) => `census/${name}`);
    const fixtures = readdirSync(join(referenceDir(), 'pxweb-fixtures')).map((name) => `pxweb-fixtures/${name}`);
    const names = readdirSync(join(referenceDir(), 'names')).map((name) => `names/${name}`);
    expect([...census, ...fixtures, ...names].sort()).toEqual([...sums.keys()].sort());
    for (const [path, hash] of sums) expect({ path, hash: sha256(join(referenceDir(), path)) }).toEqual({ path, hash });
  });

  it('matches the shared folder wherever that folder is present (here it is checked, elsewhere logged)', () => {
    const shared = sharedReferenceDir();
    if (shared === null) {
      // A container or a fork's CI has no shared folder; the pinned hashes above still hold the copy.
      console.warn('shared reference folder not found: test/reference checked against SHA256SUMS only');
      // …unless one was named explicitly: then not finding it is an error.
      expect(process.env.MOLDOVA_PERSONAS_SHARED_DIR ?? '', 'MOLDOVA_PERSONAS_SHARED_DIR names no reference/census folder').toBe('');
      return;
    }
    for (const [path, hash] of pinned()) expect({ path, hash: sha256(join(shared, path)) }).toEqual({ path, hash });
    const sharedCensus = readdirSync(join(shared, 'census')).filter((name) => name.endsWith('.json'));
    expect(sharedCensus.map((name) => `census/${name}`).sort()).toEqual([...pinned().keys()].filter((path) => path.startsWith('census/')).sort());
  });
});
