/**
 * The dataset card of a run (issue 16, decision 0011): Markdown in the Hugging Face dataset-card
 * style — YAML front matter, then what the data is and is not for, its fields (from the field
 * dictionary), the source tables with their vintages, the licence and attribution, the method in
 * short, the known limits, the trust verdict, the request and how to reproduce it.
 *
 * Pure: the stored manifest, payload and report in, the same bytes out for the same run (no
 * clock, no locale). Every string read from them goes through `markdown.ts`, so a stored string
 * can add no structure of its own.
 */
import { attributionMarkdown, SOURCE_LICENCE } from '../census/attribution.js';
import { FIELD_DICTIONARY } from '../domain/field-dictionary.js';
import { PROFILE_DETAILS } from '../domain/profiles.js';
import type { EffectiveRequest } from '../domain/request.js';
import { describeWhere, WHERE_FIELDS } from '../domain/where.js';
import { ServiceError } from '../errors.js';
import { RunManifestSchema, type RunManifest } from '../trust/manifest.js';
import { GradientTrustPayloadSchema, type GradientTrustPayload } from '../trust/payload-schema.js';
import { TrustReportSchema, type TrustReport } from '../trust/report-schema.js';
import { codeLines, fieldTable } from './field-doc.js';
import { code, count, fenced, measure, table, text, trusted } from './markdown.js';

export const CARD_MEDIA_TYPE = 'text/markdown; charset=utf-8';

export interface CardInputs {
  readonly manifest: RunManifest;
  readonly payload: GradientTrustPayload;
  readonly report: TrustReport;
}

/** The `##` sections of every card, in order. */
export const CARD_SECTIONS = [
  'Dataset summary',
  'Uses',
  'Dataset structure',
  'Source data',
  'Licence and attribution',
  'Method',
  'Known limits',
  'Trust verdict',
  'Request',
  'Reproduce',
] as const;

/** The stored artefacts of a run, checked against their schemas; a stored file that no longer parses is a corrupt store. */
export function cardInputsOf(runId: string, stored: { manifest: unknown; payload: unknown; report: unknown }): CardInputs {
  const parse = <T>(name: string, schema: { safeParse: (value: unknown) => { success: true; data: T } | { success: false } }, value: unknown): T => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new ServiceError('RUN_STORE_CORRUPT', `the stored ${name} of run ${runId} does not match its schema`, { details: { run_id: runId } });
    return parsed.data;
  };
  return {
    manifest: parse('manifest', RunManifestSchema, stored.manifest),
    payload: parse('payload', GradientTrustPayloadSchema, stored.payload),
    report: parse('report', TrustReportSchema, stored.report),
  };
}

/** The card of a stored run: its three artefacts (RUN_NOT_FINISHED while it runs, RUN_NOT_FOUND when it has none), checked, rendered. */
export async function runCard(reader: { artifact(runId: string, name: 'payload' | 'report' | 'manifest'): Promise<unknown> }, runId: string): Promise<string> {
  const manifest = await reader.artifact(runId, 'manifest');
  const [payload, report] = await Promise.all([reader.artifact(runId, 'payload'), reader.artifact(runId, 'report')]);
  return renderDatasetCard(cardInputsOf(runId, { manifest, payload, report }));
}

/** Hugging Face's size categories (`size_categories` in the card metadata). */
export function sizeCategoryOf(n: number): string {
  const bands: [number, string][] = [
    [1e3, 'n<1K'],
    [1e4, '1K<n<10K'],
    [1e5, '10K<n<100K'],
    [1e6, '100K<n<1M'],
    [1e7, '1M<n<10M'],
  ];
  return bands.find(([limit]) => n < limit)?.[1] ?? 'n>10M';
}

const scopeWords = (scope: EffectiveRequest['scope']) => (scope === 'adults' ? 'adults (18+)' : 'people of all ages');

