/**
 * The pinned contract: `GET /openapi.json` serves exactly openapi/openapi.json, and the document
 * @fastify/swagger generates from the declared routes agrees with it. When this fails after an
 * intended change, run `npm run contract:write` and review the diff of openapi/openapi.json.
 */
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateContract } from '../../src/http/generate-contract.js';
import type { ZodApp } from '../../src/http/route-schema.js';
import { buildTestApp } from '../helpers/app.js';
import { expectContract, PINNED_DOCUMENT } from '../helpers/contract.js';
import { jsonDiff, normaliseContract } from '../helpers/json-diff.js';

const PINNED_TEXT = readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8');

describe('GET /openapi.json', () => {
  let app: ZodApp;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('serves the pinned document', async () => {
    const response = await request(app.server).get('/openapi.json');
    const body = await expectContract(response);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(body).toEqual(JSON.parse(PINNED_TEXT));
  });
});

describe('contract drift', () => {
  it('the document generated from the routes agrees with openapi/openapi.json', async () => {
    const generated = normaliseContract(await generateContract());
    const pinned = normaliseContract(JSON.parse(PINNED_TEXT));
    const differences = jsonDiff(pinned, generated);
    if (differences.length > 0) {
      throw new Error(
        [
          'The routes no longer match openapi/openapi.json (- pinned only, + generated only, ~ changed):',
          ...differences.map((line) => `  ${line}`),
          'If the change is intended, run `npm run contract:write` and commit the reviewed diff.',
        ].join('\n'),
      );
    }
    expect(differences).toEqual([]);
  });

  it('declares OpenAPI 3.1 with the shared Problem schema and a bearer scheme', () => {
    expect(PINNED_DOCUMENT['openapi']).toBe('3.1.0');
    const components = PINNED_DOCUMENT['components'] as Record<string, Record<string, unknown>>;
    expect(Object.keys(components['schemas'] ?? {})).toContain('Problem');
    expect(components['securitySchemes']?.['bearerAuth']).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('documents a problem response for every status each operation can answer with', () => {
    const paths = PINNED_DOCUMENT['paths'] as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    for (const [path, item] of Object.entries(paths)) {
      for (const operation of Object.values(item)) {
        expect(Object.keys(operation.responses), path).toContain('500');
        if (path.startsWith('/v1/')) expect(Object.keys(operation.responses), path).toEqual(expect.arrayContaining(['401', '503']));
      }
    }
  });
});

describe('jsonDiff', () => {
  it('reports additions, removals and changes by JSON Pointer', () => {
    expect(jsonDiff({ a: 1, b: { 'c/d': [1, 2] }, gone: true }, { a: 2, b: { 'c/d': [1] }, added: 'x' })).toEqual([
      '~ /a: 1 → 2',
      '- /b/c~1d/1: 2',
      '- /gone: true',
      '+ /added: "x"',
    ]);
  });

  it('ignores the order of required lists but not of enums', () => {
    const a = normaliseContract({ required: ['b', 'a'], enum: ['x', 'y'] });
    const b = normaliseContract({ required: ['a', 'b'], enum: ['y', 'x'] });
    expect(jsonDiff(a, b)).toEqual(['~ /enum/0: "x" → "y"', '~ /enum/1: "y" → "x"']);
  });
});
