/**
 * `GET /v1/profiles` and `GET /v1/gate-codes` in the real app (the product's `/v1` routes,
 * gates and error handler). Every response is checked against the pinned contract.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZodApp } from '../../../../src/http/route-schema.js';
import { GATE_CODES, GATES } from '../../../../src/trust/gate-table.js';
import { PROFILE_DETAILS } from '../../../../src/domain/profiles.js';
import { buildTestApp } from '../../../helpers/app.js';
import { expectContract } from '../../../helpers/contract.js';

let app: ZodApp;

beforeAll(async () => {
  app = await buildTestApp();
});

afterAll(async () => {
  await app.close();
});

describe('GET /v1/profiles', () => {
  it('serves the three profiles with their defaults', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/profiles' });
    const body = (await expectContract(response)) as { profiles: { profile: string; strict_default: boolean; narratives_default: string }[] };
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(body.profiles.map((p) => [p.profile, p.strict_default, p.narratives_default])).toEqual([
      ['analysis_only', false, 'none'],
      ['narrative_required', false, 'template'],
      ['high_stakes', true, 'template'],
    ]);
    expect(body.profiles[2]).toMatchObject({ description: PROFILE_DETAILS.high_stakes.description });
  });
});

describe('GET /v1/gate-codes', () => {
  it('serves every code of the gate table with thresholds and severities per profile', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/gate-codes' });
    const body = (await expectContract(response)) as {
      sampling_multiplier: number;
      drift_thresholds: { alpha: number; critical_factor: number; formula: string };
      codes: { code: string; escalation_priority: number; severity: Record<string, string>; measures: { measure: string; thresholds: Record<string, number | null> }[] }[];
    };
    expect(response.statusCode).toBe(200);
    expect(body.codes.map((entry) => entry.code)).toEqual(GATE_CODES);
    const ess = body.codes.find((entry) => entry.code === 'ESS_TOO_LOW');
    expect(ess?.escalation_priority).toBe(3);
    expect(ess?.measures[0]?.thresholds).toEqual({ analysis_only: 0.5, narrative_required: 0.7, high_stakes: 0.85 });
    expect(body.codes.find((entry) => entry.code === 'ESTIMATED_FIELD_USED')?.severity).toEqual(GATES.ESTIMATED_FIELD_USED.severity);
    // c(0.001, 1) = √(π/2)·Φ⁻¹(1 − 0.0005): Python √(π/2)·-NormalDist().inv_cdf(0.0005)
    expect(body.sampling_multiplier).toBeCloseTo(4.124063671793356, 12);
    expect(body.drift_thresholds).toMatchObject({ alpha: 0.001, critical_factor: 2 });
    expect(body.drift_thresholds.formula).toContain('c(α, M)');
    const marginal = body.codes.find((entry) => entry.code === 'MARGINAL_ERROR_HIGH');
    expect(marginal?.measures.map((m) => [m.measure, m.thresholds])).toEqual([
      ['field_tvd', { analysis_only: null, narrative_required: null, high_stakes: null }],
      ['chi_square_p_value', { analysis_only: null, narrative_required: null, high_stakes: null }],
    ]);
  });

  it('answers 404 outside the declared routes', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/gate-code' });
    await expectContract(response);
    expect(response.statusCode).toBe(404);
  });

  it('answers another method with a documented 405', async () => {
    const response = await app.inject({ method: 'DELETE', url: '/v1/gate-codes' });
    await expectContract(response);
    expect(response.statusCode).toBe(405);
    expect(response.headers['allow']).toBe('GET, HEAD');
  });
});