function prettyName({ manifest, report }: CardInputs): string {
  const where = manifest.request.effective.where;
  const base = `Synthetic persons of the Republic of Moldova: ${count(report.n_generated)} ${scopeWords(manifest.request.effective.scope)}`;
  return where === undefined ? base : `${base}, ${describeWhere(where)}`;
}

/** YAML front matter; every value is a JSON string, which YAML reads as a double-quoted scalar. */
function frontMatter(inputs: CardInputs): string {
  const list = (values: readonly string[]) => values.map((value) => `- ${JSON.stringify(value)}`).join('\n');
  return [
    '---',
    `pretty_name: ${JSON.stringify(prettyName(inputs))}`,
    `license: ${JSON.stringify(SOURCE_LICENCE.spdx.toLowerCase())}`,
    'language:',
    list(['ro']),
    'size_categories:',
    list([sizeCategoryOf(inputs.report.n_generated)]),
    'tags:',
    list(['synthetic', 'personas', 'census', 'moldova', 'tabular', 'population-synthesis']),
    '---',
  ].join('\n');
}

function summary({ manifest, report }: CardInputs): string {
  const effective = manifest.request.effective;
  const withheld = report.decision.dataset_withheld
    ? ' **The dataset is withheld**: the run was rejected in strict mode, so only this card, the trust payload, the report and the manifest exist.'
    : '';
  return [
    `${count(report.n_generated)} synthetic records of ${scopeWords(effective.scope)} living in the Republic of Moldova, drawn by moldova-personas ${text(manifest.software.generator_version)} from a model ${effective.use_ipf ? 'calibrated to' : 'whose prior is built from (not calibrated to)'} the 2024 census, the 1 January 2024 population estimate and the Labour Force Survey 2024.${withheld}`,
    '',
    'No record describes a real person, and no microdata were used: the model was fitted to published aggregate tables only.',
    '',
    table(
      ['', ''],
      [
        ['Run', code(manifest.run_id)],
        ['Created', text(manifest.created_at)],
        ['Finished', manifest.finished_at === null ? '—' : text(manifest.finished_at)],
        ['Records', count(report.n_generated)],
        ['Profile', code(effective.profile)],
        ['Decision', `${code(report.decision.decision)} (tier ${code(report.decision.quality_tier)}, confidence ${code(report.decision.confidence)})`],
        ['dataset_sha256', manifest.dataset_sha256 === null ? '—' : code(manifest.dataset_sha256)],
      ],
    ),
  ].join('\n');
}

function uses({ manifest, report }: CardInputs): string {
  const profile = manifest.request.effective.profile;
  const rejected =
    report.decision.decision === 'REJECT'
      ? [`**This run was rejected for the ${code(profile)} profile**: do not use it for what that profile stands for (see the verdict below).`, '']
      : [];
  return [
    ...rejected,
    `Judged for the ${code(profile)} profile: ${trusted(PROFILE_DETAILS[profile].description)}`,
    '',
    'What the data is for:',
    '',
    '- test data and demonstrations that need realistic Moldovan people (names, places, languages, religions, education, work);',
    '- prototyping analyses, dashboards and pipelines before they run on official data;',
    '- seeding simulations, surveys under design and LLM evaluations with a population whose make-up follows the census;',
    '- teaching population synthesis and calibration, with the trust report showing how far each table is met.',
    '',
    'What it is not for:',
    '',
    '- official statistics: cite NBS tables, not counts from this dataset; it reproduces the tables it was calibrated to within sampling error, and the structure no table publishes is modelled (see Known limits);',
    '- decisions about real persons or groups, profiling, or re-identification: no record is a real person, and none can be linked to one;',
    '- estimates below the 35 units (no localities) or about households and families (records are individuals);',
    '- personality research: the traits are random draws;',
    '- facts from the narratives: they are fiction written from the record\'s fields.',
  ].join('\n');
}

