import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { chooseLogFormat, createLogger, REDACTED } from '../../../src/http/logger.js';
import { buildTestApp } from '../../helpers/app.js';
import { testRoutes } from '../../helpers/test-routes.js';

function memoryLogger(level: 'info' | 'debug' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const logger = createLogger({
    level,
    destination: {
      write(line: string) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  });
  return { logger, lines, raw };
}

describe('createLogger', () => {
  it('redacts authorization headers and configured keys wherever they are logged', () => {
    const { logger, raw } = memoryLogger();
    logger.info({ req: { headers: { authorization: 'Bearer s3cret-1', 'x-api-key': 's3cret-2' } } }, 'headers');
    logger.info({ config: { API_KEYS: ['s3cret-3'], LLM_API_KEY: 's3cret-4', PORT: 8080 } }, 'config');
    logger.info({ provider: { apiKey: 's3cret-5' }, LLM_API_KEY: 's3cret-6' }, 'nested');
    const text = raw.join('');
    expect(text).not.toMatch(/s3cret/);
    expect(text.split(REDACTED).length - 1).toBe(6);
    expect(text).toContain('"PORT":8080');
  });

  it('writes one JSON object per line with a level label and ISO time', () => {
    const { logger, lines } = memoryLogger();
    logger.info({ a: 1 }, 'hello');
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'hello', a: 1 });
    expect(Number.isNaN(Date.parse(String(lines[0]?.['time'])))).toBe(false);
  });
});

describe('chooseLogFormat', () => {
  it('is pretty only on a terminal with pino-pretty installed', () => {
    expect(chooseLogFormat({ isTTY: true }, true)).toBe('pretty');
    expect(chooseLogFormat({ isTTY: true }, false)).toBe('json');
    expect(chooseLogFormat({ isTTY: false }, true)).toBe('json');
    expect(chooseLogFormat({}, true)).toBe('json');
  });
});

describe('request logging', () => {
  it('puts the request id on every request line and never logs bodies or keys', async () => {
    const { logger, lines, raw } = memoryLogger();
    const app = await buildTestApp({ logger, env: { API_KEYS: 'k-very-secret' }, extraV1: [testRoutes] });
    try {
      await request(app.server).post('/v1/test/echo').set('authorization', 'Bearer k-very-secret').set('x-request-id', 'rid-1').send({ n: 41 });
      await request(app.server).post('/v1/test/echo').set('x-request-id', 'rid-2').send({ n: 42, body_marker: 'zzz' });
      await request(app.server).get('/v1/test/crash').set('authorization', 'Bearer k-very-secret').set('x-request-id', 'rid-3');
    } finally {
      await app.close();
    }
    const requestLines = lines.filter((line) => 'req' in line || 'res' in line || 'err' in line || 'code' in line);
    expect(requestLines.length).toBeGreaterThanOrEqual(7);
    for (const line of requestLines) expect(['rid-1', 'rid-2', 'rid-3']).toContain(line['request_id']);
    const text = raw.join('');
    expect(text).not.toContain('k-very-secret');
    expect(text).not.toContain('zzz');
    expect(text).not.toContain('"n":41');
    const crash = lines.find((line) => line['request_id'] === 'rid-3' && 'err' in line);
    expect(crash).toMatchObject({ level: 'error', code: 'INTERNAL', err: { message: 'database password is hunter2' } });
    expect(String((crash?.['err'] as { stack?: string }).stack)).toContain('test-routes');
  });
});
