/**
 * `moldova-personas census status [--json]` and `census refresh [--json]`: the catalogue and the
 * refresh report, as a readable table or as JSON. Exit codes: 0 done (a refresh in off mode
 * skips every table and still exits 0), 1 a table failed to refresh or the arguments are wrong.
 */
import type { CensusCatalogue, CensusRefreshResult } from '../../census/catalogue.js';
import { createCensusServiceFromConfig, type CensusService } from '../../census/census-service.js';
import { loadEmbeddedSnapshot } from '../../census/snapshot-loader.js';
import { loadConfig } from '../../config/env.js';
import { EXIT_CODES, type Command } from '../command.js';

export interface CensusCommandDeps {
  readonly service: Pick<CensusService, 'catalogue' | 'refresh'>;
  readonly now: () => Date;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

export const CENSUS_USAGE = 'usage: moldova-personas census status|refresh [--json]\n';

export async function runCensusCommand(argv: readonly string[], deps: CensusCommandDeps): Promise<number> {
  const [subcommand, ...flags] = argv;
  const unknown = flags.filter((flag) => flag !== '--json');
  if ((subcommand !== 'status' && subcommand !== 'refresh') || unknown.length > 0) {
    deps.stderr.write(CENSUS_USAGE);
    return 1;
  }
  const json = flags.includes('--json');
  if (subcommand === 'status') {
    const catalogue = await deps.service.catalogue(deps.now());
    deps.stdout.write(json ? `${JSON.stringify(catalogue, null, 2)}\n` : formatCatalogue(catalogue));
    return 0;
  }
  const result = await deps.service.refresh(deps.now());
  deps.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : formatRefresh(result));
  return result.results.every((r) => r.outcome === 'ok' || r.outcome === 'skipped') ? 0 : 1;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatCatalogue(catalogue: CensusCatalogue): string {
  const rows = catalogue.tables.map((t) => [
    t.id,
    t.provenance_class,
    t.trust,
    t.reference_date,
    t.age_days === null ? '-' : `${t.age_days}d`,
    t.cache_age_days === null ? '-' : `${t.cache_age_days}d`,
    t.last_fetch === null ? '-' : t.last_fetch.outcome,
    t.content_hash.slice(0, 'sha256:'.length + 12),
  ]);
  const cache = catalogue.pxweb_cache.map((c) => `  ${c.pxweb_table}: ${c.status}${c.age_days === null ? '' : `, ${c.age_days} days old`}${c.problem === null ? '' : ` (${c.problem})`}`);
  return [
    `PXWEB_MODE=${catalogue.pxweb_mode}  snapshot ${catalogue.snapshot_hash}`,
    '',
    table(['table', 'provenance', 'trust', 'reference', 'age', 'cache', 'last fetch', 'hash'], rows),
    '',
    cache.length === 0 ? 'PxWeb cache: empty' : ['PxWeb cache:', ...cache].join('\n'),
    '',
  ].join('\n');
}

export function formatRefresh(result: CensusRefreshResult): string {
  const rows = result.results.map((r) => [
    r.pxweb_table,
    r.table_ids.join(', '),
    r.outcome,
    r.status === null ? '-' : String(r.status),
    String(r.attempts),
    r.message ?? '',
  ]);
  return `PXWEB_MODE=${result.pxweb_mode}\n\n${table(['pxweb table', 'tables', 'outcome', 'status', 'attempts', 'message'], rows)}\n`;
}

/** `census` as a CLI command: the service built from the configuration, closed when done. */
export function createCensusCommand(now: () => Date = () => new Date()): Command {
  return {
    name: 'census',
    summary: 'Show the census tables a run would use (status) or fetch the PxWeb tables now (refresh)',
    usage: 'moldova-personas census status|refresh [--json]',
    help: `Options:
  --json   print the catalogue or refresh report as JSON

status lists every table (provenance, trust, reference date, age, cache) without fetching.
refresh fetches every PxWeb table now (PXWEB_MODE=off: each is reported as skipped).
Exit codes: 0 done, 1 a table failed to refresh or the arguments are wrong.`,
    options: { json: { type: 'boolean' } },
    allowPositionals: true,
    async run({ values, positionals }, io) {
      const config = loadConfig(io.env);
      const service = createCensusServiceFromConfig(config, { embedded: await loadEmbeddedSnapshot() });
      try {
        const argv = [...positionals, ...(values['json'] === true ? ['--json'] : [])];
        const code = await runCensusCommand(argv, { service, now, stdout: io.stdout, stderr: io.stderr });
        return code === 0 ? EXIT_CODES.ok : EXIT_CODES.error;
      } finally {
        await service.close();
      }
    },
  };
}

export const censusCommand: Command = createCensusCommand();
