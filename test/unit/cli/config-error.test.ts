import { describe, expect, it } from 'vitest';
import { allowedValuesOf, formatConfigError, invalidVariables } from '../../../src/cli/config-error.js';
import { CONFIG_VARIABLES, loadConfig } from '../../../src/config/env.js';

describe('allowedValuesOf', () => {
  it.each([
    ['PORT', 'an integer ≥ 0 and ≤ 65535'],
    ['RUN_TTL_HOURS', 'a number > 0 and ≤ 87600'],
    ['LOG_LEVEL', 'one of fatal, error, warn, info, debug, trace, silent'],
    ['PXWEB_BASE_URL', 'a URL'],
    ['LLM_BASE_URL', 'a URL or empty'],
    ['HOST', 'non-empty text'],
    ['LLM_MODEL', 'text'],
  ] as const)('describes %s as %s', (name, text) => {
    expect(allowedValuesOf(name)).toBe(text);
  });

  it('describes every variable', () => {
    for (const name of Object.keys(CONFIG_VARIABLES) as (keyof typeof CONFIG_VARIABLES)[]) {
      expect(allowedValuesOf(name).length, name).toBeGreaterThan(0);
    }
  });
});

describe('formatConfigError', () => {
  it('names exactly the variables loadConfig rejects', () => {
    const env = { PORT: '70000', WORKERS: '0', HOST: 'localhost', LLM_BASE_URL: 'not a url' };
    expect(invalidVariables(env)).toEqual(['PORT', 'WORKERS', 'LLM_BASE_URL']);
    let message = '';
    try {
      loadConfig(env);
    } catch (error) {
      message = (error as Error).message;
    }
    const text = formatConfigError(message, env);
    expect(text).toMatch(/^moldova-personas: invalid configuration:\n/);
    for (const name of ['PORT', 'WORKERS', 'LLM_BASE_URL']) expect(text).toContain(`  ${name} accepts `);
    expect(text).not.toContain('HOST accepts');
  });
});
