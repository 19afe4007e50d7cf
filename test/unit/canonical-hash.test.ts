import { describe, expect, it } from 'vitest';
import { canonicalSha256 } from '../../src/canonical-hash.js';
import { ServiceError } from '../../src/errors.js';

describe('canonicalSha256', () => {
  it('hashes the RFC 8785 canonical form', () => {
    // printf '{"a":[1,2],"b":1}' | sha256sum
    expect(canonicalSha256({ b: 1, a: [1, 2] })).toBe('sha256:94a786c3662bc7beeb598efa7d8cb58d7bea25d6c275ea9785a0230ff1f8c2ba');
    // JCS number form: 1e21 serialises as 1e+21; printf '{"a":1e+21,"b":0.1}' | sha256sum
    expect(canonicalSha256({ b: 0.1, a: 1e21 })).toBe('sha256:8dd9a1064588bced1f7951da228c638bcfbba1ef92fcc5a5ff974c93f8fc2aaf');
    // JCS keeps non-ASCII as UTF-8: hashlib.sha256('{"a":"ă","n":1e+21,"z":0.1}'.encode()).hexdigest()
    expect(canonicalSha256({ z: 0.1, n: 1e21, a: 'ă' })).toBe('sha256:facc4d181c2179b9749fcd17b797150cd1ea88403facb0ea2a860d9257b26e5f');
  });

  it('refuses a value that has no JSON form with INTERNAL', () => {
    expect(() => canonicalSha256(undefined)).toThrow(ServiceError);
    try {
      canonicalSha256(undefined);
    } catch (error) {
      expect((error as ServiceError).code).toBe('INTERNAL');
    }
  });
});
