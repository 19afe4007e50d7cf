import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bearerKeyOf, createKeyVerifier } from '../../../src/http/auth.js';

describe('bearerKeyOf', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER \tabc ', 'abc'],
  ])('reads %j as %j', (header, key) => {
    expect(bearerKeyOf(header)).toBe(key);
  });

  it.each([undefined, '', 'Bearer', 'Bearer ', 'Basic abc', 'Bearer a b', 'Bearerabc'])('finds no key in %j', (header) => {
    expect(bearerKeyOf(header)).toBeUndefined();
  });
});

describe('createKeyVerifier', () => {
  it('accepts each configured key and nothing else', () => {
    const verify = createKeyVerifier(['alpha', 'beta']);
    expect(verify('alpha')).toBe(true);
    expect(verify('beta')).toBe(true);
    expect(verify('alph')).toBe(false);
    expect(verify('alphaa')).toBe(false);
    expect(verify('')).toBe(false);
  });

  it('accepts a string exactly when it is one of the keys (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 4 }), fc.string(), (keys, probe) => {
        expect(createKeyVerifier(keys)(probe)).toBe(keys.includes(probe));
      }),
      { numRuns: 200 },
    );
  });
});
