/**
 * The run manifest (SPEC §10): everything needed to reproduce and audit a run — the request as
 * received and after defaults, its config hash and seed, the generator and Node versions, the
 * snapshot hash with every table's hash and provenance, the PxWeb fetch log, the execution
 * layout (workers, shard size), calibration diagnostics, the dataset hash, the output files and
 * the decision. Pure: times, versions and files are arguments.
 */
import { z } from 'zod';
import { EffectiveRequestSchema, PXWEB_MODES } from '../domain/request.js';
import type { EvaluationInput, PreflightInput } from './evaluation-input.js';
import { CONFIDENCE_LEVELS } from './confidence.js';
import { DECISIONS } from './decision.js';
import type { TrustEvaluation } from './evaluate.js';
import { GATE_CODES } from './gate-table.js';
import { Sha256Schema } from './payload-schema.js';
import { QUALITY_TIER_VALUES } from './quality-tier.js';
import { CalibrationDiagnosticsSchema, PxwebFetchAttemptSchema, TableProvenanceSchema } from './report-schema.js';

export const MANIFEST_VERSION = '1.0';

const isoTime = z.iso.datetime();

export const OutputFileSchema = z.strictObject({
  name: z.string().min(1),
  media_type: z.string().min(1),
  bytes: z.number().int().min(0),
  sha256: Sha256Schema,
});
export type OutputFile = z.infer<typeof OutputFileSchema>;

export const RunManifestSchema = z.strictObject({
  manifest_version: z.literal(MANIFEST_VERSION),
  run_id: z.string(),
  created_at: isoTime,
  started_at: isoTime.nullable(),
  finished_at: isoTime.nullable(),
  request: z.strictObject({
    received: z.record(z.string(), z.unknown()).describe('The request body exactly as received.'),
    effective: EffectiveRequestSchema,
  }),
  config_hash: Sha256Schema,
  seed: z.number(),
  software: z.strictObject({
    generator_version: z.string(),
    requested_generator_version: z.string().nullable(),
    node_version: z.string(),
  }),
  snapshot: z.strictObject({
    snapshot_hash: z.string(),
    pxweb_mode: z.enum(PXWEB_MODES),
    tables: z.array(TableProvenanceSchema),
  }),
  pxweb_fetch_log: z.array(PxwebFetchAttemptSchema),
  execution: z.strictObject({ worker_count: z.number().int().min(0), shard_size: z.number().int().min(1) }),
  calibration: CalibrationDiagnosticsSchema.nullable(),
  dataset_sha256: Sha256Schema.nullable(),
  output_files: z.array(OutputFileSchema),
  decision: z.strictObject({
    stage: z.enum(['preflight', 'final']),
    decision: z.enum(DECISIONS),
    quality_tier: z.enum(QUALITY_TIER_VALUES),
    confidence: z.enum(CONFIDENCE_LEVELS),
    gate_codes: z.array(z.enum(GATE_CODES)).min(1),
    hard_gates_triggered: z.boolean(),
    should_escalate: z.boolean(),
    escalation_priority: z.number().int().min(1).max(10),
    dataset_withheld: z.boolean(),
    n_requested: z.number().int().min(0),
    n_generated: z.number().int().min(0),
  }),
});
export type RunManifest = z.infer<typeof RunManifestSchema>;

export interface ManifestRunInfo {
  readonly run_id: string;
  readonly created_at: string;
  /** null when the run never started sampling (e.g. rejected by strict preflight before a worker took it). */
  readonly started_at: string | null;
  readonly finished_at: string | null;
  readonly request_received: Readonly<Record<string, unknown>>;
  /** `process.version` of the process that ran it, passed in by the shell. */
  readonly node_version: string;
  readonly worker_count: number;
  readonly shard_size: number;
  readonly dataset_sha256: Sha256 | null;
  readonly output_files: readonly (Omit<OutputFile, 'sha256'> & { readonly sha256: Sha256 })[];
}

/** A hash as the manifest writes it (the type keeps other algorithms out at compile time). */
type Sha256 = `sha256:${string}`;

export function buildRunManifest(input: PreflightInput | EvaluationInput, evaluation: TrustEvaluation, run: ManifestRunInfo): RunManifest {
  const generated = evaluation.stage === 'final' && 'n_generated' in input ? input : null;
  const manifest: RunManifest = {
    manifest_version: MANIFEST_VERSION,
    run_id: run.run_id,
    created_at: run.created_at,
    started_at: run.started_at,
    finished_at: run.finished_at,
    request: {
      received: JSON.parse(JSON.stringify(run.request_received)) as Record<string, unknown>,
      effective: { ...input.request, narratives: { ...input.request.narratives } },
    },
    config_hash: evaluation.config_hash,
    seed: input.request.seed,
    software: {
      generator_version: input.generator_version,
      requested_generator_version: input.requested_generator_version,
      node_version: run.node_version,
    },
    snapshot: {
      snapshot_hash: input.snapshot_hash,
      pxweb_mode: input.pxweb_mode,
      tables: [...input.tables].sort((a, b) => (a.table_id < b.table_id ? -1 : a.table_id > b.table_id ? 1 : 0)).map((table) => ({ ...table })),
    },
    pxweb_fetch_log: input.fetch_log.map((attempt) => ({ ...attempt })),
    execution: { worker_count: run.worker_count, shard_size: run.shard_size },
    calibration: generated === null || generated.calibration === null ? null : { ...generated.calibration },
    dataset_sha256: run.dataset_sha256,
    output_files: run.output_files.map((file) => ({ ...file })),
    decision: {
      stage: evaluation.stage,
      decision: evaluation.decision,
      quality_tier: evaluation.quality_tier,
      confidence: evaluation.confidence,
      gate_codes: [...evaluation.gate_codes],
      hard_gates_triggered: evaluation.hard_gates_triggered,
      should_escalate: evaluation.should_escalate,
      escalation_priority: evaluation.escalation_priority,
      dataset_withheld: evaluation.withhold_dataset,
      n_requested: input.request.n,
      n_generated: generated?.n_generated ?? 0,
    },
  };
  // Built to the schema's type; tests check built manifests against the schema (random inputs too) and
  // every served one against the contract, so a run does not re-parse it (~1 ms each on the hot path).
  return manifest;
}
