import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../../src/domain/request.js';
import { evaluateGates, evaluatePreflight } from '../../../src/trust/evaluate.js';
import type { EvaluationInput } from '../../../src/trust/evaluation-input.js';
import { configHashOf, effectiveConfigOf, schemaHashOf } from '../../../src/trust/hashes.js';
import { buildGradientPayload, type PayloadRunInfo } from '../../../src/trust/payload.js';
import { gradientTrustPayloadJsonSchema } from '../../../src/trust/json-schema.js';
import { compileSchema } from './ajv.js';
import { cleanInput, offlineAdultInput, withObserved, withRequest, withTargets } from './fixtures.js';

const validate = compileSchema(gradientTrustPayloadJsonSchema());

const RUN: PayloadRunInfo = {
  run_id: '01936f0e-8a3b-7c4d-9e5f-0123456789ab',
  schema_hash: schemaHashOf(gradientTrustPayloadJsonSchema()),
  dataset_sha256: `sha256:${'b'.repeat(64)}`,
  generation_time_seconds: 1.25,
  timestamp: '2026-11-24T04:00:00.000Z',
};

/** SPEC §9, in order. */
const PAYLOAD_KEYS = [
  'payload_version',
  'generator_version',
  'schema_hash',
  'decision',
  'quality_tier',
  'confidence',
  'base_confidence',
  'confidence_factors',
  'monotonicity_applied',
  'gate_codes',
  'gate_code_details',
  'hard_gates_triggered',
  'should_escalate',
  'escalation_priority',
  'recommendations',
  'profile',
  'strict_mode',
  'signals',
  'run_id',
  'config_hash',
  'dataset_sha256',
  'generation_time_seconds',
  'timestamp',
];

const SIGNAL_KEYS = [
  'provenance_coverage_critical',
  'targets_source',
  'pxweb_cache_age_days',
  'ess_ratio',
  'information_loss',
  'mean_l1_error',
  'max_l1_error',
  'max_category_error',
  'max_joint_tvd',
  'fallback_ratio_super_critical',
  'fallback_ratio_critical',
  'narrative_mock_ratio',
  'narrative_pii_count',
  'consistency_violations',
  'duplicate_ids',
  'n_requested',
  'n_generated',
  'data_vintages',
];

function expectValid(payload: unknown): void {
  const ok = validate(JSON.parse(JSON.stringify(payload)));
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

describe('buildGradientPayload', () => {
  it.each(PROFILES)('builds a schema-valid payload with every key in SPEC order (%s)', (profile) => {
    const payload = buildGradientPayload(evaluateGates(cleanInput(profile)), RUN);
    expect(Object.keys(payload)).toEqual(PAYLOAD_KEYS);
    expect(Object.keys(payload.signals).slice(0, SIGNAL_KEYS.length)).toEqual(SIGNAL_KEYS);
    expect(payload.payload_version).toBe('1.0');
    expect(payload.gate_codes).toEqual(['PASS']);
    expect(payload.strict_mode).toBe(false);
    expectValid(payload);
  });

  it('builds valid payloads for offline defaults and for a strict preflight rejection without a dataset', () => {
    for (const profile of PROFILES) expectValid(buildGradientPayload(evaluateGates(offlineAdultInput(profile)), RUN));
    const blocked = evaluatePreflight(offlineAdultInput('high_stakes'));
    const payload = buildGradientPayload(blocked, { ...RUN, dataset_sha256: null, generation_time_seconds: 0 });
    expect(payload.decision).toBe('REJECT');
    expect(payload.signals.n_generated).toBe(0);
    expect(payload.signals.mean_l1_error).toBeNull();
    expect(payload.dataset_sha256).toBeNull();
    expectValid(payload);
  });

  it('reports the full-record duplicate share: duplicates over records generated, null before sampling', () => {
    const input = cleanInput('analysis_only', 20_000);
    const payload = buildGradientPayload(evaluateGates({ ...input, duplicate_records: 50 }), RUN);
    expect(payload.signals.duplicate_record_share).toBe(50 / input.n_generated);
    expect(payload.signals.duplicate_record_share).toBe(0.0025);
    // A signal, not a gate: the decision does not change with it.
    expect(payload.gate_codes).toEqual(['PASS']);
    expect(buildGradientPayload(evaluatePreflight(input), RUN).signals.duplicate_record_share).toBeNull();
    expectValid(payload);
  });

  it('keeps measures as JSON numbers in details and signals', () => {
    const input = withObserved(cleanInput('analysis_only', 100_000), 'sex', [80_000, 20_000]);
    const payload = JSON.parse(JSON.stringify(buildGradientPayload(evaluateGates(input), RUN))) as {
      gate_code_details: { observed: unknown; threshold: unknown }[];
      signals: Record<string, unknown>;
    };
    for (const detail of payload.gate_code_details) {
      expect(typeof detail.observed).toBe('number');
      expect(typeof detail.threshold).toBe('number');
    }
    expect(typeof payload.signals.mean_l1_error).toBe('number');
    expect(typeof payload.signals.max_category_error).toBe('number');
  });

  it('validates against the JSON Schema for random runs', () => {
    const arbitrary = fc.record({
      profile: fc.constantFrom(...PROFILES),
      strict: fc.boolean(),
      modelled: fc.subarray(['region', 'sex', 'religion', 'economic_sector'] as const),
      duplicates: fc.nat({ max: 3 }),
      shift: fc.double({ min: 0, max: 0.3, noNaN: true }),
    });
    fc.assert(
      fc.property(arbitrary, (r) => {
        let input: EvaluationInput = withRequest(cleanInput(r.profile), { strict: r.strict });
        input = withTargets(input, Object.fromEntries(r.modelled.map((field) => [field, 'modelled'])));
        input = withObserved(input, 'sex', [Math.round((0.5 + r.shift) * 1000), Math.round((0.5 - r.shift) * 1000)]);
        const payload = buildGradientPayload(evaluateGates({ ...input, duplicate_ids: r.duplicates }), RUN);
        return validate(JSON.parse(JSON.stringify(payload))) === true;
      }),
      { numRuns: 60 },
    );
  });

  it('refuses to build a payload that breaks its schema (run_id not a UUIDv7)', () => {
    expect(() => buildGradientPayload(evaluateGates(cleanInput('analysis_only')), { ...RUN, run_id: 'not-a-uuid' })).toThrow(
      expect.objectContaining({ code: 'INTERNAL' }),
    );
  });

  it('rejects unknown keys (strict schema)', () => {
    const payload = buildGradientPayload(evaluateGates(cleanInput('analysis_only')), RUN);
    expect(validate({ ...JSON.parse(JSON.stringify(payload)), extra: 1 })).toBe(false);
  });
});

function reverseKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeysDeep);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).reverse().map(([key, inner]) => [key, reverseKeysDeep(inner)]));
  }
  return value;
}

