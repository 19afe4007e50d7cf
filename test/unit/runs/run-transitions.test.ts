/**
 * A run's record at each step: what each transition sets, and what it keeps from the record before.
 */
import { describe, expect, it } from 'vitest';
import type { PipelineResult } from '../../../src/runs/run-pipeline.js';
import { RunRecordSchema, type RunRecord } from '../../../src/runs/run-store.js';
import { endedOf, finishedOf, queuedRecordOf, requeuedOf, startedOf } from '../../../src/runs/run-transitions.js';

const RUN_ID = '0190a0a0-0000-7000-8000-0000000000aa';
const queued = (): RunRecord =>
  queuedRecordOf(
    { n: 50, profile: 'high_stakes', scope: 'all' },
    { runId: RUN_ID, createdAt: '2026-11-24T10:00:00.000Z', seed: 4_294_967_295, requestHash: 'sha256:abc', idempotencyKey: 'k-1' },
  );

/** What the transitions read of a pipeline result (the documents themselves are not part of the record). */
function resultOf(decision: 'PASS' | 'REJECT', generated: { n: number } | null, withheld: boolean): PipelineResult {
  return {
    evaluation: { decision, gate_codes: decision === 'REJECT' ? ['DUPLICATE_RECORDS'] : [] },
    generated: generated && { ...generated, dataset_sha256: 'ff'.repeat(32), bytes: 999 },
    withheld,
    startedAt: '2026-11-24T10:00:01.000Z',
    finishedAt: '2026-11-24T10:00:02.000Z',
  } as unknown as PipelineResult;
}

describe('run transitions', () => {
  it('queues a run with its defaults applied and nothing run yet', () => {
    const record = queued();
    expect(RunRecordSchema.parse(record)).toEqual(record);
    expect(record).toMatchObject({
      run_id: RUN_ID,
      status: 'queued',
      progress: { done: 0, total: 50 },
      request: { n: 50, profile: 'high_stakes', scope: 'all' },
      effective_request: { n: 50, profile: 'high_stakes', seed: 4_294_967_295, strict: true, scope: 'all', use_ipf: true, traits: false, narratives: { provider: 'template' } },
      request_hash: 'sha256:abc',
      idempotency_key: 'k-1',
      started_at: null,
      finished_at: null,
      decision: null,
      dataset: null,
      attempts: 0,
    });
  });

  it('starts a run: running, one attempt more, started_at left for the pipeline to set', () => {
    const started = startedOf(startedOf(queued()));
    expect(started).toMatchObject({ status: 'running', attempts: 2, started_at: null });
  });

  it('finishes a run as its decision says, with its dataset (withheld or not) or none', () => {
    const started = startedOf(queued());
    expect(finishedOf(started, resultOf('PASS', { n: 50 }, false))).toMatchObject({
      status: 'succeeded',
      decision: 'PASS',
      gate_codes: [],
      started_at: '2026-11-24T10:00:01.000Z',
      finished_at: '2026-11-24T10:00:02.000Z',
      progress: { done: 50, total: 50 },
      dataset: { sha256: `sha256:${'ff'.repeat(32)}`, bytes: 999, n: 50, withheld: false },
      attempts: 1,
    });
    expect(finishedOf(started, resultOf('REJECT', { n: 50 }, true))).toMatchObject({ status: 'rejected', dataset: { withheld: true } });
    expect(finishedOf(started, resultOf('REJECT', null, true))).toMatchObject({ status: 'rejected', progress: { done: 0, total: 50 }, dataset: null });
  });

  it('ends a run cancelled or failed at the given time, keeping the rest', () => {
    const started = startedOf(queued());
    expect(endedOf(started, { status: 'cancelled' }, '2026-11-24T11:00:00.000Z')).toEqual({ ...started, status: 'cancelled', finished_at: '2026-11-24T11:00:00.000Z' });
    expect(endedOf(started, { status: 'failed', error: { code: 'RUN_WORKER_FAILED', message: 'gone' } }, '2026-11-24T11:00:00.000Z')).toEqual({
      ...started,
      status: 'failed',
      error: { code: 'RUN_WORKER_FAILED', message: 'gone' },
      finished_at: '2026-11-24T11:00:00.000Z',
    });
  });

  it('requeues a run from scratch, keeping its attempts', () => {
    const running: RunRecord = { ...startedOf(queued()), started_at: '2026-11-24T10:00:01.000Z', progress: { done: 30, total: 50 } };
    expect(requeuedOf(running)).toEqual({ ...running, status: 'queued', started_at: null, progress: { done: 0, total: 50 } });
  });
});
