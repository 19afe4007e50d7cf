import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../src/deep-freeze.js';

describe('deepFreeze', () => {
  it('freezes every nested object and array, and leaves typed arrays (which cannot be frozen) as they are', () => {
    const value = deepFreeze({ a: { b: [1, { c: 2 }] }, shares: new Float64Array([0.5, 0.5]) });
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.a)).toBe(true);
    expect(Object.isFrozen(value.a.b)).toBe(true);
    expect(Object.isFrozen(value.a.b[1])).toBe(true);
    expect(() => {
      (value.a.b as unknown[]).push(3);
    }).toThrow(TypeError);
    value.shares[0] = 0.25;
    expect(value.shares[0]).toBe(0.25);
    expect(deepFreeze(value)).toBe(value);
  });
});
