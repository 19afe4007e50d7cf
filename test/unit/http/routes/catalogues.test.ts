import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogueRoutes } from '../../../../src/http/routes/catalogues.js';
import { GATE_CODES, GATES } from '../../../../src/trust/gate-table.js';
import { PROFILE_DETAILS } from '../../../../src/trust/profiles.js';

let app: FastifyInstance;

beforeEach(async () => {
  app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(catalogueRoutes, { prefix: '/v1' });
  await app.ready();
});

afterEach(async () => {
  await app.close();
});

describe('GET /v1/profiles', () => {
  it('serves the three profiles with their defaults', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/profiles' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = response.json<{ profiles: { profile: string; strict_default: boolean; narratives_default: string }[] }>();
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
    expect(response.statusCode).toBe(200);
    const body = response.json<{
      sampling_multiplier: number;
      codes: { code: string; escalation_priority: number; severity: Record<string, string>; measures: { measure: string; thresholds: Record<string, number | null> }[] }[];
    }>();
    expect(body.codes.map((entry) => entry.code)).toEqual(GATE_CODES);
    const ess = body.codes.find((entry) => entry.code === 'ESS_TOO_LOW');
    expect(ess?.escalation_priority).toBe(3);
    expect(ess?.measures[0]?.thresholds).toEqual({ analysis_only: 0.5, narrative_required: 0.7, high_stakes: 0.85 });
    expect(body.codes.find((entry) => entry.code === 'ESTIMATED_FIELD_USED')?.severity).toEqual(GATES.ESTIMATED_FIELD_USED.severity);
    expect(body.sampling_multiplier).toBe(3);
  });

  it('answers 404 outside the declared routes', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/gate-code' })).statusCode).toBe(404);
  });
});
