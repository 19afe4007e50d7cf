/**
 * The record a gate emits when it fires (SPEC §8.1), built from the gate table only: severity,
 * category and recommendation are looked up, never restated by the gate.
 */
import type { Profile } from '../../domain/request.js';
import type { z } from 'zod';
import type { ComparedField } from '../../domain/fields.js';
import type { GateDetailSchema } from '../payload-schema.js';
import { GATES, measureOf, type Comparator, type GateCode, type GateDefinition } from '../gate-table.js';

/** The record a gate emits (the payload's `gate_code_details[]`): the contract's schema is its type. */
export type GateDetail = Readonly<z.infer<typeof GateDetailSchema>>;

export interface Where {
  readonly field?: ComparedField | null;
  readonly subject?: string | null;
}

export function compares(observed: number, comparator: Comparator, threshold: number): boolean {
  return comparator === '>' ? observed > threshold : observed < threshold;
}

/** The detail record of a firing, or none when the code is `off` for the profile. */
export function detailOf(
  profile: Profile,
  code: GateCode,
  measure: string,
  values: { readonly observed: number | null; readonly threshold: number | null },
  where: Where = {},
): GateDetail[] {
  const definition: GateDefinition = GATES[code];
  const severity = definition.severity[profile];
  if (severity === 'off') return [];
  return [
    {
      code,
      category: definition.category,
      severity,
      is_hard_gate: severity === 'hard',
      field: where.field ?? null,
      subject: where.subject ?? null,
      measure,
      comparator: measureOf(code, measure).comparator,
      observed: values.observed,
      threshold: values.threshold,
      recommendation: definition.recommendation,
    },
  ];
}

/**
 * Compares `observed` with the measure's threshold for the profile (or `threshold`, when the
 * gate takes it from the run) and returns the record when it fires.
 */
export function check(
  profile: Profile,
  code: GateCode,
  measure: string,
  observed: number | null,
  options: Where & { readonly threshold?: number | null } = {},
): GateDetail[] {
  const definition = measureOf(code, measure);
  const threshold = options.threshold === undefined ? definition.threshold[profile] : options.threshold;
  if (observed === null || threshold === null || !compares(observed, definition.comparator, threshold)) return [];
  return detailOf(profile, code, measure, { observed, threshold }, options);
}
