// Markdown for the audit: header, summary per family, the headline figures, coverage, and every
// row. Pure: (meta, runs) → string. Each run is { variant, rows, coverage, run } (run = decisions).
import { counted, summarise } from './audit.mjs';

/** Cells the issue names, shown first. */
export const HEADLINE_IDS = [
  'education:unit:chisinau:tertiary',
  'education:unit:balti:tertiary',
  'education:unit:singerei:tertiary',
  'education:unit:telenesti:tertiary',
  'education:unit:cantemir:tertiary',
  'education:urban:tertiary',
  'education:rural:vocational',
  'education:rural:lower_secondary',
  'education:tertiary:women_share',
  'lfs:employment_rate_20_64_men',
  'lfs:employment_rate_20_64_women',
  'lfs:employment_rate_20_64_urban',
  'lfs:employment_rate_20_64_rural',
  'lfs:employed_by_region:tvd',
  'lfs:employed_by_region:chisinau',
  'lfs:unemployed_by_age_sex:tvd',
  'lfs:youth_15_34_status:employed',
  'mother_tongue_by_unit:taraclia:bulgarian',
  'mother_tongue_by_unit:balti:russian',
  'mother_tongue_by_unit:gagauzia:gagauz',
  'ethnicity_by_region:gagauzia:gagauz',
  'mother_tongue:tvd',
  'religion_by_ethnicity:other:tvd',
  'broad_age:national:tvd',
  'broad_age:national:0-15',
  'broad_age:chisinau:tvd',
  'marital:tvd',
  'sector:agriculture',
  'probe:agriculture_share:urban',
  'probe:agriculture_share:rural',
];

const SHARE_KINDS = new Set(['share', 'range', 'majority', 'probe']);

function number(value, digits) {
  return value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
}

/** Target / generated as printed: shares in percent, TVD raw, means and medians in years. */
function level(row, value) {
  if (value === null || value === undefined) return '–';
  if (SHARE_KINDS.has(row.kind)) return `${number(value * 100, 2)}%`;
  if (row.kind === 'tvd') return number(value, 4);
  return number(value, 2);
}

function gap(row, value) {
  if (value === null || value === undefined) return '–';
  if (SHARE_KINDS.has(row.kind)) return `${value >= 0 ? '+' : ''}${number(value * 100, 2)}`;
  if (row.kind === 'tvd') return number(value, 4);
  return `${value >= 0 ? '+' : ''}${number(value, 2)}`;
}

function targetText(row) {
  if (row.kind === 'range') return `${number(row.low * 100, 1)}–${number(row.high * 100, 1)}%`;
  if (row.kind === 'tvd') return 'E[TVD] ' + number(row.se, 4);
  return level(row, row.target);
}

function flagText(row) {
  const mark = row.flag === 'OUT' ? '**OUT**' : row.flag;
  if (row.flag === 'n/a') return mark;
  return row.soft ? `${mark} (soft)` : row.sparse ? `${mark} (sparse)` : mark;
}

const escape = (text) => String(text).replaceAll('|', '\\|');

function table(header, lines) {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...lines.map((l) => `| ${l.map(escape).join(' | ')} |`)].join('\n');
}

function variantColumns(runs) {
  return runs.flatMap((run) => [`${run.variant}: generated`, 'diff (pp / TVD)', '±1 SE', 'tolerance', 'flag']);
}

function cellsOf(row) {
  if (!row) return ['–', '–', '–', '–', 'missing'];
  const se = row.kind === 'tvd' ? '–' : gap(row, row.se)?.replace('+', '±');
  return [row.kind === 'tvd' ? number(row.generated, 4) : level(row, row.generated), gap(row, row.diff), se, gap(row, row.tolerance)?.replace('+', ''), flagText(row)];
}

function rowTable(runs, ids) {
  const byVariant = runs.map((run) => new Map(run.rows.map((row) => [row.id, row])));
  const lines = ids.map((id) => {
    const first = byVariant.map((m) => m.get(id)).find(Boolean);
    return [first.id, first.what, first.universe, String(first.n), targetText(first), ...byVariant.flatMap((m) => cellsOf(m.get(id)))];
  });
  return table(['id', 'figure', 'universe', 'n (1st run)', 'target', ...variantColumns(runs)], lines);
}

