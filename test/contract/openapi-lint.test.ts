/**
 * The pinned contract as other tools read it: Redocly's recommended rules find no error, each
 * operation says who may call it (bearer under /v1, explicitly open elsewhere), and the examples
 * are real: they validate against their schemas, and the CLI still gives the persona and the
 * payload hashes for the example request (`npm run examples:write` refreshes them).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPONENT_EXAMPLES, EXAMPLES_DIR_URL } from '../../src/http/openapi.js';
import { PINNED_DOCUMENT } from '../helpers/contract.js';

const run = promisify(execFile);
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const REDOCLY = fileURLToPath(new URL('../../node_modules/@redocly/cli/bin/cli.js', import.meta.url));
const CONTRACT = fileURLToPath(new URL('../../openapi/openapi.json', import.meta.url));
const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

type Json = Record<string, unknown>;
const schemas = (PINNED_DOCUMENT['components'] as { schemas: Record<string, Json> }).schemas;
const example = (file: string): unknown => JSON.parse(readFileSync(new URL(file, EXAMPLES_DIR_URL), 'utf8'));

/** The one warning left, and why: 405 answers a method a path does not declare, so no operation can list it. */
const ACCEPTED_WARNINGS = ['no-unused-components: Component: "MethodNotAllowed" is never used.'];

describe('redocly lint --extends recommended', () => {
  it('reports no errors and only the accepted warning', async () => {
    const { stdout } = await run(process.execPath, [REDOCLY, 'lint', '--extends', 'recommended', '--format', 'json', CONTRACT], {
      // No telemetry or update check: the suite makes no calls off this machine.
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    });
    const report = JSON.parse(stdout) as { totals: { errors: number }; problems: { ruleId: string; severity: string; message: string }[] };
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(report.totals.errors).toBe(0);
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual(ACCEPTED_WARNINGS);
  });
});

describe('security requirements', () => {
  const operations = Object.entries(PINNED_DOCUMENT['paths'] as Record<string, Record<string, Json>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );

  it('every /v1 operation takes the bearer scheme; every other one is explicitly open', () => {
    expect(operations.length).toBeGreaterThan(10);
    for (const { path, method, operation } of operations) {
      const expected = path.startsWith('/v1/') ? [{ bearerAuth: [] }] : [];
      expect({ path, method, security: operation['security'] }).toEqual({ path, method, security: expected });
    }
  });

  it('every operation has an operationId, unique, and at least one 4XX answer', () => {
    const ids = operations.map(({ operation }) => operation['operationId']);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, operation } of operations) {
      expect({ path, has4xx: Object.keys(operation['responses'] as Json).some((s) => s.startsWith('4')) }).toEqual({ path, has4xx: true });
    }
  });
});

describe('examples', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(PINNED_DOCUMENT, 'contract');
  const validatorOf = (name: string) => ajv.getSchema(`contract#/components/schemas/${name}`)!;

  it.each(Object.entries(COMPONENT_EXAMPLES))('%s carries its example, which validates', (name, file) => {
    expect(schemas[name]?.['examples']).toEqual([example(file)]);
    const validate = validatorOf(name);
    expect(validate(example(file)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the validators can fail: a persona with an unknown district or a payload without its decision is refused', () => {
    const persona = { ...(example('persona.json') as Json), district: 'atlantis' };
    expect(validatorOf('Persona')(persona)).toBe(false);
    const { decision: _decision, ...payload } = example('trust-payload.json') as Json;
    expect(validatorOf('GradientTrustPayload')(payload)).toBe(false);
  });

  const scratch = mkdtempSync(join(tmpdir(), 'mp-examples-test-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('the CLI still gives the example persona and the payload hashes for the example request', async () => {
    const request = example('run-request.json') as { n: number; profile: string; seed: number; traits: boolean };
    expect(request.traits).toBe(true);
    const dataset = join(scratch, 'dataset.ndjson');
    const payloadFile = join(scratch, 'payload.json');
    await run(process.execPath, [CLI, 'generate', '-n', String(request.n), '-p', request.profile, '-s', String(request.seed), '--traits', '-o', dataset, '--payload', payloadFile], {
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
    const first = JSON.parse(readFileSync(dataset, 'utf8').split('\n')[0] ?? '') as unknown;
    expect(first).toEqual(example('persona.json'));
    const payload = JSON.parse(readFileSync(payloadFile, 'utf8')) as Json;
    const stored = example('trust-payload.json') as Json;
    for (const key of ['config_hash', 'dataset_sha256', 'decision', 'gate_codes', 'quality_tier', 'generator_version']) {
      expect({ key, value: payload[key] }).toEqual({ key, value: stored[key] });
    }
  });
});
