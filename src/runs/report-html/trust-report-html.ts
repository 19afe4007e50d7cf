/**
 * The trust report of a run as one self-contained HTML page (issue 16, decision 0010): the verdict
 * first, then the population pyramid, the 35 units ranked, every checked field and joint check as
 * generated against target with the sampling envelope, calibration, provenance, the request
 * and the manifest essentials. Charts are inline SVG drawn here; no script, no external style,
 * font or image, so the page prints, archives and opens offline, and its CSP can forbid
 * everything but inline styles.
 *
 * Pure: the stored manifest, payload and report in, the same bytes out for the same run (no clock,
 * no locale). Every stored string is escaped (html.ts).
 */
import { NBS_CREDIT, NBS_MODIFICATIONS, SOURCE_LICENCE } from '../../census/attribution.js';
import { DISTRICT_CATEGORIES } from '../../domain/categories.js';
import { describeWhere } from '../../domain/where.js';
import type { TrustReport } from '../../trust/report-schema.js';
import { cardInputsOf, type CardInputs } from '../dataset-card.js';
import { categoryChart, envelope, pyramidChart, unitChart, type BarRow, type UnitRow } from './charts.js';
import { count, el, join, measure, pct, raw, table, type Html } from './html.js';

export const REPORT_HTML_MEDIA_TYPE = 'text/html; charset=utf-8';

/** The page needs inline styles and nothing else: no script, no request of any kind. */
export const REPORT_HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The attribute of the unit chart: the share above retirement age (63+ men, 60+ women), which the
 * 2024 census publishes for all 35 units. Higher education by unit would be the first choice, but
 * NBS has published it for 5 units so far (education_tertiary_by_district_partial, a joint check).
 */
export const UNIT_ATTRIBUTE = {
  check: 'broad_age_by_district',
  category: 'retirement+',
  title: 'Above retirement age (share)',
  description: 'the share of each unit above retirement age (63+ men, 60+ women)',
} as const;

/** The `<section id>`s of every page, in order (tests and the table of contents read them). */
export const REPORT_SECTIONS = [
  ['verdict', 'Verdict'],
  ['pyramid', 'Population pyramid'],
  ['units', 'The 35 units'],
  ['fields', 'Fields'],
  ['joint-checks', 'Joint checks'],
  ['rules', 'Consistency and plausibility'],
  ['calibration', 'Calibration'],
  ['provenance', 'Provenance'],
  ['run', 'Request and manifest'],
] as const;

const STYLE = `
:root{--ink:#1b1f24;--muted:#5a6470;--rule:#d4d9de;--gen:#3d6fb0;--male:#3d6fb0;--female:#b04a6d;--env:#c9ced4;--ok:#1f7a3a;--warn:#9a6400;--bad:#b3261e}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--ink);margin:0 auto;max-width:1040px;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:2px solid var(--rule);padding-bottom:4px}h3{font-size:15px;margin:20px 0 6px}
p,li{max-width:80ch}.muted{color:var(--muted)}code,pre{font:12px/1.4 ui-monospace,"DejaVu Sans Mono",monospace}pre{background:#f5f6f7;padding:8px;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
nav ol{columns:3;padding-left:20px}
.verdict{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}.verdict div{border:1px solid var(--rule);border-radius:6px;padding:8px 12px;min-width:130px}.verdict b{display:block;font-size:18px}
.PASS{color:var(--ok)}.PASS_WITH_WARNINGS{color:var(--warn)}.REJECT{color:var(--bad)}
table.data{border-collapse:collapse;margin:6px 0 14px;font-size:12.5px}table.data caption{text-align:left;font-weight:600;padding:2px 0}
table.data th,table.data td{border-bottom:1px solid var(--rule);padding:3px 8px;text-align:left;vertical-align:top}table.data td{font-variant-numeric:tabular-nums}
tr.over td,tr.over th{background:#fbeaea}
details{margin:4px 0 12px}summary{cursor:pointer;color:var(--muted)}
svg.chart{display:block;max-width:100%;height:auto;margin:6px 0}
svg text{font:11px system-ui,sans-serif;fill:var(--ink)}svg .tick{fill:var(--muted);font-size:10px}svg .axis-label{font-weight:600}svg .note{fill:var(--muted);font-style:italic}
svg .grid{stroke:#eceef0;stroke-width:1}svg .envelope{fill:var(--env);opacity:.75}svg .target{stroke:var(--ink);stroke-width:2}
svg .bar{fill:var(--gen)}svg .bar.male{fill:var(--male)}svg .bar.female{fill:var(--female)}
.legend{font-size:12.5px;color:var(--muted)}.swatch{display:inline-block;width:14px;height:10px;margin:0 4px 0 10px;vertical-align:middle}
@media print{body{max-width:none;padding:0;font-size:11px}nav{display:none}h2{break-after:avoid}figure,table{break-inside:avoid}details>summary{display:none}details{display:block}a{color:inherit;text-decoration:none}}
`;

