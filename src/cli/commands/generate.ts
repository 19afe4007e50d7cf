/**
 * `moldova-personas generate -n N -p PROFILE …`: one run, the dataset streamed to a file or stdout
 * in the chosen format, a payload summary on stderr, the full payload to `--payload FILE`.
 * Exit codes: 0 PASS / PASS_WITH_WARNINGS, 2 REJECT, 1 error (bad flag, I/O, cancelled).
 */
import { loadConfig, type Config } from '../../config/env.js';
import { renderDatasetCard } from '../../runs/dataset-card.js';
import { renderTrustReportHtml } from '../../runs/report-html/trust-report-html.js';
import type { DatasetFormat } from '../../runs/dataset-formats.js';
import { effectiveRequestOf, requestConditionError, requestLimitError } from '../../runs/run-request.js';
import type { EffectiveRequest } from '../../domain/request.js';
import { executeCliRun, PROCESS_RUNTIME, withCancellation, type CliRuntime } from '../cli-run.js';
import { EXIT_CODES, type Command, type CommandIo, type ExitCode, type ParsedValues } from '../command.js';
import {
  formatSink,
  openFileTarget,
  openSpooledTarget,
  OutputError,
  streamTarget,
  type OutputTarget,
} from '../output-sink.js';
import { exitCodeOf, formatPayloadSummary } from '../payload-summary.js';
import { progressBarFor } from '../progress-bar.js';
import { parseFormatFlag, parseRequestFlags, REQUEST_OPTIONS } from '../run-flags.js';

const USAGE =
  'moldova-personas generate -n N -p PROFILE [-s SEED] [--scope adults|all] [--format ndjson|csv|json|parquet] ' +
  '[-o FILE] [--payload FILE] [--card FILE] [--report FILE] [--traits] [--no-ipf] [--strict|--no-strict] [--narratives none|template|llm] ' +
  '[--region CODES] [--district CODES] [--residence CODES] [--sex CODES] [--ethnicity CODES] [--age MIN-MAX]';

const HELP = `Options:
  -n, --n N              how many personas (1..MAX_N; 1..LLM_MAX_N with --narratives llm)
  -p, --profile NAME     trust profile: analysis_only, narrative_required or high_stakes
  -s, --seed SEED        0..4294967295; drawn and shown in the summary when left out
      --scope SCOPE      adults (18+, default) or all
      --format FORMAT    ndjson (default), csv, json (one array) or parquet (binary: use -o)
  -o, --output FILE      write the dataset to FILE (default, or "-": stdout)
      --payload FILE     write the full trust payload (JSON) to FILE ("-": stdout)
      --card FILE        write the dataset card (Markdown: fields, sources, licence, verdict,
                         how to reproduce) to FILE ("-": stdout)
      --report FILE      write the trust report as one self-contained HTML page (verdict,
                         pyramid, fields against census with the sampling envelope, units,
                         provenance) to FILE ("-": stdout)
      --traits           add Big Five trait T-scores to every persona
      --no-ipf           sample the prior without calibrating to the census
      --strict           never release a rejected dataset (default only for high_stakes)
      --no-strict        release the dataset even when the decision is REJECT
      --narratives KIND  none, template or llm (default by profile)
  A condition (where: any of the codes within a flag, all flags at once; exactly n match):
      --region CODES     e.g. gagauzia or nord,centru (GET /v1/schema/labels lists the codes)
      --district CODES   e.g. taraclia,cahul
      --residence CODES  urban or rural
      --sex CODES        female or male
      --ethnicity CODES  e.g. gagauz,bulgarian
      --age MIN-MAX      e.g. 18-35, 65- or -17 (inclusive)

The flags are checked by the same schema as POST /v1/runs. dataset_sha256 in the payload is
always the SHA-256 of the NDJSON bytes, whatever --format says: convert the file back to NDJSON
to compare, or generate again with --format ndjson.
A FILE appears only once the run is done and its dataset released: a failed, cancelled or
strict-rejected run leaves no file. A strict run to stdout is held back until its decision.
Progress: a bar on stderr when stderr is a terminal and n >= 50,000.
Exit codes: 0 PASS or PASS_WITH_WARNINGS, 2 REJECT, 1 error (bad flag, I/O error, SIGINT).`;

