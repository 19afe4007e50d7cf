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
import { RunRecordSchema, type RunRecord } from './run-store.js';

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

/** What an unreadable record's error says: the run cannot be resumed or served, only deleted. */
export const UNREADABLE_RECORD_ERROR = {
  code: 'RUN_STORE_CORRUPT',
  message: 'The stored run record is unreadable (truncated, not matching the schema, or not a file); the run cannot be resumed. DELETE it and submit the request again.',
} as const;

/** The record fields worth taking over from an unreadable record, each when it still parses alone. */
const SALVAGED = ['request', 'created_at', 'request_hash', 'idempotency_key', 'attempts', 'effective_request'] as const;

/** UUIDv7 carries its creation time in its first 48 bits (ms since the epoch). */
function createdAtOfId(runId: string): string {
  const ms = Number.parseInt(runId.replace(/-/g, '').slice(0, 12), 16);
  return new Date(Number.isFinite(ms) ? ms : 0).toISOString();
}

/**
 * A run whose stored record cannot be read back (truncated, schema-invalid, replaced by a folder)
 * as a `failed` run: it can be read, listed, deleted and expired like any finished run. Whatever
 * of the stored fields still parses is kept (its Idempotency-Key too, so the key answers for it);
 * `finished_at` is when the record was last written, so the TTL counts from there.
 */
export function unreadableRecordOf(runId: string, raw: unknown, lastWrittenAt: string): RunRecord {
  const stored = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const salvaged: Partial<RunRecord> = {};
  for (const field of SALVAGED) {
    const parsed = RunRecordSchema.shape[field].safeParse(stored[field]);
    if (parsed.success && parsed.data !== undefined) Object.assign(salvaged, { [field]: parsed.data });
  }
  return {
    run_id: runId,
    status: 'failed',
    progress: { done: 0, total: salvaged.effective_request?.n ?? 0 },
    request: salvaged.request ?? null,
    effective_request: salvaged.effective_request ?? null,
    decision: null,
    gate_codes: null,
    created_at: salvaged.created_at ?? createdAtOfId(runId),
    started_at: null,
    finished_at: lastWrittenAt,
    dataset: null,
    error: { ...UNREADABLE_RECORD_ERROR },
    request_hash: salvaged.request_hash ?? '',
    idempotency_key: salvaged.idempotency_key ?? null,
    attempts: salvaged.attempts ?? 0,
  };
}