describe('schemaHashOf', () => {
  it('hashes the JCS canonical JSON', () => {
    // python3: hashlib.sha256(b'{"a":[1,2],"b":1}').hexdigest()
    expect(schemaHashOf({ b: 1, a: [1, 2] })).toBe('sha256:94a786c3662bc7beeb598efa7d8cb58d7bea25d6c275ea9785a0230ff1f8c2ba');
    // JCS writes 1e21 as 1e+21 and keeps non-ASCII as UTF-8:
    // hashlib.sha256('{"a":"ă","n":1e+21,"z":0.1}'.encode()).hexdigest()
    expect(schemaHashOf({ z: 0.1, n: 1e21, a: 'ă' })).toBe(
      'sha256:facc4d181c2179b9749fcd17b797150cd1ea88403facb0ea2a860d9257b26e5f',
    );
  });

  it('is stable under key reordering of the schema and changes when the schema changes', () => {
    const schema = gradientTrustPayloadJsonSchema();
    expect(schemaHashOf(reverseKeysDeep(schema))).toBe(schemaHashOf(schema));
    const changed = { ...schema, properties: { ...(schema.properties as object), new_key: { type: 'string' } } };
    expect(schemaHashOf(changed)).not.toBe(schemaHashOf(schema));
  });
});

describe('config_hash', () => {
  const input = cleanInput('analysis_only');
  const base = configHashOf(effectiveConfigOf(input));

  it.each([
    ['n', { n: 999 }],
    ['profile', { profile: 'high_stakes' as const }],
    ['seed', { seed: 43 }],
    ['strict', { strict: true }],
    ['scope', { scope: 'adults' as const }],
    ['use_ipf', { use_ipf: false }],
    ['traits', { traits: true }],
    ['narratives', { narratives: { provider: 'template' as const } }],
  ])('changes with the effective request field %s', (_name, change) => {
    expect(configHashOf(effectiveConfigOf(withRequest(input, change)))).not.toBe(base);
  });

  it('changes with the snapshot hash and the generator version, and not with key order', () => {
    expect(configHashOf(effectiveConfigOf({ ...input, snapshot_hash: `sha256:${'c'.repeat(64)}` }))).not.toBe(base);
    expect(configHashOf(effectiveConfigOf({ ...input, generator_version: '0.1.1' }))).not.toBe(base);
    const reordered = reverseKeysDeep(effectiveConfigOf(input)) as ReturnType<typeof effectiveConfigOf>;
    expect(configHashOf(reordered)).toBe(base);
    expect(base).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(evaluateGates(input).config_hash).toBe(base);
  });
});
