/**
 * A run's record at each step of its life, as pure functions of the record before (no clock,
 * no I/O: times are arguments):
 *
 *   queued ─► running ─► succeeded | rejected          (finishedOf)
 *      ▲         ├────► failed | cancelled             (endedOf)
 *      └─────────┘      queued again, for the next start (requeuedOf: shutdown, recovery)
 */
import type { PipelineResult } from './run-pipeline.js';
import { effectiveRequestOf, type RunRequest } from './run-request.js';
import type { RunRecord } from './run-store.js';

/** The record of a newly admitted run, before anything ran. */
export function queuedRecordOf(
  body: RunRequest,
  run: { readonly runId: string; readonly createdAt: string; readonly seed: number; readonly requestHash: string; readonly idempotencyKey: string | null },
): RunRecord {
  return {
    run_id: run.runId,
    status: 'queued',
    progress: { done: 0, total: body.n },
    request: body,
    effective_request: effectiveRequestOf(body, run.seed),
    decision: null,
    gate_codes: null,
    created_at: run.createdAt,
    started_at: null,
    finished_at: null,
    dataset: null,
    error: null,
    request_hash: run.requestHash,
    idempotency_key: run.idempotencyKey,
    attempts: 0,
  };
}

/** The run starts executing: one more attempt (`started_at` is set once sampling starts). */
export function startedOf(record: RunRecord): RunRecord {
  return { ...record, status: 'running', attempts: record.attempts + 1 };
}

/** The pipeline returned: succeeded, or rejected by its trust decision. */
export function finishedOf(started: RunRecord, result: PipelineResult): RunRecord {
  return {
    ...started,
    started_at: result.startedAt,
    finished_at: result.finishedAt,
    status: result.evaluation.decision === 'REJECT' ? 'rejected' : 'succeeded',
    decision: result.evaluation.decision,
    gate_codes: [...result.evaluation.gate_codes],
    progress: { done: result.generated?.n ?? 0, total: started.progress.total },
    dataset: result.generated
      ? {
          sha256: `sha256:${result.generated.dataset_sha256}`,
          bytes: result.generated.bytes,
          n: result.generated.n,
          withheld: result.withheld,
        }
      : null,
  };
}

/** The run ended without a result: cancelled, or failed with the error's code and message. */
export function endedOf(
  record: RunRecord,
  end: { readonly status: 'cancelled' } | { readonly status: 'failed'; readonly error: NonNullable<RunRecord['error']> },
  finishedAt: string,
): RunRecord {
  return { ...record, ...end, finished_at: finishedAt };
}

/** Back to the queue (interrupted by a shutdown, or found unfinished at start): it runs again from scratch. */
export function requeuedOf(record: RunRecord): RunRecord {
  return { ...record, status: 'queued', started_at: null, progress: { done: 0, total: record.progress.total } };
}
