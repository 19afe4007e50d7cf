import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ServiceError } from '../../../src/errors.js';
import { fieldErrorsOf, jsonPointer, zodValidatorCompiler } from '../../../src/http/validation.js';

describe('jsonPointer', () => {
  it('escapes ~ and / as RFC 6901 requires', () => {
    expect(jsonPointer(['body', 'a/b', 'c~d', 0])).toBe('/body/a~1b/c~0d/0');
    expect(jsonPointer([])).toBe('');
  });
});

describe('fieldErrorsOf', () => {
  it('splits an unrecognized_keys issue into one error per unknown key', () => {
    const result = z.strictObject({ a: z.number() }).safeParse({ a: 1, x: 1, 'y/z': 2 });
    expect(result.success).toBe(false);
    expect(fieldErrorsOf('body', result.error?.issues ?? []).errors).toEqual([
      { path: '/body/x', message: 'Unknown field' },
      { path: '/body/y~1z', message: 'Unknown field' },
    ]);
  });

  it('points into arrays by index', () => {
    const result = z.object({ list: z.array(z.number()) }).safeParse({ list: [1, 'two'] });
    expect(fieldErrorsOf('query', result.error?.issues ?? []).errors).toEqual([
      { path: '/query/list/1', message: 'Invalid input: expected number, received string' },
    ]);
  });
});

describe('zodValidatorCompiler', () => {
  const validate = zodValidatorCompiler({ schema: z.object({ limit: z.coerce.number().int() }), method: 'GET', url: '/x', httpPart: 'querystring' });

  it('returns the parsed (coerced) value on success', () => {
    expect(validate({ limit: '5' })).toEqual({ value: { limit: 5 } });
  });

  it('returns a REQUEST_VALIDATION ServiceError naming the part on failure', () => {
    const result = validate({ limit: 'x' });
    const error = typeof result === 'object' && 'error' in result ? result.error : undefined;
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('REQUEST_VALIDATION');
    expect((error as ServiceError).details?.['errors']).toEqual([{ path: '/query/limit', message: 'Invalid input: expected number, received NaN' }]);
  });
});
