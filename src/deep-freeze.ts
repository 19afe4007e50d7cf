/**
 * Freezes a value and everything reachable from it, so shared data (config, snapshots, cached
 * targets) cannot be changed by whoever reads it. Typed arrays are left as they are: they cannot
 * be frozen.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