function structure({ manifest }: CardInputs): string {
  const effective = manifest.request.effective;
  const present = FIELD_DICTIONARY.filter(
    (entry) =>
      (effective.traits || !entry.path.startsWith('traits')) && (effective.narratives.provider !== 'none' || !entry.path.startsWith('narrative')),
  );
  return [
    'One JSON object per person, one per line (NDJSON: `GET /v1/runs/{run_id}/dataset`); the same records as CSV, one JSON array or Parquet by `Accept` (CSV and Parquet flatten `traits` to `traits_<name>` columns and hold `narrative` as JSON text). `dataset_sha256` is the SHA-256 of the NDJSON bytes.',
    '',
    `The fields of this run (${effective.traits ? 'with' : 'without'} \`traits\`, ${effective.narratives.provider === 'none' ? 'without narratives' : `with \`${effective.narratives.provider}\` narratives`}), from the field dictionary (docs/fields.md):`,
    '',
    fieldTable(present),
    '',
    '### Codes',
    '',
    'Categorical fields hold these codes (Romanian labels in brackets; `GET /v1/schema/labels`):',
    '',
    codeLines(present),
  ].join('\n');
}

function sourceData({ manifest }: CardInputs): string {
  const tables = manifest.snapshot.tables;
  const rows = tables.map((t) => [
    code(t.table_id),
    code(t.provenance_class),
    code(t.trust),
    text(t.reference_date),
    text(t.source_table_id),
    t.published === null ? '—' : t.published.date === null ? 'unknown' : `${text(t.published.date)} (${text(t.published.precision)})`,
    code(t.vintage.status),
  ]);
  const dated = tables.filter((t) => t.vintage.status === 'superseded' || t.vintage.status === 'expected_superseded');
  return [
    `The ${count(tables.length)} tables this run read (snapshot ${code(manifest.snapshot.snapshot_hash)}, PxWeb mode ${code(manifest.snapshot.pxweb_mode)}). \`official_snapshot\`: an NBS figure (trust A to B); \`secondary\`: partial, preliminary or single-source (B-, C; soft use only); \`modelled\`: a documented assumption, no official figure; \`pxweb_live\` / \`pxweb_cache\`: fetched from NBS PxWeb. Reference date: what the figures describe; published: when NBS released them.`,
    '',
    table(['Table', 'Class', 'Trust', 'Reference date', 'Source table', 'Published', 'Vintage'], rows),
    ...(dated.length === 0 ? [] : ['', 'Superseded or overdue series:', '', ...dated.map((t) => `- ${code(t.table_id)}: ${text(t.vintage.statement)}`)]),
    ...(manifest.pxweb_fetch_log.length === 0
      ? []
      : [
          '',
          'PxWeb fetches during the run:',
          '',
          table(
            ['Table', 'PxWeb table', 'Outcome', 'Message'],
            manifest.pxweb_fetch_log.map((a) => [code(a.table_id), text(a.pxweb_table), code(a.outcome), a.message === null ? '—' : text(a.message)]),
          ),
        ]),
  ].join('\n');
}

function licence(): string {
  return [
    `The records are offered under [${SOURCE_LICENCE.name}](${SOURCE_LICENCE.url}), the licence of the statistics they are calibrated to, so that the attribution travels with them. Attribution of the source data:`,
    '',
    attributionMarkdown(),
  ].join('\n');
}

