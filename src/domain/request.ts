/**
 * The request vocabulary every room speaks: output scopes, trust profiles, narrative providers,
 * PxWeb modes, and the effective request — the request after defaults, exactly what the generator
 * runs and what `config_hash` covers. One zod schema; every reader uses its type.
 */
import { z } from 'zod';
import { WhereSchema } from './where.js';

/** Output universes: `adults` = 18+ (the default), `all` = every age. */
export const SCOPES = ['adults', 'all'] as const;
export type Scope = (typeof SCOPES)[number];
export const ADULT_MIN_AGE = 18;

/** Trust profiles (predecessor vocabulary). */
export const PROFILES = ['analysis_only', 'narrative_required', 'high_stakes'] as const;
export type Profile = (typeof PROFILES)[number];

/** What a request may ask for (`none`: no narratives). */
export const NARRATIVE_PROVIDERS = ['none', 'template', 'llm'] as const;
export type NarrativeProvider = (typeof NARRATIVE_PROVIDERS)[number];

/** Who writes a narrative that exists: the request's providers less `none`. */
export const NARRATIVE_SOURCES = ['template', 'llm'] as const satisfies readonly Exclude<NarrativeProvider, 'none'>[];
export type NarrativeSource = (typeof NARRATIVE_SOURCES)[number];

/** Where census tables come from: the embedded snapshot only, the PxWeb disk cache, or live PxWeb. */
export const PXWEB_MODES = ['off', 'cache', 'live'] as const;
export type PxwebMode = (typeof PXWEB_MODES)[number];

/** The largest seed (seeds are 0..2^32-1). */
export const MAX_SEED = 0xffffffff;

export const EffectiveRequestSchema = z.strictObject({
  n: z.number().int().min(1),
  profile: z.enum(PROFILES),
  seed: z.number(),
  strict: z.boolean(),
  scope: z.enum(SCOPES),
  use_ipf: z.boolean(),
  /** Optional Big Five traits in every record (they change the bytes, so they are hashed). */
  traits: z.boolean(),
  narratives: z.strictObject({ provider: z.enum(NARRATIVE_PROVIDERS) }),
  /** The condition, canonical (`canonicalWhere`); absent for the whole population, so older hashes stand. */
  where: WhereSchema.optional(),
});
export type EffectiveRequest = z.infer<typeof EffectiveRequestSchema>;