function text(values: ParsedValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

const isStdout = (path: string | undefined) => path === undefined || path === '-';

function fail(io: CommandIo, problems: readonly string[], options: { readonly withUsage: boolean }): typeof EXIT_CODES.error {
  for (const problem of problems) io.stderr.write(`moldova-personas generate: ${problem}\n`);
  if (options.withUsage) io.stderr.write(`Usage: ${USAGE}\n`);
  return EXIT_CODES.error;
}

type RunDocuments = Pick<Awaited<ReturnType<typeof executeCliRun>>, 'manifest' | 'payload' | 'report'>;

/** A document `generate` writes beside the dataset: its flag, and how it is made from the run. */
interface Document {
  readonly option: 'payload' | 'card' | 'report';
  readonly render: (run: RunDocuments) => string;
}

/** The documents, in the order they are checked and written. */
const DOCUMENTS: readonly Document[] = [
  { option: 'payload', render: (run) => `${JSON.stringify(run.payload, null, 2)}\n` },
  // The card and the page read the run's own documents: the same bytes as GET /v1/runs/{id}/card
  // and GET /v1/runs/{id}/report with Accept: text/html.
  { option: 'card', render: (run) => renderDatasetCard({ manifest: run.manifest, payload: run.payload, report: run.report }) },
  { option: 'report', render: (run) => renderTrustReportHtml({ manifest: run.manifest, payload: run.payload, report: run.report }) },
];

/**
 * Where the documents may go (flags that do not make up the request): not to stdout beside the
 * dataset or another document, not to the dataset's file or another document's. One problem per
 * document at most, against the dataset first, then the documents named before it.
 */
function destinationProblems(output: string | undefined, documents: readonly (readonly [flag: string, path: string | undefined])[]): string[] {
  const problems: string[] = [];
  documents.forEach(([flag, path], i) => {
    if (path === undefined) return;
    const earlier = documents.slice(0, i).filter(([, other]) => other === path);
    if (path === '-') {
      if (isStdout(output)) problems.push(`${flag} - and the dataset cannot both go to stdout; give -o FILE`);
      else if (earlier[0]) problems.push(`${flag} - and ${earlier[0][0]} - cannot both go to stdout`);
    } else if (!isStdout(output) && output === path) problems.push(`-o and ${flag} name the same file`);
    else if (earlier[0]) problems.push(`${earlier[0][0]} and ${flag} name the same file`);
  });
  return problems;
}

export function createGenerateCommand(runtime: CliRuntime = PROCESS_RUNTIME): Command {
  return {
    name: 'generate',
    summary: 'Generate a dataset of personas and its trust payload',
    usage: USAGE,
    help: HELP,
    options: {
      ...REQUEST_OPTIONS,
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
      payload: { type: 'string' },
      card: { type: 'string' },
      report: { type: 'string' },
    },
    async run({ values }, io) {
      const config = loadConfig(io.env);
      const format = parseFormatFlag(values);
      const flags = parseRequestFlags(values, config.MAX_N);
      const output = text(values, 'output');
      const documents = DOCUMENTS.map((document) => ({ ...document, path: text(values, document.option) }));
      const problems = [
        ...(flags.ok ? [] : flags.problems),
        ...(format.ok ? [] : format.problems),
        ...destinationProblems(
          output,
          documents.map((document) => [`--${document.option}`, document.path] as const),
        ),
        // Parquet is binary: to a terminal it would only garble it.
        ...(format.ok && format.value === 'parquet' && isStdout(output) && (io.stdout as { isTTY?: boolean }).isTTY === true
          ? ['--format parquet is binary and stdout is a terminal; give -o FILE or pipe it']
          : []),
      ];
      if (!flags.ok || !format.ok || problems.length > 0) return fail(io, problems, { withUsage: true });
      // LLM_MAX_N, as POST /v1/runs applies it (422 there): refused before anything is generated.
      const overLimit = requestLimitError(flags.value.request, { llmMaxN: config.LLM_MAX_N });
      if (overLimit !== null) return fail(io, [`${overLimit.message}; lower -n or raise LLM_MAX_N`], { withUsage: false });
      // A condition no census can fill, as POST /v1/runs refuses it (422 there).
      const emptyCondition = requestConditionError(flags.value.request);
      if (emptyCondition !== null) return fail(io, [`${emptyCondition.message} Widen the condition flags.`], { withUsage: false });

      const request = effectiveRequestOf(flags.value.request, flags.value.request.seed ?? runtime.drawSeed());
      const opened: OutputTarget[] = [];
      const outcome = await withCancellation(
        runtime,
        () => opened.forEach((target) => target.abortSync()),
        (signal) => generateInto({ io, runtime, config, request, body: flags.value.body, format: format.value, output, documents, opened, signal }),
      );
      if (outcome.kind === 'failed') return fail(io, [outcome.message], { withUsage: false });
      return outcome.code;
    },
  };
}

interface GenerateOptions {
  readonly io: CommandIo;
  readonly runtime: CliRuntime;
  readonly config: Config;
  readonly request: EffectiveRequest;
  readonly body: Record<string, unknown>;
  readonly format: DatasetFormat;
  readonly output: string | undefined;
  /** The documents asked for, in DOCUMENTS order, each with its path (undefined: not asked for; "-": stdout). */
  readonly documents: readonly (Document & { readonly path: string | undefined })[];
  /** Filled with the targets as they open, for a forced exit to clean up. */
  readonly opened: OutputTarget[];
  readonly signal: AbortSignal;
}

type Outcome = { readonly kind: 'done'; readonly code: ExitCode } | { readonly kind: 'failed'; readonly message: string };

async function openTargets(options: GenerateOptions): Promise<{ dataset: OutputTarget; files: (OutputTarget | null)[] }> {
  const { io, runtime, request, output, opened } = options;
  // Opened before the run, so a bad path fails in milliseconds rather than after it.
  const dataset =
    output !== undefined && !isStdout(output)
      ? await openFileTarget(output)
      : request.strict
        ? await openSpooledTarget(io.stdout, runtime.tempDirectory)
        : streamTarget(io.stdout);
  opened.push(dataset);
  const files: (OutputTarget | null)[] = [];
  for (const { path } of options.documents) {
    const file = path !== undefined && path !== '-' ? await openFileTarget(path) : null;
    if (file) opened.push(file);
    files.push(file);
  }
  return { dataset, files };
}

/** Writes one small document to its file target and commits it; on an output error, aborts it and returns the error. */
async function writeDocument(target: OutputTarget, content: string): Promise<OutputError | null> {
  try {
    await target.write(Buffer.from(content, 'utf8'));
    await target.commit();
    return null;
  } catch (error) {
    await target.abort();
    if (error instanceof OutputError) return error;
    throw error;
  }
}

async function generateInto(options: GenerateOptions): Promise<Outcome> {
  const { io, runtime, request, opened } = options;
  let targets;
  try {
    targets = await openTargets(options);
  } catch (error) {
    for (const target of opened) await target.abort();
    if (error instanceof OutputError) return { kind: 'failed', message: error.message };
    throw error;
  }
  const { dataset, files } = targets;
  const abortFrom = async (first: number) => {
    for (const file of files.slice(first)) await file?.abort();
  };
  const sink = formatSink(options.format, dataset);
  const bar = progressBarFor(request.n, io.stderr, runtime.nowMs);
  let result;
  try {
    result = await executeCliRun({
      config: options.config,
      runtime,
      request,
      requestReceived: options.body,
      sink,
      signal: options.signal,
      ...(bar === null ? {} : { onProgress: (done: number, total: number) => bar.update(done, total) }),
    });
  } catch (error) {
    bar?.finish();
    await abortFrom(0);
    if (sink.failure !== null && !options.signal.aborted) return { kind: 'failed', message: sink.failure.message };
    throw error;
  }
  bar?.finish();

  // In order; the first that cannot be written fails the command and the later ones are not written.
  for (const [i, document] of options.documents.entries()) {
    if (document.path === undefined) continue;
    const content = document.render(result);
    if (document.path === '-') io.stdout.write(content);
    const failed = files[i] ? await writeDocument(files[i], content).catch(async (error: unknown) => {
      await abortFrom(i + 1);
      throw error;
    }) : null;
    if (failed !== null) {
      await abortFrom(i + 1);
      return { kind: 'failed', message: failed.message };
    }
  }
  const destination = sink.committed ? dataset.label : null;
  io.stderr.write(formatPayloadSummary(result, { request, destination, format: options.format }));
  return { kind: 'done', code: exitCodeOf(result) };
}

export const generateCommand: Command = createGenerateCommand();