function method({ manifest }: CardInputs): string {
  const calibration = manifest.calibration;
  const effective = manifest.request.effective;
  const fit =
    calibration === null
      ? 'Nothing was sampled in this run (it stopped at preflight), so there are no calibration diagnostics.'
      : calibration.applied
        ? `This run: calibration ${calibration.converged ? 'converged' : '**did not converge**'} in ${count(calibration.iterations)} sweeps (largest residual ${measure(calibration.max_residual)}, tolerance ${measure(calibration.tolerance)}, at most ${count(calibration.max_iterations)} sweeps); Kish ESS ratio ${measure(calibration.ess_ratio)}, largest weight ${measure(calibration.max_weight)}× the mean ${measure(calibration.mean_weight)}.`
        : 'This run sampled the prior **without calibration** (`use_ipf: false`), so the census margins are not fitted: compare it with a calibrated run.';
  return [
    '1. **Key joint.** District × area × sex × ethnicity × single age (108,360 cells) for the whole population: a prior built from the census tables and the 1 January 2024 single-age estimate, fitted by generalised iterative scaling (IPF) to the census margins unit × area, unit × sex, unit × broad age group and area × broad age group, the women\'s share of the 60+, and a unit × area × ethnicity margin derived from the census mother tongue by unit.',
    '2. **Exactly n people.** The joint, restricted to the scope' +
      (effective.where === undefined ? '' : ' and the condition') +
      ', is turned into n people by systematic rounding (every contiguous block of cells within one person of its expectation), then shuffled with a seeded shuffle. Nothing is drawn with replacement.',
    '3. **The other fields.** Mother tongue, usual language, religion, marital status, education, labour status, inactivity reason and sector are drawn from conditional tables fitted to the published figures; names, traits and narratives last.',
    '4. **Checks.** Every table that describes the output\'s universe is compared with it (total variation distance against a threshold from the sampling error at this n), with the consistency and plausibility rules; the gates turn that into the verdict.',
    '',
    fit,
    '',
    'Same request, same snapshot, same generator version and same IPF settings: byte-identical NDJSON, whatever the number of workers (LLM narratives aside). The full method is docs/method.md of moldova-personas; the gates docs/trust.md.',
  ].join('\n');
}

function knownLimits({ manifest, report }: CardInputs): string {
  const fields = report.provenance.fields.filter((f) => f.provenance_class !== 'official_snapshot' && f.provenance_class !== 'pxweb_live' && f.provenance_class !== 'pxweb_cache');
  // Fields with one derivation share one line (a conditional run gives all of them the same one).
  const groups = new Map<string, { provenance: string; derivation: string | null; fields: string[] }>();
  for (const f of fields) {
    const key = JSON.stringify([f.provenance_class, f.derivation]);
    const group = groups.get(key) ?? { provenance: f.provenance_class, derivation: f.derivation, fields: [] };
    group.fields.push(f.field);
    groups.set(key, group);
  }
  const targets =
    groups.size === 0
      ? ['Every compared field is checked against an official table of its own universe.']
      : [
          `Targets that are not an official table of the output's universe (${count(fields.length)} of ${count(report.provenance.fields.length)} compared fields):`,
          '',
          ...[...groups.values()].map((g) => `- ${g.fields.map(code).join(', ')} — ${code(g.provenance)}: ${g.derivation === null ? 'no derivation recorded' : text(g.derivation)}`),
        ];
  const ofClass = (name: string) => manifest.snapshot.tables.filter((t) => t.provenance_class === name).map((t) => code(t.table_id));
  const modelledTables = ofClass('modelled');
  const secondaryTables = ofClass('secondary');
  const modelledChecks = (report.joint_checks ?? []).filter((check) => check.provenance_class === 'modelled').map((check) => code(check.id));
  return [
    ...targets,
    '',
    `Modelled tables (documented assumptions where no official figure exists): ${modelledTables.length === 0 ? 'none' : modelledTables.join(', ')}.`,
    '',
    `Secondary tables (partial, preliminary or single-source; soft use only): ${secondaryTables.length === 0 ? 'none' : secondaryTables.join(', ')}.`,
    ...(modelledChecks.length === 0 ? [] : ['', `Joint checks with a modelled target (they test the sample against the calibrated model, not the model against the census): ${modelledChecks.join(', ')}.`]),
    '',
    'Always, by design: the joint structure no table publishes is modelled (sex × age, marital status by age, education by age and in 30 raions, labour status by age, sector by area and sex, usual language by mother tongue, the Moldovan/Romanian split within an ethnicity); the Labour Force Survey figures are survey estimates on the 2014 census base, their own sampling error ignored; the single-age shape comes from the 1 January 2024 estimate; names are drawn from curated lists, traits are independent random draws, narratives are fiction. The field dictionary above says which modelled table shapes each field.',
  ].join('\n');
}

