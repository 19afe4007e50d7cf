/**
 * The persona record v1 (SPEC §4): the wire shape, snake_case, enum values from `categories.ts`.
 * This schema feeds the OpenAPI contract and validates records read back from disk.
 */
import { z } from 'zod';
import { FIELD_CODES, MAX_AGE, type CategoricalField, type CodeOf } from './categories.js';
import { fieldDescription as described } from './field-dictionary.js';
import { NARRATIVE_SOURCES } from './request.js';

/** The eight narrative sections (keys kept from the predecessor's contract), with their lengths. */
export const NARRATIVE_SECTIONS = [
  { key: 'descriere_generala', min: 20, max: 2000 },
  { key: 'profil_profesional', min: 20, max: 2000 },
  { key: 'hobby_sport', min: 10, max: 1000 },
  { key: 'hobby_arta_cultura', min: 10, max: 1000 },
  { key: 'hobby_calatorii', min: 10, max: 1000 },
  { key: 'hobby_culinar', min: 10, max: 1000 },
  { key: 'career_goals_and_ambitions', min: 10, max: 2000 },
  { key: 'persona_summary', min: 10, max: 400 },
] as const;
export type NarrativeSectionKey = (typeof NARRATIVE_SECTIONS)[number]['key'];

export const NARRATIVE_STATUSES = ['generated', 'template', 'failed', 'withheld'] as const;
export type NarrativeStatus = (typeof NARRATIVE_STATUSES)[number];

export const NarrativeSectionsSchema = z.strictObject(
  Object.fromEntries(NARRATIVE_SECTIONS.map((s) => [s.key, z.string().min(s.min).max(s.max).describe(described(`narrative.sections.${s.key}`))])) as {
    [K in NarrativeSectionKey]: z.ZodString;
  },
);
export type NarrativeSections = z.infer<typeof NarrativeSectionsSchema>;

/**
 * A persona's narrative. `sections` is present only for `generated` and `template`; `withheld`
 * and `failed` carry `reasons` instead (a narrative with PII is never served).
 */
export const NarrativeSchema = z.strictObject({
  status: z.enum(NARRATIVE_STATUSES).describe(described('narrative.status')),
  source: z.enum(NARRATIVE_SOURCES).describe(described('narrative.source')),
  prompt_version: z.string().nullable().describe(described('narrative.prompt_version')),
  sections: NarrativeSectionsSchema.optional().describe(described('narrative.sections')),
  reasons: z.array(z.string()).optional().describe(described('narrative.reasons')),
});
export type Narrative = z.infer<typeof NarrativeSchema>;

const tScore = z.number().min(20).max(80);
export const TraitsSchema = z.strictObject({
  openness: tScore.describe(described('traits.openness')),
  conscientiousness: tScore.describe(described('traits.conscientiousness')),
  extraversion: tScore.describe(described('traits.extraversion')),
  agreeableness: tScore.describe(described('traits.agreeableness')),
  neuroticism: tScore.describe(described('traits.neuroticism')),
});
export type Traits = z.infer<typeof TraitsSchema>;

/** The zod enum of a categorical field's codes. */
export function categoryOf<F extends CategoricalField>(field: F) {
  return z.enum(FIELD_CODES[field] as unknown as readonly [CodeOf<F>, ...CodeOf<F>[]]);
}

/** The persona record; every field carries its meaning from the field dictionary (`field-dictionary.ts`). */
export const PersonaSchema = z.strictObject({
  id: z.uuid().describe(described('id')),
  index: z.number().int().min(0).describe(described('index')),
  given_name: z.string().min(1).describe(described('given_name')),
  family_name: z.string().min(1).describe(described('family_name')),
  sex: categoryOf('sex').describe(described('sex')),
  age: z.number().int().min(0).max(MAX_AGE).describe(described('age')),
  age_group: categoryOf('age_group').describe(described('age_group')),
  region: categoryOf('region').describe(described('region')),
  district: categoryOf('district').describe(described('district')),
  residence: categoryOf('residence').describe(described('residence')),
  ethnicity: categoryOf('ethnicity').describe(described('ethnicity')),
  mother_tongue: categoryOf('mother_tongue').describe(described('mother_tongue')),
  language_usually_spoken: categoryOf('language_usually_spoken').describe(described('language_usually_spoken')),
  religion: categoryOf('religion').describe(described('religion')),
  marital_status: categoryOf('marital_status').nullable().describe(described('marital_status')),
  education_level: categoryOf('education_level').nullable().describe(described('education_level')),
  employment_status: categoryOf('employment_status').nullable().describe(described('employment_status')),
  inactivity_reason: categoryOf('inactivity_reason').nullable().describe(described('inactivity_reason')),
  economic_sector: categoryOf('economic_sector').nullable().describe(described('economic_sector')),
  traits: TraitsSchema.optional().describe(described('traits')),
  narrative: NarrativeSchema.optional().describe(described('narrative')),
});
export type Persona = z.infer<typeof PersonaSchema>;

/** Field order of the NDJSON/CSV output (the schema's key order). */
export const PERSONA_FIELDS = Object.keys(PersonaSchema.shape) as (keyof Persona)[];

/**
 * Run-level narrative statistics (SPEC §6, §7): counts are personas, ratios are over the
 * requested narratives; field names are the gates' contract. Folded by `narratives/narrative-stats.ts`.
 */
export const NarrativeRunStatsSchema = z.strictObject({
  provider: z.enum(NARRATIVE_SOURCES),
  /** Personas whose narrative was requested. */
  total: z.number().int().min(0),
  generated: z.number().int().min(0),
  template: z.number().int().min(0),
  failed: z.number().int().min(0),
  withheld: z.number().int().min(0),
  /** Requested but absent (counts as failed for the mock ratio). */
  missing: z.number().int().min(0),
  /** (failed + missing + template fallbacks when llm was requested) / total; 0 when total = 0. */
  mock_ratio: z.number(),
  /** Narratives withheld for PII. */
  pii_count: z.number().int().min(0),
  /** Over attempted narratives (total − missing): share with NARRATIVE_SCHEMA_INVALID. */
  schema_invalid_ratio: z.number(),
  /** Over attempted narratives: share with NARRATIVE_PARSE_FAILURE. */
  parse_failure_ratio: z.number(),
  too_short: z.number().int().min(0),
  too_long: z.number().int().min(0),
  language_invalid: z.number().int().min(0),
  pronoun_mismatch: z.number().int().min(0),
  name_missing: z.number().int().min(0),
  contradiction: z.number().int().min(0),
  /** Every reason code with the number of narratives carrying it (each code once per narrative). */
  reasons: z.record(z.string(), z.number()),
});
export type NarrativeRunStats = z.infer<typeof NarrativeRunStatsSchema>;
