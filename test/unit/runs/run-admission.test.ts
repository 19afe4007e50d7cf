/**
 * Admission: MAX_QUEUE counts tracked runs and pending submits, and holds under concurrent
 * submits; tasks with one Idempotency-Key run one after the other (other keys do not wait); a
 * used key answers with its run, or 422 for another body.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunAdmission, runOfKey } from '../../../src/runs/run-admission.js';
import { queuedRecordOf } from '../../../src/runs/run-transitions.js';
import { gate, tempFileStore } from '../../helpers/runs-service.js';

describe('RunAdmission', () => {
  it('refuses a submit once tracked runs and pending submits reach MAX_QUEUE, and frees a slot when a submit ends', async () => {
    let tracked = 1;
    const admission = new RunAdmission({ maxQueue: 3, tracked: () => tracked });
    const hold = gate();
    const pending = [admission.withQueueSlot(() => hold.promise), admission.withQueueSlot(() => hold.promise)];
    await expect(admission.withQueueSlot(async () => 'x')).rejects.toMatchObject({ code: 'SERVICE_QUEUE_FULL', details: { retryAfterSeconds: 10 } });
    hold.open();
    await Promise.all(pending);
    tracked = 2;
    expect(await admission.withQueueSlot(async () => 'taken')).toBe('taken');
    await expect(admission.withQueueSlot(async () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    // The failed submit gave its slot back.
    expect(await admission.withQueueSlot(async () => 'again')).toBe('again');
  });

  it('runs tasks holding the same key one after the other, and tasks of other keys meanwhile', async () => {
    const admission = new RunAdmission({ maxQueue: 8, tracked: () => 0 });
    const events: string[] = [];
    const hold = gate();
    const first = admission.withKeyLock('k', async () => {
      events.push('first starts');
      await hold.promise;
      events.push('first ends');
    });
    const second = admission.withKeyLock('k', async () => void events.push('second runs'));
    await admission.withKeyLock('other', async () => void events.push('other runs'));
    hold.open();
    await Promise.all([first, second]);
    expect(events).toEqual(['first starts', 'other runs', 'first ends', 'second runs']);
  });

  it('releases a key whose task failed', async () => {
    const admission = new RunAdmission({ maxQueue: 8, tracked: () => 0 });
    await expect(admission.withKeyLock('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await admission.withKeyLock('k', async () => 'next')).toBe('next');
  });
});

describe('runOfKey', () => {
  let temp: Awaited<ReturnType<typeof tempFileStore>>;
  beforeEach(async () => {
    temp = await tempFileStore('mp-admission-');
  });
  afterEach(() => temp.remove());

  it('answers with the run a key made for the same body, null for an unused key, 422 for another body', async () => {
    const run = queuedRecordOf({ n: 5, profile: 'analysis_only' }, { runId: uuidv7(), createdAt: '2026-11-24T10:00:00.000Z', seed: 9, requestHash: 'sha256:one', idempotencyKey: 'key-a' });
    const { store } = temp;
    await store.create(run);
    expect(await runOfKey(store, 'key-a', 'sha256:one')).toEqual(run);
    expect(await runOfKey(store, 'key-b', 'sha256:one')).toBeNull();
    await expect(runOfKey(store, 'key-a', 'sha256:two')).rejects.toMatchObject({ code: 'REQUEST_IDEMPOTENCY_MISMATCH', details: { run_id: run.run_id } });
  });
});