function verdict({ payload, report }: CardInputs): string {
  const d = report.decision;
  const signals = report.signals;
  const gates = report.gate_details.map((g) => [
    code(g.code),
    code(g.severity),
    g.field !== null ? code(g.field) : g.subject !== null ? code(g.subject) : '—',
    text(g.measure),
    measure(g.observed),
    g.threshold === null ? '—' : `${g.comparator} ${measure(g.threshold)}`,
    text(g.recommendation),
  ]);
  return [
    table(
      ['', ''],
      [
        ['Decision', code(d.decision)],
        ['Quality tier', code(d.quality_tier)],
        ['Confidence', `${code(d.confidence)} (base ${code(d.base_confidence)}${d.confidence_factors.length === 0 ? '' : `; factors ${d.confidence_factors.map(code).join(', ')}`})`],
        ['Escalate', d.should_escalate ? `yes, priority ${count(d.escalation_priority)}` : 'no'],
        ['Hard gates triggered', d.hard_gates_triggered ? 'yes' : 'no'],
        ['Dataset withheld', d.dataset_withheld ? 'yes' : 'no'],
        ['Strict mode', report.strict_mode ? 'on' : 'off'],
        ['Gate codes', d.gate_codes.map(code).join(', ')],
      ],
    ),
    '',
    'Gates (what each measures, the observed value, the condition under which it fires, and what to do):',
    '',
    table(['Gate', 'Severity', 'About', 'Measure', 'Observed', 'Fires when', 'Recommendation'], gates),
    '',
    `Signals: mean L1 error ${measure(signals.mean_l1_error)}, largest joint TVD ${measure(signals.max_joint_tvd)}, consistency violations ${signals.consistency_violations === null ? '—' : count(signals.consistency_violations)}, duplicate record share ${measure(signals.duplicate_record_share)}, ESS ratio ${measure(signals.ess_ratio)}. The trust payload (\`GET /v1/runs/{run_id}/trust-payload\`, schema_hash ${code(payload.schema_hash)}) and the full report (\`/report\`) hold every measure.`,
  ].join('\n');
}

function request({ manifest }: CardInputs): string {
  const effective = manifest.request.effective;
  const rows = [
    ['n', count(effective.n)],
    ['profile', code(effective.profile)],
    ['seed', count(effective.seed)],
    ['scope', `${code(effective.scope)} (${effective.scope === 'adults' ? 'ages 18+' : 'every age'})`],
    ['strict', String(effective.strict)],
    ['use_ipf', String(effective.use_ipf)],
    ['traits', String(effective.traits)],
    ['narratives', code(effective.narratives.provider)],
    ['where', effective.where === undefined ? '— (the whole population of the scope)' : text(describeWhere(effective.where))],
  ];
  return [
    'The request after defaults (the effective request: what ran, and what config_hash covers):',
    '',
    table(['Field', 'Value'], rows),
    ...(effective.where === undefined
      ? []
      : [
          '',
          `Condition: every record matches ${text(describeWhere(effective.where))}; exactly n people were drawn from the calibrated joint restricted to it, and every target is the condition's own (modelled).`,
        ]),
  ].join('\n');
}

/** A shell word: left bare when it is plain, else single-quoted. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_.,:=/+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The `moldova-personas generate` arguments that give this effective request (every default spelled out). */
export function cliArgsOf(effective: EffectiveRequest): string[] {
  const args = ['generate', '-n', String(effective.n), '-p', effective.profile, '-s', String(effective.seed), '--scope', effective.scope];
  if (effective.traits) args.push('--traits');
  if (!effective.use_ipf) args.push('--no-ipf');
  args.push(effective.strict ? '--strict' : '--no-strict', '--narratives', effective.narratives.provider);
  const where = effective.where;
  if (where !== undefined) {
    for (const field of WHERE_FIELDS) {
      const codes = where[field] as readonly string[] | undefined;
      if (codes !== undefined) args.push(`--${field}`, codes.join(','));
    }
    if (where.age !== undefined) args.push('--age', `${where.age.min ?? ''}-${where.age.max ?? ''}`);
  }
  return args;
}

