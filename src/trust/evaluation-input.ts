/**
 * What the trust evaluator reads: the run's effective request, the targets and their provenance
 * (known before sampling) and, after sampling, what the output looks like. The engine's output
 * is adapted to these shapes at the edge; everything here is plain data, compared in the
 * OUTPUT's universe (adult outputs against adult targets).
 */
import type { z } from 'zod';
import type { PxwebFetchAttempt, ResolvedTable } from '../census/census-table.js';
import type { EffectiveRequest, PxwebMode } from '../domain/request.js';
import type { NarrativeRunStats } from '../domain/persona.js';
import type { ComparedField } from '../domain/fields.js';
import type { FieldTarget } from '../generation/field-targets.js';
import type { JointTarget } from '../generation/joint-targets.js';
import type { PyramidTarget } from '../generation/pyramid.js';
import type { TableProvenanceSchema } from './report-schema.js';
import { CONSISTENCY_RULES, type ConsistencyRule } from '../generation/consistency.js';
import { PLAUSIBILITY_RULES, PLAUSIBILITY_RULE_IDS, type PlausibilityRuleId } from '../generation/plausibility.js';
import type { CalibrationDiagnostics as EngineCalibrationDiagnostics } from '../generation/calibration.js';
import { roundingHalfUnitOf } from './rounding.js';

// The engine owns the consistency and plausibility rules and the target shape; the evaluator reads them from there.
export { CONSISTENCY_RULES, PLAUSIBILITY_RULES, PLAUSIBILITY_RULE_IDS, type ConsistencyRule, type FieldTarget, type PlausibilityRuleId };

/** One plausibility rule's counts: persons in its population, and those it flags among them. */
export interface PlausibilityCount {
  readonly count: number;
  readonly denominator: number;
}

/**
 * A published cross-tab compared with the output, row by row: each row is the distribution of
 * `col_field` within one category of `row_field`. A `null` row was not published; a `null` cell
 * inside a row was not published either (partial tables): the row is then compared on its
 * published cells plus one pooled "rest" cell, which is a total variation distance on a
 * coarser partition of the same row.
 */
export interface JointCheck extends Omit<JointTarget, 'row_field' | 'col_field'> {
  readonly row_field: ComparedField;
  readonly col_field: ComparedField;
  readonly observed_counts: readonly (readonly number[])[];
}

export interface PyramidCheck extends PyramidTarget {
  /** Per age group, per sex. */
  readonly observed_counts: readonly (readonly number[])[];
}

/**
 * SPEC §5.1 step 2: calibration (IPF) diagnostics, weights relative to the prior mass — the
 * engine's record without its list of margin names.
 */
export type CalibrationDiagnostics = Omit<EngineCalibrationDiagnostics, 'margins'>;

/** One table used by the run, with where it came from and how old it is (the report's schema is its type). */
export type TableProvenance = z.infer<typeof TableProvenanceSchema>;

/** Personas whose language or religion was drawn from national totals because their ethnicity had no row. */
export interface EthnoculturalFallback {
  readonly table_id: string;
  readonly persons: number;
}

export interface SystemFlags {
  readonly timed_out: boolean;
  readonly memory_exceeded: boolean;
  readonly checkpoint_corrupt: boolean;
}

/** Everything known before sampling: the preflight gates (provenance, staleness, configuration) read only this. */
export interface PreflightInput {
  readonly request: EffectiveRequest;
  readonly snapshot_hash: string;
  readonly generator_version: string;
  /** A generator version the caller pinned, or null. */
  readonly requested_generator_version: string | null;
  readonly pxweb_mode: PxwebMode;
  readonly llm_configured: boolean;
  readonly field_targets: readonly FieldTarget[];
  readonly tables: readonly TableProvenance[];
  readonly fetch_log: readonly PxwebFetchAttempt[];
}

/** The preflight input plus what the output looks like. */
export interface EvaluationInput extends PreflightInput {
  readonly n_generated: number;
  /** Counts per category, aligned with the field target's `categories`; null values are not counted. */
  readonly field_observed: Readonly<Partial<Record<ComparedField, readonly number[]>>>;
  readonly joint_checks: readonly JointCheck[];
  /** Age group × sex: the model's shares and the output's counts, for the report's pyramid (not gated; absent: not shown). */
  readonly pyramid?: PyramidCheck | null;
  readonly calibration: CalibrationDiagnostics | null;
  readonly consistency: Readonly<Record<ConsistencyRule, number>>;
  /** Per plausibility rule (src/generation/plausibility.ts), its counts in the output. */
  readonly plausibility: Readonly<Record<PlausibilityRuleId, PlausibilityCount>>;
  readonly duplicate_ids: number;
  /** Records identical to another record of the dataset, ignoring id, index and narrative. */
  readonly duplicate_records: number;
  readonly ethnocultural_fallbacks: readonly EthnoculturalFallback[];
  readonly narratives: NarrativeRunStats | null;
  readonly system: SystemFlags;
}

/** The provenance record of a resolved table, as the evaluator reads it. */
export function tableProvenanceOf(table: ResolvedTable): TableProvenance {
  return {
    table_id: table.id,
    provenance_class: table.provenance_class,
    trust: table.trust,
    reference_date: table.source.reference_date,
    retrieved: table.retrieved,
    fetched_at: table.fetched_at,
    age_days: table.age_days,
    periodic: table.periodic,
    source_table_id: table.source.table_id,
    content_hash: table.content_hash,
    rounding_half_unit: roundingHalfUnitOf(table),
    published: table.published ?? null,
    vintage: table.vintage,
  };
}