const LEGEND = el(
  'p',
  { class: 'legend' },
  el('span', { class: 'swatch', style: 'background:#3d6fb0' }),
  'generated',
  el('span', { class: 'swatch', style: 'background:#1b1f24;width:3px' }),
  'target',
  el('span', { class: 'swatch', style: 'background:#c9ced4' }),
  '95% sampling envelope of the target at this n (per bar)',
);

function labelOf(field: string, code: string): string {
  if (field === 'district') return DISTRICT_CATEGORIES.find((d) => d.code === code)?.label_ro ?? code;
  return code;
}

function verdictSection({ report, payload }: CardInputs): Html {
  const d = report.decision;
  const card = (name: string, value: string, className?: string) => el('div', null, name, el('b', className ? { class: className } : null, value));
  return el(
    'section',
    { id: 'verdict' },
    el('h2', null, 'Verdict'),
    el(
      'div',
      { class: 'verdict' },
      card('Decision', d.decision, d.decision),
      card('Quality tier', d.quality_tier),
      card('Confidence', d.confidence),
      card('Escalate', d.should_escalate ? `yes (priority ${d.escalation_priority})` : 'no'),
      card('Dataset', d.dataset_withheld ? 'withheld' : 'released'),
    ),
    el(
      'p',
      null,
      `Base confidence ${d.base_confidence}`,
      d.confidence_factors.length > 0 ? `, lowered by: ${d.confidence_factors.join(', ')}` : ', no factor lowered it',
      d.caps_applied.length > 0 ? `; caps applied: ${d.caps_applied.join(', ')}` : '',
      `. Hard gates triggered: ${d.hard_gates_triggered ? 'yes' : 'no'}. Stage: ${report.stage}. Profile ${report.profile}${report.strict_mode ? ' (strict)' : ''}, payload ${payload.payload_version}.`,
    ),
    table(
      'Gate codes',
      ['Code', 'Severity', 'Subject', 'Measure', 'Observed', 'Threshold', 'Recommendation'],
      report.gate_details.map((g) => [g.code, g.severity, g.subject ?? g.field ?? '—', g.measure, measure(g.observed), g.threshold === null ? '—' : `${g.comparator} ${measure(g.threshold)}`, g.recommendation]),
    ),
    el('h3', null, 'Recommendations'),
    el('ul', null, d.recommendations.map((line) => el('li', null, line))),
  );
}