/** The body of `POST /v1/runs` that gives this run again: the effective request and the generator version it ran. */
export function requestBodyOf(manifest: RunManifest): Record<string, unknown> {
  return { ...manifest.request.effective, generator_version: manifest.software.generator_version };
}

function reproduce({ manifest }: CardInputs): string {
  const effective = manifest.request.effective;
  const cli = ['moldova-personas', ...cliArgsOf(effective), '-o', 'dataset.ndjson'].map(shellWord).join(' ');
  const body = JSON.stringify(requestBodyOf(manifest));
  const curl = [
    'curl -X POST "$BASE_URL/v1/runs" \\',
    '  -H "Authorization: Bearer $API_KEY" \\',
    "  -H 'Content-Type: application/json' \\",
    "  -H 'Prefer: respond-async' \\",
    `  -d ${shellWord(body)}`,
  ].join('\n');
  const calibration = manifest.calibration;
  const caveats = [
    ...(effective.narratives.provider === 'llm' ? ['- The narratives come from an LLM: their text, and so the bytes, cannot be reproduced exactly.'] : []),
    ...(manifest.snapshot.pxweb_mode === 'off' ? [] : [`- This run read census tables in PxWeb mode ${code(manifest.snapshot.pxweb_mode)}: the same snapshot_hash needs the same PxWeb tables (the embedded snapshot alone gives another).`]),
  ];
  return [
    'With the CLI (the embedded census snapshot; `PXWEB_MODE=off` unless this run used PxWeb):',
    '',
    fenced(cli, 'sh'),
    '',
    'With the API (`Prefer: respond-async` queues it; then `GET /v1/runs/{run_id}/dataset`):',
    '',
    fenced(curl, 'sh'),
    '',
    'The same dataset, byte for byte (the same `dataset_sha256`), needs all of:',
    '',
    table(
      ['', ''],
      [
        ['seed', count(effective.seed)],
        ['config_hash', code(manifest.config_hash)],
        ['generator version', code(manifest.software.generator_version)],
        ['snapshot_hash', code(manifest.snapshot.snapshot_hash)],
        ['IPF settings', calibration === null ? '—' : `tolerance ${measure(calibration.tolerance)}, at most ${count(calibration.max_iterations)} sweeps (\`IPF_TOLERANCE\`, \`IPF_MAX_ITERATIONS\`)`],
        ['dataset_sha256', manifest.dataset_sha256 === null ? '— (no dataset)' : code(manifest.dataset_sha256)],
        ['Node.js (informational)', text(manifest.software.node_version)],
      ],
    ),
    ...(caveats.length === 0 ? [] : ['', ...caveats]),
    '',
    'config_hash covers the effective request, the snapshot hash and the generator version; a request naming another `generator_version` than the service runs warns `CONFIG_VERSION_MISMATCH`.',
  ].join('\n');
}

const RENDERERS: Readonly<Record<(typeof CARD_SECTIONS)[number], (inputs: CardInputs) => string>> = {
  'Dataset summary': summary,
  Uses: uses,
  'Dataset structure': structure,
  'Source data': sourceData,
  'Licence and attribution': licence,
  Method: method,
  'Known limits': knownLimits,
  'Trust verdict': verdict,
  Request: request,
  Reproduce: reproduce,
};

/** The card of one run, as Markdown with YAML front matter. */
export function renderDatasetCard(inputs: CardInputs): string {
  const sections = CARD_SECTIONS.map((name) => `## ${name}\n\n${RENDERERS[name](inputs)}`);
  return `${[frontMatter(inputs), `# ${text(prettyName(inputs))}`, ...sections].join('\n\n')}\n`;
}
