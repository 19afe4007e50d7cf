import { describe, expect, it } from 'vitest';
import { ERRORS, type ErrorCode } from '../../../src/errors.js';
import { buildProblem, problemTypeOf, ProblemSchema } from '../../../src/http/problem.js';

describe('problemTypeOf', () => {
  it('derives a URN from the code in kebab case', () => {
    expect(problemTypeOf('REQUEST_BODY_TOO_LARGE')).toBe('urn:moldova-personas:problem:request-body-too-large');
    expect(problemTypeOf('INTERNAL')).toBe('urn:moldova-personas:problem:internal');
  });

  it('gives every catalogue code a distinct type', () => {
    const codes = Object.keys(ERRORS) as ErrorCode[];
    expect(new Set(codes.map(problemTypeOf)).size).toBe(codes.length);
  });
});

describe('buildProblem', () => {
  it('takes status and title from the catalogue and keeps extension members', () => {
    const problem = buildProblem({
      code: 'RUN_REJECTED_STRICT',
      detail: 'Run r1 was rejected.',
      instance: '/v1/runs',
      requestId: 'rid',
      extensions: { run_id: 'r1', gate_codes: ['ESS_LOW'] },
    });
    expect(problem).toEqual({
      type: 'urn:moldova-personas:problem:run-rejected-strict',
      title: 'Run rejected in strict mode',
      status: 422,
      detail: 'Run r1 was rejected.',
      instance: '/v1/runs',
      code: 'RUN_REJECTED_STRICT',
      request_id: 'rid',
      run_id: 'r1',
      gate_codes: ['ESS_LOW'],
    });
    expect(ProblemSchema.safeParse(problem).success).toBe(true);
  });

  it('never lets an extension overwrite a reserved member', () => {
    const problem = buildProblem({
      code: 'REQUEST_NOT_FOUND',
      detail: 'd',
      instance: '/x',
      requestId: 'rid',
      extensions: { status: 200, type: 'about:blank', title: 'OK', code: 'INTERNAL', request_id: 'forged' },
    });
    expect(problem).toMatchObject({ status: 404, title: 'Not found', code: 'REQUEST_NOT_FOUND', request_id: 'rid' });
    expect(problem.type).toBe('urn:moldova-personas:problem:request-not-found');
  });
});