function pyramidSection(report: TrustReport): Html {
  const pyramid = report.population_pyramid;
  if (pyramid === undefined) return el('section', { id: 'pyramid' }, el('h2', null, 'Population pyramid'), el('p', null, 'This report was stored before it held the pyramid.'));
  if (pyramid === null) return el('section', { id: 'pyramid' }, el('h2', null, 'Population pyramid'), el('p', null, 'Nothing was generated.'));
  const cell = (row: (typeof pyramid.rows)[number], sex: string) => row.cells.find((c) => c.sex === sex)!;
  const rows = pyramid.rows.map((row) => {
    const m = cell(row, 'male');
    const f = cell(row, 'female');
    return { label: row.age_group, male: { label: `Men ${row.age_group}`, target: m.target_share, actual: m.actual_share, n: pyramid.n }, female: { label: `Women ${row.age_group}`, target: f.target_share, actual: f.actual_share, n: pyramid.n } };
  });
  return el(
    'section',
    { id: 'pyramid' },
    el('h2', null, 'Population pyramid'),
    el('p', null, `Five-year age group × sex as shares of all ${count(pyramid.n)} generated persons, against the calibrated model (target ${pyramid.provenance_class}: ${pyramid.derivation}; tables ${pyramid.table_ids.join(', ')}). Shown, not gated: age group and sex are gated as fields below.`),
    LEGEND,
    el('figure', null, pyramidChart('pyramid-chart', 'Population pyramid, generated against target', rows)),
    el(
      'details',
      null,
      el('summary', null, 'Table'),
      table(
        'Population pyramid',
        ['Age group', 'Men target', 'Men generated', 'Men count', 'Women target', 'Women generated', 'Women count'],
        pyramid.rows.map((row) => {
          const m = cell(row, 'male');
          const f = cell(row, 'female');
          return [row.age_group, pct(m.target_share, 2), pct(m.actual_share, 2), count(m.observed_count), pct(f.target_share, 2), pct(f.actual_share, 2), count(f.observed_count)];
        }),
      ),
    ),
  );
}

function envelopeText(target: number, n: number): string {
  const band = envelope(target, n);
  return band === null ? '—' : `${pct(band[0], 2)}–${pct(band[1], 2)}`;
}

function fieldsSection(report: TrustReport): Html {
  const marginals = report.marginals;
  if (marginals === null) return el('section', { id: 'fields' }, el('h2', null, 'Fields'), el('p', null, 'Nothing was generated.'));
  const provenance = new Map(report.provenance.fields.map((f) => [f.field, f]));
  return el(
    'section',
    { id: 'fields' },
    el('h2', null, 'Fields'),
    el('p', null, `Every compared field: the generated share of each category against its target. The gate compares the field's TVD with its threshold c(α, M)·E[TVD] + floor + allowance (α ${measure(report.drift_thresholds?.alpha ?? null)}, M ${report.drift_thresholds?.rows_gated ?? '—'}, c ${measure(report.drift_thresholds?.multiplier ?? null)}).`),
    LEGEND,
    marginals.fields.map((field) => {
      const source = provenance.get(field.field);
      const over = field.tvd !== null && field.threshold !== null && field.tvd > field.threshold;
      const rows: BarRow[] = field.categories.map((c) => ({ label: labelOf(field.field, c.category), target: c.target_share, actual: c.actual_share, n: field.n }));
      return el(
        'figure',
        { id: `field-${field.field}`, class: over ? 'over' : null },
        el('h3', null, field.field, el('span', { class: 'muted' }, ` — ${field.criticality}, n ${count(field.n)}, TVD ${measure(field.tvd)} against threshold ${measure(field.threshold)}${over ? ' (over)' : ''}; target ${source?.provenance_class ?? '—'} (${source?.table_ids.join(', ') ?? '—'})`)),
        categoryChart(`chart-${field.field}`, `${field.field}: generated against target`, rows),
        el(
          'details',
          null,
          el('summary', null, 'Table'),
          table(
            field.field,
            ['Category', 'Target', 'Generated', 'Envelope (95%)', 'Count'],
            field.categories.map((c) => [labelOf(field.field, c.category), pct(c.target_share, 2), pct(c.actual_share, 2), envelopeText(c.target_share, field.n), count(c.observed_count)]),
          ),
        ),
      );
    }),
  );
}

type JointCheck = NonNullable<TrustReport['joint_checks']>[number];
type JointRow = JointCheck['rows'][number];

/** How far over its threshold a row is (the worst first). */
const overRatio = (row: JointRow) => (row.tvd === null || row.threshold === null || row.threshold === 0 ? -1 : row.tvd / row.threshold);

