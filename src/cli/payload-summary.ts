/**
 * The few lines `generate` and `example` print on stderr when a run ends: the decision and why,
 * where the dataset went, and how to reproduce it. The full payload goes to `--payload FILE`.
 */
import type { PipelineResult } from '../runs/run-pipeline.js';
import type { EffectiveRequest } from '../domain/request.js';
import { EXIT_CODES, type ExitCode } from './command.js';

const grouped = new Intl.NumberFormat('en-US');

export interface SummaryContext {
  readonly request: EffectiveRequest;
  /** Where the dataset was written ("stdout", a path), or null when it was not written anywhere. */
  readonly destination: string | null;
  readonly format: string;
}

function datasetLine(result: PipelineResult, context: SummaryContext): string {
  const { generated, withheld } = result;
  if (generated === null) return 'dataset:    none generated (stopped before sampling)';
  const size = `${grouped.format(generated.n)} personas, ${grouped.format(generated.bytes)} NDJSON bytes`;
  if (withheld) return `dataset:    withheld in strict mode (${size}); nothing was written`;
  const where = context.destination === null ? '' : ` → ${context.destination} (${context.format})`;
  return `dataset:    ${size}${where}`;
}

export function formatPayloadSummary(result: PipelineResult, context: SummaryContext): string {
  const { payload } = result;
  const { request } = context;
  return [
    `decision:   ${payload.decision} (tier ${payload.quality_tier}, confidence ${payload.confidence}${payload.strict_mode ? ', strict' : ''})`,
    `gates:      ${payload.gate_codes.join(', ')}`,
    datasetLine(result, context),
    `sha256:     ${payload.dataset_sha256 ?? 'none'} (of the NDJSON bytes)`,
    `run:        ${payload.run_id} · profile ${request.profile} · scope ${request.scope} · seed ${request.seed}`,
    `time:       ${payload.generation_time_seconds.toFixed(2)} s`,
    '',
  ].join('\n');
}

/** 0 for PASS and PASS_WITH_WARNINGS, 2 for REJECT. */
export function exitCodeOf(result: PipelineResult): ExitCode {
  return result.payload.decision === 'REJECT' ? EXIT_CODES.reject : EXIT_CODES.ok;
}
