import { Counter } from 'prom-client';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { ZodApp } from '../../../../src/http/route-schema.js';
import { buildTestApp } from '../../../helpers/app.js';
import { expectContract } from '../../../helpers/contract.js';
import { testRoutes } from '../../../helpers/test-routes.js';

describe('GET /metrics', () => {
  const apps: ZodApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  const build = async () => {
    const app = await buildTestApp({ extraV1: [testRoutes] });
    apps.push(app);
    return app;
  };

  it('serves the Prometheus text format with process metrics', async () => {
    const app = await build();
    const response = await request(app.server).get('/metrics');
    const text = (await expectContract(response)) as string;
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });

  it('labels requests by route template, never by raw URL', async () => {
    const app = await build();
    await request(app.server).get('/v1/test/items/abc');
    await request(app.server).get('/v1/test/items/def');
    await request(app.server).get('/no/such/path/123');
    const text = (await request(app.server).get('/metrics')).text;
    expect(text).toContain('http_requests_total{method="GET",route="/v1/test/items/:id",status="200"} 2');
    expect(text).toContain('http_requests_total{method="GET",route="(unmatched)",status="404"} 1');
    expect(text).not.toContain('abc');
    expect(text).not.toContain('/no/such/path');
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/v1\/test\/items\/:id",status="200"\} 2$/m);
  });

  it('keeps one registry per app, so apps do not see each other’s requests', async () => {
    const first = await build();
    const second = await build();
    await request(first.server).get('/health/live');
    const text = (await request(second.server).get('/metrics')).text;
    expect(text).not.toContain('route="/health/live"');
  });

  it('serves metrics a capability registers on app.metrics.registry', async () => {
    const app = await build();
    const runs = new Counter({ name: 'runs_total', help: 'Runs by status.', labelNames: ['status'], registers: [app.metrics.registry] });
    runs.inc({ status: 'succeeded' }, 3);
    const text = (await request(app.server).get('/metrics')).text;
    expect(text).toContain('runs_total{status="succeeded"} 3');
  });
});
