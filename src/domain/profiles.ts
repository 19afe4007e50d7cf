/**
 * The trust profiles (SPEC §8.2): what each is for and its request defaults. Thresholds and
 * severities per profile live in the gate table, not here. `GET /v1/profiles` serves this table.
 */
import { PROFILES, type NarrativeProvider, type Profile } from './request.js';

export interface ProfileDetail {
  readonly profile: Profile;
  readonly description: string;
  /** `strict` when the request does not say. */
  readonly strict_default: boolean;
  /** `narratives.provider` when the request does not say. */
  readonly narratives_default: NarrativeProvider;
  /** The profile needs narratives; `narratives: {provider: "none"}` is then incomplete (CONFIG_INCOMPLETE). */
  readonly narratives_required: boolean;
}

export const PROFILE_DETAILS = {
  analysis_only: {
    profile: 'analysis_only',
    description:
      'Statistical analysis and test data. Modelled targets are allowed and disclosed in the signals and the report rather than gated; drift, integrity and calibration gates still apply.',
    strict_default: false,
    narratives_default: 'none',
    narratives_required: false,
  },
  narrative_required: {
    profile: 'narrative_required',
    description:
      'Datasets whose narratives are the product (e.g. LLM evaluation sets). Narratives must be on and of contract quality; most super-critical targets must be official.',
    strict_default: false,
    narratives_default: 'template',
    narratives_required: true,
  },
  high_stakes: {
    profile: 'high_stakes',
    description:
      'Decisions that affect people. Every super-critical target must be official and fresh, drift limits are tightest, and strict mode is on by default: a rejected dataset is never released.',
    strict_default: true,
    narratives_default: 'template',
    narratives_required: false,
  },
} as const satisfies { readonly [P in Profile]: ProfileDetail & { readonly profile: P } };

/** The profiles in catalogue order. */
export const PROFILE_LIST: readonly ProfileDetail[] = PROFILES.map((profile) => PROFILE_DETAILS[profile]);
