/**
 * `moldova-personas example [-s SEED]`: five adults (analysis_only, seed 42 unless given) printed
 * as pretty JSON on stdout, and their payload summary on stderr. Same exit codes as `generate`.
 */
import { loadConfig } from '../../config/env.js';
import { effectiveRequestOf } from '../../runs/run-request.js';
import type { RunSink } from '../../runs/run-pipeline.js';
import { executeCliRun, PROCESS_RUNTIME, withCancellation, type CliRuntime } from '../cli-run.js';
import { EXIT_CODES, type Command } from '../command.js';
import { exitCodeOf, formatPayloadSummary } from '../payload-summary.js';
import { parseRequestFlags } from '../run-flags.js';

export const EXAMPLE_N = 5;
export const EXAMPLE_SEED = 42;
const USAGE = 'moldova-personas example [-s SEED]';

/** Keeps the few bytes of an example run in memory. */
function memorySink(): RunSink & { readonly text: () => string } {
  const chunks: Buffer[] = [];
  let committed = false;
  return {
    write: (chunk) => void chunks.push(Buffer.from(chunk)),
    commit: async () => {
      committed = true;
    },
    abort: async () => {
      chunks.length = 0;
    },
    text: () => (committed ? Buffer.concat(chunks).toString('utf8') : ''),
  };
}

export function createExampleCommand(runtime: CliRuntime = PROCESS_RUNTIME): Command {
  return {
    name: 'example',
    summary: `Print ${EXAMPLE_N} example personas (adults, analysis_only) and their payload summary`,
    usage: USAGE,
    help: `Options:
  -s, --seed SEED   0..4294967295 (default ${EXAMPLE_SEED})

The personas go to stdout as a JSON array; the payload summary to stderr.
Exit codes: 0 PASS or PASS_WITH_WARNINGS, 2 REJECT, 1 error.`,
    options: { seed: { type: 'string', short: 's' } },
    async run({ values }, io) {
      const config = loadConfig(io.env);
      const seed = typeof values['seed'] === 'string' ? values['seed'] : String(EXAMPLE_SEED);
      const flags = parseRequestFlags({ n: String(EXAMPLE_N), profile: 'analysis_only', scope: 'adults', seed }, config.MAX_N);
      if (!flags.ok) {
        for (const problem of flags.problems) io.stderr.write(`moldova-personas example: ${problem}\n`);
        io.stderr.write(`Usage: ${USAGE}\n`);
        return EXIT_CODES.error;
      }
      const request = effectiveRequestOf(flags.value.request, flags.value.request.seed ?? EXAMPLE_SEED);
      const sink = memorySink();
      const result = await withCancellation(
        runtime,
        () => undefined,
        (signal) => executeCliRun({ config, runtime, request, requestReceived: flags.value.body, sink, signal }),
      );
      const personas = sink
        .text()
        .split('\n')
        .filter((line) => line !== '')
        .map((line): unknown => JSON.parse(line));
      io.stdout.write(`${JSON.stringify(personas, null, 2)}\n`);
      io.stderr.write(formatPayloadSummary(result, { request, destination: personas.length > 0 ? 'stdout' : null, format: 'json' }));
      return exitCodeOf(result);
    },
  };
}

export const exampleCommand: Command = createExampleCommand();
