// The shipped embedded snapshot as a run sees it with PXWEB_MODE=off, resolved once per test file.
import type { InputSnapshot } from '../../src/census/census-table.js';
import { resolveInputSnapshot } from '../../src/census/resolve-snapshot.js';
import { loadEmbeddedSnapshot } from '../../src/census/snapshot-loader.js';

let cached: Promise<InputSnapshot> | undefined;

/** Resolution time of the test snapshot: fixed, so ages in days are stable. */
export const TEST_NOW = new Date('2026-11-24T12:00:00.000Z');

export function shippedSnapshot(): Promise<InputSnapshot> {
  cached ??= loadEmbeddedSnapshot().then((embedded) =>
    resolveInputSnapshot({ embedded, mode: 'off', now: TEST_NOW, maxAgeDays: 30 }),
  );
  return cached;
}

/**
 * The snapshot as if its periodic series had been updated to their current vintages (what
 * PXWEB_MODE=live or a refreshed snapshot gives): for tests of gates other than staleness, which
 * would otherwise see the shipped LFS 2024 and 1 January 2024 series superseded.
 */
export function withCurrentVintages(snapshot: InputSnapshot): InputSnapshot {
  const tables = Object.fromEntries(
    Object.entries(snapshot.tables).map(([id, table]) => [
      id,
      table.periodic ? { ...table, vintage: { ...table.vintage, status: 'current' as const, statement: 'Current (test: updated snapshot).' } } : table,
    ]),
  );
  return { ...snapshot, tables };
}
