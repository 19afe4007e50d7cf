/** The contract helper must be able to fail: each kind of violation it is meant to catch. */
import { describe, expect, it } from 'vitest';
import { checkContract, expectContract, type ObservedResponse } from '../helpers/contract.js';

const health = (over: Partial<ObservedResponse>): ObservedResponse => ({
  method: 'GET',
  path: '/health/live',
  status: 200,
  headers: { 'content-type': 'application/health+json; charset=utf-8' },
  text: '{"status":"pass"}',
  ...over,
});

const problem = (status: number, code: string) =>
  JSON.stringify({ type: 'urn:x', title: 't', status, detail: 'd', instance: '/x', code, request_id: 'r' });

describe('checkContract', () => {
  it('accepts a documented response and returns its parsed body', async () => {
    const verdict = await checkContract(health({}));
    expect(verdict.violations).toEqual([]);
    expect(verdict.body).toEqual({ status: 'pass' });
  });

  it('rejects an undeclared status', async () => {
    const { violations } = await checkContract(health({ status: 201 }));
    expect(violations).toEqual(['status 201 is not declared for GET /health/live (declared: 200, 400, 500)']);
  });

  it('rejects an undeclared content type', async () => {
    const { violations } = await checkContract(health({ headers: { 'content-type': 'application/json' } }));
    expect(violations[0]).toMatch(/content type application\/json is not declared/);
  });

  it('rejects a body that does not match the schema', async () => {
    const { violations } = await checkContract(health({ text: '{"status":"ok","extra":1}' }));
    expect(violations.join('\n')).toMatch(/body\/status must be equal to one of the allowed values/);
    expect(violations.join('\n')).toMatch(/must NOT have additional properties/);
  });

  it('rejects a body that is not JSON under a JSON media type', async () => {
    const { violations } = await checkContract(health({ text: 'pass' }));
    expect(violations[0]).toMatch(/not valid JSON/);
  });

  it('requires the headers a response declares as required (Retry-After on 503)', async () => {
    const { violations } = await checkContract({
      method: 'GET',
      path: '/v1/schema/labels',
      status: 503,
      headers: { 'content-type': 'application/problem+json' },
      text: problem(503, 'SERVICE_SHUTTING_DOWN'),
    });
    expect(violations).toEqual(['header Retry-After is required by the contract but missing']);
  });

  it('requires unrouted paths to answer 404', async () => {
    const { violations } = await checkContract({ ...health({}), path: '/nowhere' });
    expect(violations[0]).toMatch(/must be 404; got 200/);
  });

  it('requires a wrong method on a known path to answer 405 with the declared methods in Allow', async () => {
    const { violations } = await checkContract({
      method: 'POST',
      path: '/metrics',
      status: 405,
      headers: { 'content-type': 'application/problem+json', allow: 'GET, POST' },
      text: problem(405, 'REQUEST_METHOD_NOT_ALLOWED'),
    });
    expect(violations).toEqual(['Allow is "GET, POST" but the contract declares GET, HEAD']);
  });

  it('validates problem bodies against the Problem schema', async () => {
    const { violations } = await checkContract({
      method: 'GET',
      path: '/nowhere',
      status: 404,
      headers: { 'content-type': 'application/problem+json' },
      text: JSON.stringify({ title: 'Not found', status: 404 }),
    });
    expect(violations.join('\n')).toMatch(/must have required property 'type'/);
  });

  it('expectContract throws with every violation listed', async () => {
    await expect(expectContract(health({ status: 418 }))).rejects.toThrow(/GET \/health\/live → 418\n {2}- status 418 is not declared/);
  });
});
