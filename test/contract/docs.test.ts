/**
 * The documents that repeat a catalogue are checked against it in both directions: the README's
 * configuration table against CONFIG_VARIABLES, docs/errors.md against ERRORS, the metrics named
 * in docs/operations.md against a real scrape. And the README's quick start is exactly the two
 * commands the spec requires.
 */
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config/env.js';
import { ERRORS } from '../../src/errors.js';
import { problemTypeOf } from '../../src/http/problem.js';
import { generationModelFor } from '../../src/generation/model.js';
import { buildTestApp } from '../helpers/app.js';
import { shippedSnapshot } from '../helpers/snapshot.js';
import { tableAfter } from '../helpers/markdown.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');


const unquote = (cell: string) => cell.replace(/^`(.*)`$/, '$1');

describe('README configuration table', () => {
  const rows = tableAfter(read('README.md'), '## Configuration');
  const defaults = loadConfig({});

  function expectedDefault(name: keyof typeof CONFIG_VARIABLES): string {
    // WORKERS defaults to availableParallelism() of the host, so the README names the rule.
    if (name === 'WORKERS') return 'available parallelism';
    const value = defaults[name];
    if (value === '' || (Array.isArray(value) && value.length === 0)) return '(empty)';
    return `\`${String(value)}\``;
  }

  it('lists every variable of CONFIG_VARIABLES, in order, and nothing else', () => {
    expect(rows.map(([name]) => unquote(name ?? ''))).toEqual(Object.keys(CONFIG_VARIABLES));
  });

  it('gives each variable its real default and its documented description', () => {
    for (const [name = '', defaultCell, description] of rows) {
      const variable = unquote(name) as keyof typeof CONFIG_VARIABLES;
      expect(defaultCell, variable).toBe(expectedDefault(variable));
      expect(description, variable).toBe(CONFIG_VARIABLES[variable].doc);
    }
  });
});

describe('docs/errors.md', () => {
  const rows = tableAfter(read('docs/errors.md'), '## Catalogue');

  it('lists every code of src/errors.ts, in catalogue order, and no other', () => {
    expect(rows.map(([code]) => unquote(code ?? ''))).toEqual(Object.keys(ERRORS));
  });

  it('gives each code its status and problem type', () => {
    for (const [codeCell = '', status, type, meaning] of rows) {
      const code = unquote(codeCell) as keyof typeof ERRORS;
      expect(Number(status), code).toBe(ERRORS[code].status);
      expect(unquote(type ?? ''), code).toBe(problemTypeOf(code));
      expect(meaning?.length ?? 0, code).toBeGreaterThan(10);
    }
  });
});

describe('docs/operations.md', () => {
  it('names only metrics that /metrics serves', async () => {
    const rows = tableAfter(read('docs/operations.md'), '## Metrics to watch');
    const names = rows.flatMap(([cell]) => [...(cell ?? '').matchAll(/`([a-z_]+)(?:\{[^}]*\})?`/g)].map((m) => m[1] ?? ''));
    expect(names.length).toBeGreaterThanOrEqual(5);
    const app = await buildTestApp();
    try {
      const scrape = (await request(app.server).get('/metrics')).text;
      for (const name of names) expect(scrape, name).toContain(`# TYPE ${name} `);
    } finally {
      await app.close();
    }
  });
});

describe('docs/method.md', () => {
  it('states the calibration sweeps and residual the shipped snapshot really takes', async () => {
    const stated = /converges in (\d+) sweeps \(largest residual about (\de-\d+)/.exec(read('docs/method.md'));
    const { calibration } = generationModelFor(await shippedSnapshot(), true);
    expect({ sweeps: Number(stated?.[1]), residual: stated?.[2] }).toEqual({
      sweeps: calibration.iterations,
      residual: calibration.max_residual.toExponential(0),
    });
  });
});

describe('README quick start', () => {
  it('is exactly `npm ci && npm start` and `npm ci && npm test`', () => {
    const section = read('README.md').split('## Quick start')[1]?.split('\n## ')[0] ?? '';
    const commands = [...section.matchAll(/```sh\n([^`]*)```/g)].map((m) => m[1]?.trim());
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
  });

  it('.ci/run runs the README test command', () => {
    expect(read('.ci/run')).toContain('\nnpm ci && npm test\n');
  });
});

describe('npm run bench', () => {
  // Benchmarks are not run by the tests (they time things); this only keeps the script wired.
  it('builds, then runs bench/run.mjs', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['bench']).toBe('npm run build && node bench/run.mjs');
  });
});
