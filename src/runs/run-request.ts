/**
 * The body of `POST /v1/runs` (SPEC §11): a strict zod schema (unknown fields are a 400), and the
 * defaults that turn it into the effective request — exactly what the generator runs and what
 * `config_hash` covers. A seed left out is drawn by the caller of `effectiveRequestOf` and recorded.
 */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { ServiceError } from '../errors.js';
import {
  MAX_SEED,
  NARRATIVE_PROVIDERS,
  PROFILES,
  SCOPES,
  type EffectiveRequest,
  type Profile,
} from '../domain/request.js';
import { PROFILE_DETAILS } from '../domain/profiles.js';
import { canonicalWhere, structurallyEmpty, WhereSchema, type Where } from '../domain/where.js';
import { emptyConditionError } from '../generation/condition.js';
import { minAgeOf } from '../generation/model.js';

export function runRequestSchema(maxN: number) {
  return z
    .strictObject({
      n: z.number().int().min(1).max(maxN).describe(`How many personas (1..MAX_N; MAX_N defaults to 1,000,000).`),
      profile: z.enum(PROFILES).describe('Trust profile the dataset is judged by.'),
      seed: z.number().int().min(0).max(MAX_SEED).optional().describe('0..2^32-1; drawn and recorded when absent.'),
      strict: z.boolean().optional().describe('Never release a rejected dataset; default true only for high_stakes.'),
      scope: z.enum(SCOPES).optional().describe('adults (18+, default) or all ages.'),
      use_ipf: z.boolean().optional().describe('Calibrate to the census (default true); false samples the prior.'),
      traits: z.boolean().optional().describe('Add Big Five trait T-scores (modelled) to every record (default false).'),
      narratives: z
        .strictObject({ provider: z.enum(NARRATIVE_PROVIDERS) })
        .optional()
        .describe('Romanian narratives: none for analysis_only by default, template for the other profiles.'),
      where: WhereSchema.optional().describe(
        'Draw from a sub-population: region, district, residence, sex, ethnicity as code lists (any of within a field, all fields at once) and age as {min, max}. Exactly n people, all matching; a condition with no census mass is a 422 naming it.',
      ),
      generator_version: z
        .string()
        .regex(/^[0-9A-Za-z.+-]{1,64}$/)
        .optional()
        .describe(
          'The generator version the caller expects (e.g. "0.1.0"). Not part of the effective request; when it differs from the running version the run raises CONFIG_VERSION_MISMATCH (a warning, hard for high_stakes).',
        ),
    })
    .meta({ id: 'RunRequest', description: 'A generation request.' });
}
export type RunRequest = z.infer<ReturnType<typeof runRequestSchema>>;

/** A seed for a request that gave none: uniform over 0..MAX_SEED (randomInt's bound is exclusive). */
export function drawSeed(): number {
  return randomInt(0, MAX_SEED + 1);
}

/** The request after defaults. `seed` must already be resolved (given, or drawn by the caller). */
export function effectiveRequestOf(request: RunRequest, seed: number): EffectiveRequest {
  const profile: Profile = request.profile;
  const details = PROFILE_DETAILS[profile];
  return {
    n: request.n,
    profile,
    seed,
    strict: request.strict ?? details.strict_default,
    scope: request.scope ?? 'adults',
    use_ipf: request.use_ipf ?? true,
    traits: request.traits ?? false,
    narratives: { provider: request.narratives?.provider ?? details.narratives_default },
    ...whereOf(request.where),
  };
}

function whereOf(where: Where | undefined): { where?: Where } {
  const canonical = where === undefined ? null : canonicalWhere(where);
  return canonical === null ? {} : { where: canonical };
}

/** Limits of this instance that a request valid against the schema may still exceed. */
export interface RequestLimits {
  /** Largest `n` with llm narratives (LLM_MAX_N). */
  readonly llmMaxN: number;
}

/**
 * The 422 for a request beyond this instance's limits, or null. An llm run costs one or two
 * model calls per persona, so it has its own ceiling below MAX_N.
 */
export function requestLimitError(request: RunRequest, limits: RequestLimits): ServiceError | null {
  const provider = request.narratives?.provider ?? PROFILE_DETAILS[request.profile].narratives_default;
  if (provider !== 'llm' || request.n <= limits.llmMaxN) return null;
  const message = `at most LLM_MAX_N (${limits.llmMaxN}) with llm narratives`;
  return new ServiceError('REQUEST_LIMIT_EXCEEDED', `n = ${request.n} is above LLM_MAX_N (${limits.llmMaxN}) for a run with llm narratives`, {
    details: { errors: [{ path: '/body/n', message }] },
  });
}

/**
 * The 422 for a condition no census can fill (a district outside the listed regions, ages below
 * the scope), before anything is stored; null otherwise. A condition empty only in the data is
 * refused when the run is planned (REQUEST_CONDITION_EMPTY either way).
 */
export function requestConditionError(request: RunRequest): ServiceError | null {
  const where = request.where === undefined ? null : canonicalWhere(request.where);
  const scope = request.scope ?? 'adults';
  return where !== null && structurallyEmpty(where, minAgeOf(scope)) ? emptyConditionError(where, scope) : null;
}
