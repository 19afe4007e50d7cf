/**
 * `moldova-personas census status [--json]` and `census refresh [--json]`: the catalogue and the
 * refresh report, as a readable table or as JSON. Exit codes: 0 done (a refresh in off mode
 * skips every table and still exits 0), 1 a table failed to refresh or the arguments are wrong.
 */
import type { CensusCatalogue, CensusRefreshResult } from '../../census/catalogue.js';
import type { CensusService } from '../../census/census-service.js';

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
