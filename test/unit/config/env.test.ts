import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from '../../../src/config/env.js';

function configError(env: Record<string, string>): { code?: string; message: string; details?: { problems?: string[] } } {
  try {
    loadConfig(env);
  } catch (error) {
    return error as { code?: string; message: string; details?: { problems?: string[] } };
  }
  throw new Error('loadConfig accepted an invalid environment');
}

describe('loadConfig', () => {
  it('applies the defaults of SPEC §12 to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 8080,
      HOST: '0.0.0.0',
      DATA_DIR: './var',
      MAX_N: 1_000_000,
      SYNC_MAX_N: 10_000,
      MAX_QUEUE: 64,
      BODY_LIMIT: 65_536,
      RUN_TTL_HOURS: 168,
      API_KEYS: [],
      LOG_LEVEL: 'info',
      PXWEB_MODE: 'off',
    });
    expect(config.WORKERS).toBeGreaterThanOrEqual(1);
  });

  it('coerces numbers, splits API_KEYS and treats empty strings as unset', () => {
    const config = loadConfig({ PORT: '0', API_KEYS: ' a, b ,,c ', LOG_LEVEL: '', BODY_LIMIT: '2048' });
    expect(config.PORT).toBe(0);
    expect(config.API_KEYS).toEqual(['a', 'b', 'c']);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.BODY_LIMIT).toBe(2048);
  });

  it.each([
    ['PORT', '65536'],
    ['PORT', 'http'],
    ['WORKERS', '0'],
    ['BODY_LIMIT', '1.5'],
    ['LOG_LEVEL', 'verbose'],
    ['PXWEB_MODE', 'online'],
    ['PXWEB_BASE_URL', 'statbank'],
    ['RUN_TTL_HOURS', '0'],
    ['SHUTDOWN_TIMEOUT_MS', '-1'],
  ])('rejects %s=%s with CONFIG_INVALID naming the variable and its value', (name, value) => {
    const error = configError({ [name]: value });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(`${name}=${JSON.stringify(value)}: `);
    expect(error.details?.problems).toHaveLength(1);
  });

  it.each([' , ', ',', '  ,,  '])('rejects API_KEYS=%j, a list that names no key (it would disable auth silently)', (value) => {
    const error = configError({ API_KEYS: value });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(`API_KEYS=${JSON.stringify(value)}: `);
  });

  it('reports every bad variable at once', () => {
    expect(configError({ PORT: 'x', MAX_QUEUE: '0' }).details?.problems).toHaveLength(2);
  });

  it('returns a deeply frozen config and leaves the caller’s env untouched', () => {
    const env = { API_KEYS: 'k' };
    const config = loadConfig(env);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.API_KEYS)).toBe(true);
    expect(env).toEqual({ API_KEYS: 'k' });
    expect(Object.isFrozen(env)).toBe(false);
  });

  it('bounds llm runs by default: LLM_MAX_N 10,000, a 5-failure breaker with a 30 s cool-down', () => {
    expect(loadConfig({})).toMatchObject({ LLM_MAX_N: 10_000, LLM_BREAKER_FAILURES: 5, LLM_BREAKER_COOLDOWN_MS: 30_000, LLM_TIMEOUT_MS: 30_000 });
  });

  it('caps LLM_MAX_N at MAX_N, as SYNC_MAX_N is', () => {
    expect(loadConfig({ MAX_N: '5000', LLM_MAX_N: '20000' }).LLM_MAX_N).toBe(5_000);
  });

  it.each([
    ['LLM_MAX_N', '0'],
    ['LLM_BREAKER_FAILURES', '0'],
    ['LLM_BREAKER_COOLDOWN_MS', '-5'],
  ])('rejects %s=%s', (name, value) => {
    expect(configError({ [name]: value }).message).toContain(`${name}=${JSON.stringify(value)}: `);
  });

  it('ignores variables it does not know', () => {
    expect(Object.keys(loadConfig({ UNRELATED: 'x', PATH: '/bin' })).sort()).toEqual(Object.keys(CONFIG_VARIABLES).sort());
  });
});