function summaryTable(runs) {
  const summaries = runs.map((run) => new Map(summarise(run.rows).map((s) => [s.family, s])));
  const families = [...summaries[0].keys()];
  const lines = families.map((family) => {
    const first = summaries[0].get(family);
    return [
      family,
      first.trust,
      String(first.rows),
      ...summaries.flatMap((m) => {
        const s = m.get(family);
        const excess = s.worst && (Number.isFinite(s.worst.excess) ? `${number(s.worst.excess, 1)}× tol.` : 'no tolerance');
        return [String(s.out), s.worst ? `${s.worst.id} (${excess})` : '–'];
      }),
    ];
  });
  const totals = runs.map((run) => {
    const rows = run.rows.filter(counted);
    return [String(rows.filter((r) => r.flag === 'OUT').length), `of ${rows.length}`];
  });
  lines.push(['**all**', '', String(runs[0].rows.filter(counted).length), ...totals.flat()]);
  return table(['family', 'trust', 'counted rows', ...runs.flatMap((r) => [`${r.variant}: OUT`, `${r.variant}: worst`])], lines);
}

function decisionsTable(runs) {
  const lines = runs.flatMap((run) =>
    run.run.decisions.map((d) => [run.variant, d.profile, d.decision, d.gate_codes.join(', '), d.same_dataset ? 'yes' : 'NO', d.dataset_sha256 ?? '–']),
  );
  return table(['variant', 'profile', 'decision', 'gate codes', 'same dataset as audited', 'dataset_sha256'], lines);
}

function coverageTable(run, notRepresentable) {
  const lines = run.coverage.map((c) => [c.file, c.trust ?? '–', String(c.rows), c.status, c.reason ?? '']);
  const parts = notRepresentable.map(([file, what, why]) => [file, what, why]);
  return `${table(['reference file', 'trust', 'rows', 'status', 'reason'], lines)}\n\nPublished figures inside checked files that no row tests:\n\n${table(['file', 'figure', 'why'], parts)}`;
}

/** The whole report. */
export function renderMarkdown(meta, runs, notRepresentable) {
  const families = [...new Set(runs[0].rows.map((r) => r.family))];
  const headline = HEADLINE_IDS.filter((id) => runs[0].rows.some((r) => r.id === id));
  const sections = families.map((family) => {
    const ids = runs[0].rows.filter((r) => r.family === family).map((r) => r.id);
    return `### ${family}\n\n${rowTable(runs, ids)}`;
  });
  return [
    `# Fidelity audit — every published cell against the generated output`,
    '',
    `- date: ${meta.date}; generator ${meta.generator_version}; n = ${meta.n.toLocaleString('en')}; seed ${meta.seed}; scope ${meta.scope}`,
    `- command: \`${meta.command}\``,
    `- targets: computed from ${meta.reference_dir} only (SHA256SUMS ${meta.reference_pin}), never from the engine`,
    `- envelope: a share is flagged **OUT** when |generated − target| > 3·SE + h, SE = √(p(1−p)/n_sub), h = half the published rounding unit;`,
    `  a distribution when TVD > 3·E[TVD] + ½Σh, E[TVD] the exact expected TVD of a multinomial sample of n_sub (de Moivre).`,
    `  By chance alone about 0.3% of share rows fall outside 3 SE. "soft" rows (ranges read from wording, quarterly or interpolated figures,
  a second report of a figure) and "sparse" cells (fewer than 5 expected records at this n) are shown, not counted.`,
    '',
    '## Decisions of the trust payload',
    '',
    decisionsTable(runs),
    '',
    '## Summary by family',
    '',
    summaryTable(runs),
    '',
    '## Headline figures',
    '',
    rowTable(runs, headline),
    '',
    '## Reference coverage',
    '',
    coverageTable(runs[0], notRepresentable),
    '',
    '## Every published cell',
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n');
}
