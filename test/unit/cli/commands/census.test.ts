import { describe, expect, it } from 'vitest';
import { createCensusService } from '../../../../src/census/census-service.js';
import { CENSUS_USAGE, runCensusCommand, type CensusCommandDeps } from '../../../../src/cli/commands/census.js';
import { usePxwebTestBed } from '../../../helpers/census.js';

const NOW = new Date('2026-12-01T10:00:00.000Z');

const bed = usePxwebTestBed('census-cli');

function deps(mode: 'off' | 'cache' | 'live'): CensusCommandDeps & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    service: createCensusService({ embedded: bed.embedded, mode, maxAgeDays: 30, pxweb: bed.pxweb.source }),
    now: () => NOW,
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    out: () => out,
    err: () => err,
  };
}

describe('runCensusCommand', () => {
  it('status prints one line per table with provenance and trust', async () => {
    const d = deps('off');
    expect(await runCensusCommand(['status'], d)).toBe(0);
    expect(d.out()).toMatch(/PXWEB_MODE=off/);
    expect(d.out()).toMatch(/^district\s+official_snapshot\s+A\s+2024-04-08/m);
    expect(d.out()).toMatch(/^ethnicity_age_profile\s+secondary\s+C/m);
    expect(d.out()).toMatch(/PxWeb cache: empty/);
  });

  it('status --json prints the catalogue', async () => {
    const d = deps('off');
    expect(await runCensusCommand(['status', '--json'], d)).toBe(0);
    const catalogue = JSON.parse(d.out()) as { tables: { id: string }[] };
    expect(catalogue.tables).toHaveLength(bed.embedded.tables.size);
  });

  it('refresh exits 0 when every table was fetched', async () => {
    const d = deps('live');
    expect(await runCensusCommand(['refresh'], d)).toBe(0);
    expect(d.out()).toMatch(/POP010200rcl\s+age_sex_residence, age_single\s+ok\s+200\s+2/);
  });

  it('refresh exits 0 in off mode, reporting each table as skipped', async () => {
    const d = deps('off');
    expect(await runCensusCommand(['refresh', '--json'], d)).toBe(0);
    expect(JSON.parse(d.out())).toMatchObject({ pxweb_mode: 'off', results: [{ outcome: 'skipped' }] });
    expect(bed.mock.requests).toHaveLength(0);
  });

  it('refresh exits 1 when a table could not be fetched', async () => {
    bed.mock.failAlways({ kind: 'status', status: 404 });
    const d = deps('cache');
    expect(await runCensusCommand(['refresh'], d)).toBe(1);
    expect(d.out()).toMatch(/http_error\s+404/);
  });

  it.each([[[]], [['stats']], [['status', '--yaml']]])('prints the usage and exits 1 for %j', async (argv) => {
    const d = deps('off');
    expect(await runCensusCommand(argv, d)).toBe(1);
    expect(d.err()).toBe(CENSUS_USAGE);
  });
});
