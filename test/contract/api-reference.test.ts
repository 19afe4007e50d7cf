/**
 * `/docs`: Swagger UI over the pinned contract, from local assets, open whatever API_KEYS says.
 * (test/e2e/docs-browser.test.ts loads it in Chromium.)
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZodApp } from '../../src/http/route-schema.js';
import { buildTestApp } from '../helpers/app.js';
import { PINNED_DOCUMENT } from '../helpers/contract.js';

describe('GET /docs', () => {
  let app: ZodApp;
  beforeAll(async () => {
    app = await buildTestApp({ env: { API_KEYS: 'docs-test-key-0123456789abcdef0123' } });
  });
  afterAll(async () => {
    await app.close();
  });

  it('serves the page without a key, with a same-origin CSP', async () => {
    const response = await request(app.server).get('/docs/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(response.text).toContain('moldova-personas API reference');
  });

  it('refers only to its own assets, and each of them is served', async () => {
    const page = (await request(app.server).get('/docs/')).text;
    const refs = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(refs.length).toBeGreaterThanOrEqual(5);
    for (const ref of refs) {
      expect(ref).toMatch(/^\.\/static\//);
      const asset = await request(app.server).get(`/docs/${ref.slice(2)}`);
      expect({ ref, status: asset.status }).toEqual({ ref, status: 200 });
    }
  });

  it('/docs/json is the pinned document, as /openapi.json serves it', async () => {
    const response = await request(app.server).get('/docs/json');
    expect(response.status).toBe(200);
    expect(response.body).toEqual(PINNED_DOCUMENT);
  });

  it('a missing asset is a 404 problem; a path that climbs out of the assets is refused and reads nothing', async () => {
    const missing = await request(app.server).get('/docs/static/missing.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    // The static server refuses a path with dot segments, encoded or not (its 403, answered as our 400).
    for (const [path, status] of [['/docs/static/%2e%2e/%2e%2e/package.json', 400], ['/docs/static/../../package.json', 400]] as const) {
      const response = await request(app.server).get(path);
      expect({ path, status: response.status, type: response.headers['content-type'] }).toEqual({
        path,
        status,
        type: 'application/problem+json; charset=utf-8',
      });
      expect(response.text).not.toContain('"devDependencies"');
    }
    const post = await request(app.server).post('/docs/static/swagger-ui.css');
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toContain('GET');
  });

  it('is not part of the contract', () => {
    expect(Object.keys(PINNED_DOCUMENT['paths'] as object).filter((path) => path.startsWith('/docs'))).toEqual([]);
  });
});