function jointSection(report: TrustReport): Html {
  const checks = report.joint_checks;
  if (checks === null) return el('section', { id: 'joint-checks' }, el('h2', null, 'Joint checks'), el('p', null, 'Nothing was generated.'));
  return el(
    'section',
    { id: 'joint-checks' },
    el('h2', null, 'Joint checks'),
    el('p', null, 'Each cross-tab is checked row by row: the row\'s TVD against its threshold. The chart shows the cells of every row of a small check, and of the three rows nearest their threshold in a larger one; the table lists every row.'),
    checks.map((check) => {
      const measured = check.rows.filter((row) => row.tvd !== null);
      const charted = measured.length <= 4 ? measured : [...measured].sort((a, b) => overRatio(b) - overRatio(a) || a.row.localeCompare(b.row)).slice(0, 3);
      const rows: BarRow[] = charted.flatMap((row) => row.cells.map((c) => ({ label: `${labelOf(check.row_field, row.row)} · ${labelOf(check.col_field, c.category)}`, target: c.target_share, actual: c.actual_share, n: row.n })));
      const overRows = check.rows.filter((row) => overRatio(row) > 1).length;
      return el(
        'figure',
        { id: `joint-${check.id}` },
        el('h3', null, check.id, el('span', { class: 'muted' }, ` — ${check.row_field} × ${check.col_field}, ${check.provenance_class} (${check.table_ids.join(', ')}); worst row ${check.worst_row === null ? '—' : labelOf(check.row_field, check.worst_row)} at TVD ${measure(check.max_row_tvd)}; ${overRows} of ${check.rows.length} rows over their threshold`)),
        rows.length > 0 ? categoryChart(`chart-joint-${check.id}`, `${check.id}: generated against target`, rows) : el('p', null, 'No row with records.'),
        el(
          'details',
          null,
          el('summary', null, 'Table'),
          table(
            check.id,
            ['Row', 'n', 'Cells', 'TVD', 'Threshold', 'E[TVD]', 'p-value'],
            check.rows.map((row) => [labelOf(check.row_field, row.row), count(row.n), String(row.cells.length), measure(row.tvd), measure(row.threshold), measure(row.expected_sampling_tvd), measure(row.p_value)]),
          ),
        ),
      );
    }),
  );
}

function unitsSection(report: TrustReport): Html {
  const district = report.marginals?.fields.find((f) => f.field === 'district');
  if (district === undefined) return el('section', { id: 'units' }, el('h2', null, 'The 35 units'), el('p', null, 'Nothing was generated.'));
  const attribute = report.joint_checks?.find((check) => check.id === UNIT_ATTRIBUTE.check);
  const attributeOf = (code: string): BarRow | null => {
    const row = attribute?.rows.find((r) => r.row === code);
    const c = row?.cells.find((cell) => cell.category === UNIT_ATTRIBUTE.category);
    return row === undefined || c === undefined ? null : { label: `${labelOf('district', code)} ${UNIT_ATTRIBUTE.category}`, target: c.target_share, actual: c.actual_share, n: row.n };
  };
  const units = [...district.categories].sort((a, b) => b.target_share - a.target_share || a.category.localeCompare(b.category));
  const ranked: UnitRow[] = units.map((c) => ({ label: labelOf('district', c.category), population: { label: labelOf('district', c.category), target: c.target_share, actual: c.actual_share, n: district.n }, attribute: attributeOf(c.category) }));
  return el(
    'section',
    { id: 'units' },
    el('h2', null, 'The 35 units'),
    el('p', null, `The municipalities, districts and ATU Gagauzia ranked by their target share of the run's population, and beside it ${UNIT_ATTRIBUTE.description} (joint check ${UNIT_ATTRIBUTE.check}${attribute ? `, ${attribute.provenance_class}` : ', not checked in this run'}).`),
    LEGEND,
    el('figure', null, unitChart('units-chart', 'The 35 units, generated against target', UNIT_ATTRIBUTE.title, ranked)),
    el(
      'details',
      null,
      el('summary', null, 'Table'),
      table(
        'The 35 units',
        ['Unit', 'Population target', 'Generated', 'Count', `${UNIT_ATTRIBUTE.title} target`, 'Generated'],
        ranked.map((row, i) => [
          `${i + 1}. ${row.label}`,
          pct(row.population.target, 2),
          pct(row.population.actual, 2),
          count(units[i]!.observed_count),
          pct(row.attribute?.target ?? null, 2),
          pct(row.attribute?.actual ?? null, 2),
        ]),
      ),
    ),
  );
}

