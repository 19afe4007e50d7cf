import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileRunStore } from '../../../src/runs/file-run-store.js';
import type { RunRecord } from '../../../src/runs/run-store.js';

let dataDir: string;
let store: FileRunStore;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mp-store-'));
  store = new FileRunStore(dataDir);
  await store.init();
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function record(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    run_id: uuidv7(),
    status: 'queued',
    created_at: '2026-11-24T10:00:00.000Z',
    started_at: null,
    finished_at: null,
    request: { n: 10, profile: 'analysis_only' },
    effective_request: { n: 10, profile: 'analysis_only', seed: 1, strict: false, scope: 'adults', use_ipf: true, traits: false, narratives: { provider: 'none' } },
    request_hash: 'h',
    idempotency_key: null,
    progress: { done: 0, total: 10 },
    decision: null,
    gate_codes: null,
    dataset: null,
    error: null,
    attempts: 0,
    ...overrides,
  };
}

describe('FileRunStore', () => {
  it('creates, reads and replaces a record, leaving no temp files', async () => {
    const run = record();
    await store.create(run);
    expect(await store.get(run.run_id)).toEqual(run);
    await store.put({ ...run, status: 'running' });
    expect((await store.get(run.run_id))?.status).toBe('running');
    expect((await readdir(join(dataDir, 'runs', run.run_id))).filter((f) => f.includes('.tmp-'))).toEqual([]);
    await expect(store.create(run)).rejects.toThrow();
  });

  it('answers null for unknown and malformed ids (no path traversal)', async () => {
    expect(await store.get(uuidv7())).toBeNull();
    expect(await store.get('../../etc/passwd')).toBeNull();
    expect(await store.openDatasetReader('..')).toBeNull();
  });

  it('reads a truncated, schema-invalid or folder run.json as a failed run, keeping what still parses', async () => {
    const truncated = record({ idempotency_key: 'key-t', created_at: '2026-11-20T08:00:00.000Z' });
    const invalid = record();
    const folder = record();
    for (const run of [truncated, invalid, folder]) await store.create(run);
    const runJson = (run: RunRecord) => join(dataDir, 'runs', run.run_id, 'run.json');
    await writeFile(runJson(truncated), JSON.stringify(truncated).slice(0, 200));
    await writeFile(runJson(invalid), JSON.stringify({ ...invalid, status: 'exploded', idempotency_key: 'key-i', request_hash: 'hash-i' }));
    await rm(runJson(folder));
    await mkdir(runJson(folder));

    const expected = { status: 'failed', error: { code: 'RUN_STORE_CORRUPT' }, dataset: null, decision: null };
    expect(await store.get(truncated.run_id)).toMatchObject({ ...expected, effective_request: null, idempotency_key: null, request_hash: '' });
    // Schema-invalid: the fields that parse on their own are kept, the Idempotency-Key with them.
    expect(await store.get(invalid.run_id)).toMatchObject({ ...expected, effective_request: invalid.effective_request, idempotency_key: 'key-i', request_hash: 'hash-i' });
    const fromFolder = await store.get(folder.run_id);
    expect(fromFolder).toMatchObject(expected);
    // No created_at to salvage: the one the UUIDv7 id carries (within the second it was made).
    expect(Math.abs(Date.parse(fromFolder!.created_at) - Date.now())).toBeLessThan(60_000);
    expect((await store.list({ limit: 10 })).runs.map((run) => run.status)).toEqual(['failed', 'failed', 'failed']);
    expect(await store.listUnfinished()).toEqual([]);
  });

  it('deletes and expires runs whose run.json is unreadable (by when it was last written)', async () => {
    const kept = record();
    const expired = record();
    const deleted = record();
    for (const run of [kept, expired, deleted]) {
      await store.create(run);
      await writeFile(join(dataDir, 'runs', run.run_id, 'run.json'), '{"run_id": ');
    }
    const lastWeek = new Date(Date.now() - 7 * 86_400_000);
    await utimes(join(dataDir, 'runs', expired.run_id, 'run.json'), lastWeek, lastWeek);
    await store.delete(deleted.run_id);
    expect(await store.get(deleted.run_id)).toBeNull();
    expect(await store.sweepFinishedBefore(new Date(Date.now() - 86_400_000).toISOString())).toBe(1);
    expect(await store.get(expired.run_id)).toBeNull();
    expect(await store.get(kept.run_id)).toMatchObject({ status: 'failed' });
  });

  it('lists newest first with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const run = record();
      ids.push(run.run_id);
      await store.create(run);
    }
    const first = await store.list({ limit: 2 });
    expect(first.runs.map((r) => r.run_id)).toEqual([ids[4], ids[3]]);
    const second = await store.list({ limit: 2, cursor: first.next_cursor ?? undefined });
    expect(second.runs.map((r) => r.run_id)).toEqual([ids[2], ids[1]]);
    const third = await store.list({ limit: 2, cursor: second.next_cursor ?? undefined });
    expect(third.runs.map((r) => r.run_id)).toEqual([ids[0]]);
    expect(third.next_cursor).toBeNull();
  });

  it('makes a dataset visible only on commit; abort leaves nothing', async () => {
    const run = record();
    await store.create(run);
    const aborted = await store.openDatasetWriter(run.run_id);
    await aborted.write(new TextEncoder().encode('{"a":1}\n'));
    expect(await store.openDatasetReader(run.run_id)).toBeNull();
    await aborted.abort();
    expect(await store.openDatasetReader(run.run_id)).toBeNull();
    const writer = await store.openDatasetWriter(run.run_id);
    await writer.write(new TextEncoder().encode('{"a":1}\n'));
    await writer.write(new TextEncoder().encode('{"a":2}\n'));
    await writer.commit();
    const reader = await store.openDatasetReader(run.run_id);
    expect(await text(reader!)).toBe('{"a":1}\n{"a":2}\n');
    expect((await readdir(join(dataDir, 'runs', run.run_id))).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('stores a finished run: artifacts and an in-memory dataset, then the record', async () => {
    const run = record({ status: 'running' });
    await store.create(run);
    const finished: RunRecord = { ...run, status: 'succeeded', finished_at: '2026-11-24T06:00:00.000Z' };
    const encoder = new TextEncoder();
    await store.putFinished(
      finished,
      { payload: { p: 1 }, report: { r: 'ă' }, manifest: { m: [1, 2] } },
      { dataset: [encoder.encode('{"a":1}\n'), encoder.encode('{"a":2}\n')] },
    );
    const dir = join(dataDir, 'runs', run.run_id);
    expect((await readdir(dir)).sort()).toEqual(['dataset.ndjson', 'manifest.json', 'payload.json', 'report.json', 'run.json']);
    expect(await store.get(run.run_id)).toEqual(finished);
    expect(await store.getArtifact(run.run_id, 'payload')).toEqual({ p: 1 });
    expect(await store.getArtifact(run.run_id, 'report')).toEqual({ r: 'ă' });
    expect(await store.getArtifact(run.run_id, 'manifest')).toEqual({ m: [1, 2] });
    expect(await text((await store.openDatasetReader(run.run_id))!)).toBe('{"a":1}\n{"a":2}\n');
  });

  it('creates a run never stored before (isNew) with its files in one step', async () => {
    const run = record({ status: 'succeeded' });
    await store.putFinished(run, { payload: { p: 2 }, report: {}, manifest: {} }, { dataset: [new TextEncoder().encode('{"b":1}\n')], isNew: true });
    expect(await store.get(run.run_id)).toEqual(run);
    expect(await store.getArtifact(run.run_id, 'payload')).toEqual({ p: 2 });
    expect(await text((await store.openDatasetReader(run.run_id))!)).toBe('{"b":1}\n');
    expect((await store.list({ limit: 10 })).runs.map((r) => r.run_id)).toContain(run.run_id);
  });

  it('stores a finished run without a dataset when none is given (streamed or withheld)', async () => {
    const run = record({ status: 'running' });
    await store.create(run);
    await store.putFinished({ ...run, status: 'rejected' }, { payload: {}, report: {}, manifest: {} });
    expect((await readdir(join(dataDir, 'runs', run.run_id))).sort()).toEqual(['manifest.json', 'payload.json', 'report.json', 'run.json']);
    expect(await store.openDatasetReader(run.run_id)).toBeNull();
    expect(await store.get(run.run_id)).toMatchObject({ status: 'rejected' });
  });

  it('discards the temp files an interrupted attempt left, keeping committed files', async () => {
    const run = record({ status: 'running' });
    await store.create(run);
    const dir = join(dataDir, 'runs', run.run_id);
    await writeFile(join(dir, 'dataset.ndjson.tmp-0b1c'), '{"half":');
    await writeFile(join(dir, 'payload.json.tmp-77aa'), '{');
    const committed = await store.openDatasetWriter(run.run_id);
    await committed.write(new TextEncoder().encode('{"kept":1}\n'));
    await committed.commit();
    await store.discardIncomplete(run.run_id);
    expect((await readdir(dir)).sort()).toEqual(['dataset.ndjson', 'run.json']);
    expect(await text((await store.openDatasetReader(run.run_id))!)).toBe('{"kept":1}\n');
    await expect(store.discardIncomplete('../../etc')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
  });

  it('lets the first claim of an idempotency key win, and frees it when the run is deleted', async () => {
    const first = record({ idempotency_key: 'key-1' });
    const second = record({ idempotency_key: 'key-1' });
    expect(await store.create(first)).toBe(first.run_id);
    expect(await store.create(second)).toBe(first.run_id);
    // The run that lost the claim was never created.
    expect(await store.get(second.run_id)).toBeNull();
    expect(await store.findByIdempotencyKey('key-1')).toEqual(first);
    await store.delete(first.run_id);
    expect(await store.findByIdempotencyKey('key-1')).toBeNull();
    expect(await store.create(second)).toBe(second.run_id);
    expect(await store.findByIdempotencyKey('key-1')).toEqual(second);
  });

  it('removes the Idempotency-Key file of a run with the run, by DELETE and by the TTL sweep', async () => {
    const deleted = record({ idempotency_key: 'key-d' });
    const expired = record({ idempotency_key: 'key-e', status: 'succeeded', finished_at: '2026-11-01T00:00:00.000Z' });
    const kept = record({ idempotency_key: 'key-k', status: 'succeeded', finished_at: '2026-11-24T00:00:00.000Z' });
    for (const run of [deleted, expired, kept]) await store.create(run);
    const keys = () => readdir(join(dataDir, 'runs', '_idempotency'));
    expect(await keys()).toHaveLength(3);
    await store.delete(deleted.run_id);
    await store.sweepFinishedBefore('2026-11-10T00:00:00.000Z');
    expect(await keys()).toHaveLength(1);
    expect(await store.findByIdempotencyKey('key-k')).toEqual(kept);
  });

  it('sweeps the leftovers of failed writes at start: temp files, folders without run.json, orphan keys', async () => {
    const run = record({ idempotency_key: 'key-live' });
    await store.create(run);
    const runs = join(dataDir, 'runs');
    await writeFile(join(runs, run.run_id, 'run.json.tmp-1a2b'), '{"half');
    await writeFile(join(runs, run.run_id, 'payload.json.tmp-3c4d'), '');
    await writeFile(join(runs, '.probe.tmp-5e6f'), '');
    const neverCreated = join(runs, uuidv7());
    await mkdir(neverCreated);
    await writeFile(join(neverCreated, 'manifest.json.tmp-7a8b'), '{');
    await writeFile(join(runs, '_idempotency', 'a'.repeat(64)), uuidv7()); // its run is gone
    await writeFile(join(runs, '_idempotency', 'b'.repeat(64)), ''); // its claim never got a run id
    await writeFile(join(runs, '_idempotency', `${'c'.repeat(64)}.tmp-9c0d`), 'x');

    expect(await store.sweepLeftovers()).toBe(7);
    expect((await readdir(runs)).sort()).toEqual([run.run_id, '_idempotency'].sort());
    expect(await readdir(join(runs, run.run_id))).toEqual(['run.json']);
    expect(await store.findByIdempotencyKey('key-live')).toEqual(run);
    expect(await readdir(join(runs, '_idempotency'))).toHaveLength(1);
  });

  it('sweeps finished runs older than the cutoff and keeps unfinished ones', async () => {
    const old = record({ status: 'succeeded', finished_at: '2026-11-01T00:00:00.000Z' });
    const recent = record({ status: 'succeeded', finished_at: '2026-11-24T00:00:00.000Z' });
    const running = record({ status: 'running', created_at: '2026-10-01T00:00:00.000Z' });
    for (const run of [old, recent, running]) await store.create(run);
    expect(await store.sweepFinishedBefore('2026-11-10T00:00:00.000Z')).toBe(1);
    expect(await store.get(old.run_id)).toBeNull();
    expect(await store.get(recent.run_id)).not.toBeNull();
    expect((await store.listUnfinished()).map((r) => r.run_id)).toEqual([running.run_id]);
  });
});
