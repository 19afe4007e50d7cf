/**
 * Plain data whose typed arrays live in SharedArrayBuffers: posted to a worker, the arrays are
 * shared, not copied (structured clone copies only the small objects around them). One model per
 * process instead of one per worker thread.
 */
type TypedArray = Exclude<ArrayBufferView, DataView>;
type TypedArrayConstructor = new (buffer: SharedArrayBuffer) => TypedArray;

/**
 * A deep copy of `value` (plain objects, arrays, typed arrays, primitives) with every typed array
 * in shared memory. A value reached twice is copied once (the calibrated model's joint is also its
 * calibrated joint).
 */
export function inSharedMemory<T>(value: T, seen = new Map<object, unknown>()): T {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value) as T;
  let copy: unknown;
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) throw new TypeError('inSharedMemory: DataView is not supported');
    if (value.buffer instanceof SharedArrayBuffer) return value;
    const shared = new (value.constructor as TypedArrayConstructor)(new SharedArrayBuffer(value.byteLength));
    (shared as Float64Array).set(value as unknown as Float64Array);
    copy = shared;
  } else if (Array.isArray(value)) {
    copy = value.map((item: unknown) => inSharedMemory(item, seen));
  } else {
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) throw new TypeError('inSharedMemory: only plain data is supported');
    copy = Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inSharedMemory(item, seen)]));
  }
  seen.set(value, copy);
  return copy as T;
}
