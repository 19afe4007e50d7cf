import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { inSharedMemory } from '../../../src/workers/shared-memory.js';

describe('inSharedMemory', () => {
  it('copies every typed array into a SharedArrayBuffer with the same values, and the rest as it is', () => {
    const source = { joint: Float64Array.of(0.5, 1.5), cells: Int32Array.of(3, -1), rows: 2, names: ['a', 'b'], nested: [{ u: Uint32Array.of(7) }], none: null };
    const shared = inSharedMemory(source);
    expect(shared.joint).toBeInstanceOf(Float64Array);
    expect(shared.cells).toBeInstanceOf(Int32Array);
    for (const array of [shared.joint, shared.cells, shared.nested[0]!.u]) expect(array.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(shared.joint)).toEqual([0.5, 1.5]);
    expect(Array.from(shared.cells)).toEqual([3, -1]);
    expect(Array.from(shared.nested[0]!.u)).toEqual([7]);
    expect({ rows: shared.rows, names: shared.names, none: shared.none }).toEqual({ rows: 2, names: ['a', 'b'], none: null });
    // A copy: writing to it leaves the source alone.
    shared.joint[0] = 9;
    expect(source.joint[0]).toBe(0.5);
  });

  it('copies only the view of a subarray, and a value reached twice once', () => {
    const view = Float64Array.of(1, 2, 3, 4).subarray(1, 3);
    const shared = inSharedMemory({ a: view, b: view });
    expect(Array.from(shared.a)).toEqual([2, 3]);
    expect(shared.a.buffer.byteLength).toBe(16);
    expect(shared.b).toBe(shared.a);
  });

  it('refuses what it could not copy faithfully (class instances, DataView)', () => {
    expect(() => inSharedMemory({ when: new Date(0) })).toThrow(/plain data/);
    expect(() => inSharedMemory({ view: new DataView(new ArrayBuffer(4)) })).toThrow(/DataView/);
  });

  it('posts to a worker without copying the arrays: a write on one side is seen on the other', async () => {
    const shared = inSharedMemory({ values: new Float64Array(4) });
    const worker = new Worker(
      'const { parentPort } = require("node:worker_threads"); parentPort.once("message", (m) => { m.values[2] = 42; parentPort.postMessage("done"); });',
      { eval: true },
    );
    try {
      const done = new Promise((resolve) => worker.once('message', resolve));
      worker.postMessage(shared);
      await done;
      expect(shared.values[2]).toBe(42);
    } finally {
      await worker.terminate();
    }
  });
});