function rulesSection(report: TrustReport): Html {
  const parts: Html[] = [el('h2', null, 'Consistency and plausibility')];
  if (report.consistency === null || report.plausibility === null) parts.push(el('p', null, 'Nothing was generated.'));
  else {
    parts.push(table('Consistency rules (violations; any is a hard gate)', ['Rule', 'Violations'], Object.entries(report.consistency.rules).map(([rule, n]) => [rule, count(n)])));
    parts.push(
      table(
        `Plausibility rules (α ${measure(report.plausibility.alpha)}, ${report.plausibility.rules_measured} rules, p-value limit ${measure(report.plausibility.p_value_limit)})`,
        ['Rule', 'Flagged / population', 'Rate', 'Limit', 'p-value', 'Fired'],
        report.plausibility.rules.map((r) => [r.id, `${count(r.count)} / ${count(r.denominator)}`, pct(r.rate, 3), pct(r.limit, 3), measure(r.p_value), r.exceeded ? 'yes' : 'no']),
      ),
    );
    parts.push(el('p', null, `Duplicate ids: ${report.duplicate_ids === null ? '—' : count(report.duplicate_ids)}.`));
  }
  return el('section', { id: 'rules' }, parts);
}

function calibrationSection(report: TrustReport): Html {
  const c = report.calibration;
  const body =
    c === null
      ? el('p', null, 'No calibration diagnostics (nothing was generated).')
      : table(
          'Calibration (iterative proportional fitting of the model to the census margins)',
          ['Diagnostic', 'Value'],
          [
            ['applied', c.applied ? 'yes' : 'no (prior sampled as is)'],
            ['converged', c.converged ? 'yes' : 'no'],
            ['iterations', `${c.iterations} of at most ${c.max_iterations}`],
            ['max residual', `${measure(c.max_residual)} (tolerance ${measure(c.tolerance)})`],
            ['effective sample size ratio', measure(c.ess_ratio)],
            ['information loss', measure(c.information_loss)],
            ['max / mean weight', measure(c.max_mean_weight_ratio)],
            ['top 5% weight share', measure(c.top5_weight_share)],
          ],
        );
  return el('section', { id: 'calibration' }, el('h2', null, 'Calibration'), body);
}

function provenanceSection(report: TrustReport): Html {
  const p = report.provenance;
  return el(
    'section',
    { id: 'provenance' },
    el('h2', null, 'Provenance'),
    el('p', null, `Targets from ${p.targets_source ?? '—'}. Modelled fields: ${p.modelled_fields.length > 0 ? p.modelled_fields.join(', ') : 'none'}; secondary: ${p.secondary_fields.length > 0 ? p.secondary_fields.join(', ') : 'none'}.`),
    table(
      'Field targets',
      ['Field', 'Class', 'Trust', 'Tables', 'How the target is made'],
      p.fields.map((f) => [f.field, `${f.provenance_class}${f.is_fallback ? ' (fallback)' : ''}`, f.trust ?? '—', f.table_ids.join(', '), f.derivation ?? 'the official table as published']),
    ),
    p.lacking_official_figures.length > 0
      ? table('What is modelled and why (no official figure for this universe)', ['Field', 'Universe', 'Why'], p.lacking_official_figures.map((l) => [l.field, l.universe, l.reason]))
      : null,
    table(
      'Tables read by this run',
      ['Table', 'Class', 'Source table', 'Reference date', 'Trust', 'Vintage', 'Stale'],
      p.tables.map((t) => [t.table_id, t.provenance_class, t.source_table_id, t.reference_date, t.trust, t.vintage.status, t.stale ? 'yes' : 'no']),
    ),
    el('p', null, `PxWeb mode ${report.pxweb.mode}; ${report.pxweb.fetch_log.length} fetch attempts logged.`),
    el('h3', null, 'Licence and attribution'),
    el('blockquote', null, NBS_CREDIT),
    el('p', null, 'The source figures are data of the National Bureau of Statistics of the Republic of Moldova (NBS), licensed under ', el('a', { href: SOURCE_LICENCE.url }, SOURCE_LICENCE.name), '. Modifications:'),
    el('ul', null, NBS_MODIFICATIONS.map((line) => el('li', null, line))),
  );
}

