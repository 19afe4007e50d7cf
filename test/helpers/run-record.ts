// A queued run record for store tests: a fresh UUIDv7, a small adult request, overrides on top.
import { v7 as uuidv7 } from 'uuid';
import type { RunRecord } from '../../src/runs/run-store.js';

export function queuedRunRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    run_id: uuidv7(),
    status: 'queued',
    progress: { done: 0, total: 10 },
    // Keys out of alphabetical order: a store must give the request back as written.
    request: { n: 10, profile: 'analysis_only', zeta: 1, alpha: 2 },
    effective_request: { n: 10, profile: 'analysis_only', seed: 1, strict: false, scope: 'adults', use_ipf: true, traits: false, narratives: { provider: 'none' } },
    decision: null,
    gate_codes: null,
    created_at: '2026-11-24T10:00:00.000Z',
    started_at: null,
    finished_at: null,
    dataset: null,
    error: null,
    request_hash: 'h',
    idempotency_key: null,
    attempts: 0,
    ...overrides,
  };
}
