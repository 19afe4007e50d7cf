/**
 * The catalogues served at `GET /v1/profiles` and `GET /v1/gate-codes`: the declared tables
 * (`PROFILE_DETAILS`, `GATES`) in wire form, with their zod schemas for the routes and the
 * pinned OpenAPI document. Nothing here is restated: both are read from the tables.
 */
import { z } from 'zod';
import { NARRATIVE_PROVIDERS, PROFILES } from '../domain/request.js';
import { PROFILE_LIST } from '../domain/profiles.js';
import { DRIFT_THRESHOLDS, GATE_CODES, GATES, type GateDefinition } from './gate-table.js';
import { samplingMultiplier } from './metrics/index.js';

const perProfile = <T extends z.ZodType>(schema: T) =>
  z.strictObject({ analysis_only: schema, narrative_required: schema, high_stakes: schema });

export const ProfileCatalogueSchema = z.strictObject({
  profiles: z.array(
    z.strictObject({
      profile: z.enum(PROFILES),
      description: z.string(),
      strict_default: z.boolean(),
      narratives_default: z.enum(NARRATIVE_PROVIDERS),
      narratives_required: z.boolean(),
    }),
  ),
});
export type ProfileCatalogue = z.infer<typeof ProfileCatalogueSchema>;

export const GateCatalogueSchema = z.strictObject({
  sampling_multiplier: z
    .number()
    .describe('c(α, 1): the multiplier of the expected sampling TVD for a run that gates one row; a run gating M rows uses c(α, M) (see drift_thresholds).'),
  drift_thresholds: z
    .strictObject({
      alpha: z.number().describe('Family-wise false-alarm probability of a run drawn from its targets.'),
      critical_factor: z.number().describe('The hard marginal gate fires at this multiple of the threshold.'),
      formula: z.string(),
    })
    .describe('How measures marked sampling_adjusted get their thresholds (docs/trust.md §5.2).'),
  codes: z.array(
    z.strictObject({
      code: z.enum(GATE_CODES),
      category: z.string(),
      stage: z.enum(['preflight', 'evaluation', 'decision', 'marker']),
      origin: z.enum(['predecessor', 'added']),
      reason_added: z.string().nullable(),
      fires_when: z.string(),
      combine: z.enum(['any', 'all']),
      measures: z.array(
        z.strictObject({
          measure: z.string(),
          threshold_name: z.string(),
          comparator: z.enum(['>', '<']),
          thresholds: perProfile(z.number().nullable()),
          threshold_source: z.string().nullable(),
          unit: z.string(),
          scope: z.enum(['run', 'field', 'table', 'rule', 'joint_check']),
          sampling_adjusted: z.boolean(),
          description: z.string(),
        }),
      ),
      severity: perProfile(z.enum(['hard', 'warning', 'off'])),
      escalation_priority: z.number().int().min(1).max(10),
      always_escalate: z.boolean(),
      recommendation: z.string(),
    }),
  ),
});
export type GateCatalogue = z.infer<typeof GateCatalogueSchema>;

/** The threshold of a compared row, as docs/trust.md §5.2 derives it. */
export const DRIFT_THRESHOLD_FORMULA =
  'T = c(α, M)·E[TVD](target, n_row) + (K − 1)·h + a_row, c(α, M) = √(π/2)·Φ⁻¹(1 − α/(2M)); M rows measured, h half the rounding unit of the published cells, a_row the reviewed conflict allowance; p-value limit α/M';

export function profileCatalogue(): ProfileCatalogue {
  return { profiles: PROFILE_LIST.map((detail) => ({ ...detail })) };
}

export function gateCatalogue(): GateCatalogue {
  return {
    sampling_multiplier: samplingMultiplier(DRIFT_THRESHOLDS.alpha, 1),
    drift_thresholds: { ...DRIFT_THRESHOLDS, formula: DRIFT_THRESHOLD_FORMULA },
    codes: GATE_CODES.map((code) => {
      const definition: GateDefinition = GATES[code];
      return {
        code,
        category: definition.category,
        stage: definition.stage,
        origin: definition.origin,
        reason_added: definition.reason_added ?? null,
        fires_when: definition.fires_when,
        combine: definition.combine,
        measures: definition.measures.map((measure) => ({
          measure: measure.measure,
          threshold_name: measure.threshold_name,
          comparator: measure.comparator,
          thresholds: { ...measure.threshold },
          threshold_source: measure.threshold_source ?? null,
          unit: measure.unit,
          scope: measure.scope,
          sampling_adjusted: measure.sampling_adjusted,
          description: measure.description,
        })),
        severity: { ...definition.severity },
        escalation_priority: definition.priority,
        always_escalate: definition.always_escalate,
        recommendation: definition.recommendation,
      };
    }),
  };
}