function runSection({ manifest, payload }: CardInputs): Html {
  const effective = manifest.request.effective;
  return el(
    'section',
    { id: 'run' },
    el('h2', null, 'Request and manifest'),
    table(
      'Run',
      ['Item', 'Value'],
      [
        ['run id', el('code', null, manifest.run_id)],
        ['created / finished', `${manifest.created_at} / ${manifest.finished_at ?? '—'}`],
        ['seed', String(manifest.seed)],
        ['n requested / generated', `${count(manifest.decision.n_requested)} / ${count(manifest.decision.n_generated)}`],
        ['condition', effective.where ? describeWhere(effective.where) : 'none'],
        ['config hash', el('code', null, manifest.config_hash)],
        ['dataset SHA-256 (NDJSON)', el('code', null, manifest.dataset_sha256 ?? '—')],
        ['snapshot hash', el('code', null, manifest.snapshot.snapshot_hash)],
        ['generator version', manifest.software.generator_version],
        ['payload version / schema hash', raw(`${el('span', null, payload.payload_version).html} / ${el('code', null, payload.schema_hash).html}`)],
        ['execution', `${manifest.execution.worker_count} workers, shards of ${count(manifest.execution.shard_size)}`],
      ],
    ),
    manifest.output_files.length > 0 ? table('Output files', ['Name', 'Media type', 'Bytes', 'SHA-256'], manifest.output_files.map((f) => [f.name, f.media_type, count(f.bytes), el('code', null, f.sha256)])) : null,
    el('h3', null, 'Effective request'),
    el('pre', null, JSON.stringify(effective, null, 2)),
  );
}

/** The page of a run's stored documents. */
export function renderTrustReportHtml(inputs: CardInputs): string {
  const { report } = inputs;
  const title = `Trust report — run ${report.run_id}`;
  const page = el(
    'html',
    { lang: 'en' },
    el('head', null, raw('<meta charset="utf-8">'), raw('<meta name="viewport" content="width=device-width, initial-scale=1">'), el('title', null, title), el('style', null, raw(STYLE))),
    el(
      'body',
      null,
      el('header', null, el('h1', null, 'Trust report'), el('p', { class: 'muted' }, `moldova-personas run ${report.run_id} · ${count(report.n_generated)} of ${count(report.n_requested)} synthetic persons · scope ${report.scope} · profile ${report.profile} · report ${report.generated_at}`)),
      el('p', null, 'Synthetic people drawn from a model calibrated to NBS figures: not NBS data, and no record describes a real person. Targets marked modelled are the model\'s own, not official figures.'),
      el('nav', { 'aria-label': 'Contents' }, el('ol', null, REPORT_SECTIONS.map(([id, name]) => el('li', null, el('a', { href: `#${id}` }, name))))),
      el(
        'main',
        null,
        join(verdictSection(inputs), pyramidSection(report), unitsSection(report), fieldsSection(report), jointSection(report), rulesSection(report), calibrationSection(report), provenanceSection(report), runSection(inputs)),
      ),
    ),
  );
  return `<!DOCTYPE html>\n${page.html}\n`;
}

/** The page of a stored run (RUN_NOT_FINISHED while it runs, RUN_NOT_FOUND when it has none). */
export async function runReportHtml(reader: { artifact(runId: string, name: 'payload' | 'report' | 'manifest'): Promise<unknown> }, runId: string): Promise<string> {
  const manifest = await reader.artifact(runId, 'manifest');
  const [payload, report] = await Promise.all([reader.artifact(runId, 'payload'), reader.artifact(runId, 'report')]);
  return renderTrustReportHtml(cardInputsOf(runId, { manifest, payload, report }));
}
