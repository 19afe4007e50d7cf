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

/** Flags that do not make up the request: where things go. */
function outputProblems(output: string | undefined, payload: string | undefined): string[] {
  if (payload === undefined) return [];
  if (isStdout(output) && payload === '-') return ['--payload - and the dataset cannot both go to stdout; give -o FILE'];
  if (!isStdout(output) && output === payload) return ['-o and --payload name the same file'];
  return [];
}

/** Where the card may go: not where the dataset or the payload goes. */
function cardProblems(output: string | undefined, payload: string | undefined, card: string | undefined): string[] {
  if (card === undefined) return [];
  if (card === '-') {
    if (isStdout(output)) return ['--card - and the dataset cannot both go to stdout; give -o FILE'];
    return payload === '-' ? ['--card - and --payload - cannot both go to stdout'] : [];
  }
  if (!isStdout(output) && output === card) return ['-o and --card name the same file'];
  return payload === card ? ['--payload and --card name the same file'] : [];
}

/** Where the HTML report may go: stdout only when nothing else goes there, never where another document goes. */
function reportProblems(others: { output: string | undefined; payload: string | undefined; card: string | undefined }, report: string | undefined): string[] {
  if (report === undefined) return [];
  if (report === '-') {
    if (isStdout(others.output)) return ['--report - and the dataset cannot both go to stdout; give -o FILE'];
    if (others.payload === '-' || others.card === '-') return ['--report - cannot share stdout with --payload - or --card -'];
    return [];
  }
  if (!isStdout(others.output) && others.output === report) return ['-o and --report name the same file'];
  if (others.payload === report) return ['--payload and --report name the same file'];
  return others.card === report ? ['--card and --report name the same file'] : [];
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
      const payloadPath = text(values, 'payload');
      const cardPath = text(values, 'card');
      const reportPath = text(values, 'report');
      const problems = [
        ...(flags.ok ? [] : flags.problems),
        ...(format.ok ? [] : format.problems),
        ...outputProblems(output, payloadPath),
        ...cardProblems(output, payloadPath, cardPath),
        ...reportProblems({ output, payload: payloadPath, card: cardPath }, reportPath),
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
        (signal) => generateInto({ io, runtime, config, request, body: flags.value.body, format: format.value, output, payloadPath, cardPath, reportPath, opened, signal }),
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
  readonly payloadPath: string | undefined;
  readonly cardPath: string | undefined;
  readonly reportPath: string | undefined;
  /** Filled with the targets as they open, for a forced exit to clean up. */
  readonly opened: OutputTarget[];
  readonly signal: AbortSignal;
}

type Outcome = { readonly kind: 'done'; readonly code: ExitCode } | { readonly kind: 'failed'; readonly message: string };

async function openTargets(
  options: GenerateOptions,
): Promise<{ dataset: OutputTarget; payloadFile: OutputTarget | null; cardFile: OutputTarget | null; reportFile: OutputTarget | null }> {
  const { io, runtime, request, output, payloadPath, cardPath, reportPath, opened } = options;
  // Opened before the run, so a bad path fails in milliseconds rather than after it.
  const dataset =
    output !== undefined && !isStdout(output)
      ? await openFileTarget(output)
      : request.strict
        ? await openSpooledTarget(io.stdout, runtime.tempDirectory)
        : streamTarget(io.stdout);
  opened.push(dataset);
  let payloadFile: OutputTarget | null = null;
  if (payloadPath !== undefined && payloadPath !== '-') {
    payloadFile = await openFileTarget(payloadPath);
    opened.push(payloadFile);
  }
  let cardFile: OutputTarget | null = null;
  if (cardPath !== undefined && cardPath !== '-') {
    cardFile = await openFileTarget(cardPath);
    opened.push(cardFile);
  }
  let reportFile: OutputTarget | null = null;
  if (reportPath !== undefined && reportPath !== '-') {
    reportFile = await openFileTarget(reportPath);
    opened.push(reportFile);
  }
  return { dataset, payloadFile, cardFile, reportFile };
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
  const { dataset, payloadFile, cardFile, reportFile } = targets;
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
    await payloadFile?.abort();
    await cardFile?.abort();
    await reportFile?.abort();
    if (sink.failure !== null && !options.signal.aborted) return { kind: 'failed', message: sink.failure.message };
    throw error;
  }
  bar?.finish();

  const payloadJson = `${JSON.stringify(result.payload, null, 2)}\n`;
  if (options.payloadPath === '-') io.stdout.write(payloadJson);
  if (payloadFile !== null) {
    try {
      await payloadFile.write(Buffer.from(payloadJson, 'utf8'));
      await payloadFile.commit();
    } catch (error) {
      await payloadFile.abort();
      await cardFile?.abort();
      await reportFile?.abort();
      if (error instanceof OutputError) return { kind: 'failed', message: error.message };
      throw error;
    }
  }
  if (options.cardPath !== undefined) {
    // The card reads the run's own documents: the same run gives the same card as GET /v1/runs/{id}/card.
    const card = renderDatasetCard({ manifest: result.manifest, payload: result.payload, report: result.report });
    if (options.cardPath === '-') io.stdout.write(card);
    const failed = cardFile === null ? null : await writeDocument(cardFile, card);
    if (failed !== null) {
      await reportFile?.abort();
      return { kind: 'failed', message: failed.message };
    }
  }
  if (options.reportPath !== undefined) {
    // The same page as GET /v1/runs/{id}/report with Accept: text/html.
    const page = renderTrustReportHtml({ manifest: result.manifest, payload: result.payload, report: result.report });
    if (options.reportPath === '-') io.stdout.write(page);
    const failed = reportFile === null ? null : await writeDocument(reportFile, page);
    if (failed !== null) return { kind: 'failed', message: failed.message };
  }
  const destination = sink.committed ? dataset.label : null;
  io.stderr.write(formatPayloadSummary(result, { request, destination, format: options.format }));
  return { kind: 'done', code: exitCodeOf(result) };
}

export const generateCommand: Command = createGenerateCommand();
