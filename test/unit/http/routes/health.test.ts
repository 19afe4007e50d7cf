import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReadinessCheck } from '../../../../src/http/readiness.js';
import type { ZodApp } from '../../../../src/http/route-schema.js';
import { buildTestApp } from '../../../helpers/app.js';
import { expectContract } from '../../../helpers/contract.js';

const BUILT_IN_CHECKS = ['service:accepting-requests', 'event-loop:delay', 'data-dir:writable'];

const fixed = (name: string, result: Awaited<ReturnType<ReadinessCheck['check']>>): ReadinessCheck => ({
  name,
  check: async () => result,
});

describe('GET /health/live', () => {
  let app: ZodApp;
  beforeAll(async () => {
    app = await buildTestApp({ readinessChecks: [fixed('broken:thing', { status: 'fail' })] });
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers pass as application/health+json, whatever the readiness checks say', async () => {
    const response = await request(app.server).get('/health/live');
    const body = await expectContract(response);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/health\+json/);
    expect(body).toEqual({ status: 'pass' });
  });
});

describe('GET /health/ready', () => {
  const apps: ZodApp[] = [];
  const dirs: string[] = [];
  const build = async (...args: Parameters<typeof buildTestApp>) => {
    const app = await buildTestApp(...args);
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('passes with the built-in checks, each observed with a time', async () => {
    const app = await build();
    const response = await request(app.server).get('/health/ready');
    const body = (await expectContract(response)) as { status: string; checks: Record<string, { status: string; time: string }[]> };
    expect(response.status).toBe(200);
    expect(body.status).toBe('pass');
    expect(Object.keys(body.checks)).toEqual(BUILT_IN_CHECKS);
    for (const [observation] of Object.values(body.checks)) {
      expect(observation?.status).toBe('pass');
      expect(Number.isNaN(Date.parse(observation?.time ?? ''))).toBe(false);
    }
  });

  it('reports warn with 200 when an injected check warns', async () => {
    const app = await build({ readinessChecks: [fixed('queue:depth', { status: 'warn', observedValue: 60, observedUnit: 'runs' })] });
    const response = await request(app.server).get('/health/ready');
    const body = (await expectContract(response)) as { status: string; checks: Record<string, unknown[]> };
    expect(response.status).toBe(200);
    expect(body.status).toBe('warn');
    expect(body.checks['queue:depth']).toEqual([
      expect.objectContaining({ status: 'warn', observedValue: 60, observedUnit: 'runs' }),
    ]);
  });

  it('answers 503 fail when a check fails, and a throwing check counts as failed', async () => {
    const throwing: ReadinessCheck = {
      name: 'census:snapshot',
      check: async () => {
        throw new Error('snapshot not loaded');
      },
    };
    const app = await build({ readinessChecks: [throwing] });
    const response = await request(app.server).get('/health/ready');
    const body = (await expectContract(response)) as { status: string; checks: Record<string, unknown[]> };
    expect(response.status).toBe(503);
    expect(body.status).toBe('fail');
    expect(body.checks['census:snapshot']).toEqual([
      expect.objectContaining({ status: 'fail', output: 'snapshot not loaded' }),
    ]);
  });

  it('fails data-dir:writable when DATA_DIR cannot be created', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-ready-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'a-file'), '');
    const app = await build({ env: { DATA_DIR: join(dir, 'a-file', 'under-a-file') } });
    const response = await request(app.server).get('/health/ready');
    const body = (await expectContract(response)) as { checks: Record<string, { status: string; output?: string }[]> };
    expect(response.status).toBe(503);
    expect(body.checks['data-dir:writable']?.[0]).toMatchObject({ status: 'fail', observedValue: false });
    expect(body.checks['data-dir:writable']?.[0]?.output).toMatch(/^DATA_DIR is not writable: /);
  });
});

describe('buildApp', () => {
  it('releases the readiness checks when a /v1 plugin fails to register', async () => {
    let closed = 0;
    const check: ReadinessCheck = { name: 'x:y', check: async () => ({ status: 'pass' }), close: () => void (closed += 1) };
    const failing = () => Promise.reject(new Error('plugin failed'));
    await expect(buildTestApp({ readinessChecks: [check], extraV1: [failing] })).rejects.toThrow('plugin failed');
    expect(closed).toBe(1);
  });

  it('closes the readiness checks with the app', async () => {
    let closed = 0;
    const check: ReadinessCheck = { name: 'x:y', check: async () => ({ status: 'pass' }), close: () => void (closed += 1) };
    const app = await buildTestApp({ readinessChecks: [check] });
    expect(closed).toBe(0);
    await app.close();
    expect(closed).toBe(1);
  });
});
