/**
 * Provenance of the compared targets, known before sampling: which fields are official, which
 * are fallbacks (modelled or secondary), and the shares the provenance gates and signals read.
 * "Critical" here means critical or super-critical (a super-critical field is also critical),
 * as in the predecessor's `fallback_ratio_critical`; `age_group` has the criticality of `age`.
 */
import { TARGET_PROVENANCE_CLASSES, type TargetProvenanceClass } from '../census/census-table.js';
import { COMPARED_FIELDS, type ComparedField, criticalityOf, type FieldCriticality } from '../domain/fields.js';
import type { FieldTarget } from './evaluation-input.js';

/** SPEC §8.2: secondary and modelled targets are fallbacks; official snapshot figures are not. */
export const FALLBACK_CLASSES = ['secondary', 'modelled'] as const satisfies readonly TargetProvenanceClass[];

export type TargetsSource = 'pxweb_live' | 'pxweb_cache' | 'official_snapshot' | 'mixed';

const SINGLE_SOURCES = ['pxweb_live', 'pxweb_cache', 'official_snapshot'] as const satisfies readonly TargetsSource[];

/** One official class for every target names the source; derived, secondary or modelled targets make it mixed. */
function isTargetsSource(provenance: TargetProvenanceClass | undefined): provenance is (typeof SINGLE_SOURCES)[number] {
  return (SINGLE_SOURCES as readonly (TargetProvenanceClass | undefined)[]).includes(provenance);
}

/** The target goes through the model: modelled, or derived from a wider official table (official_derived). */
export function isModelDependentClass(provenance: TargetProvenanceClass): boolean {
  return provenance === 'modelled' || provenance === 'official_derived';
}

export function isFallbackClass(provenance: TargetProvenanceClass): boolean {
  return (FALLBACK_CLASSES as readonly TargetProvenanceClass[]).includes(provenance);
}

export function fieldCriticality(field: ComparedField): FieldCriticality {
  return criticalityOf(field === 'age_group' ? 'age' : field);
}

export interface FieldProvenance {
  readonly field: ComparedField;
  readonly criticality: FieldCriticality;
  readonly provenance_class: TargetProvenanceClass;
}

export interface ProvenanceSummary {
  /** Compared fields in `COMPARED_FIELDS` order. */
  readonly fields: readonly FieldProvenance[];
  readonly super_critical_fallback_fields: readonly ComparedField[];
  /** Share of compared super-critical fields with a fallback target; null when none is compared. */
  readonly fallback_ratio_super_critical: number | null;
  readonly critical_fallback_fields: readonly ComparedField[];
  readonly fallback_ratio_critical: number | null;
  /** Share of compared critical fields per class (every target class; zeros when none is compared). */
  readonly coverage_critical: Readonly<Record<TargetProvenanceClass, number>>;
  readonly modelled_fields: readonly ComparedField[];
  readonly secondary_fields: readonly ComparedField[];
  /** One official class for every target, else `mixed`; null without targets. */
  readonly targets_source: TargetsSource | null;
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

export function summariseProvenance(targets: readonly FieldTarget[]): ProvenanceSummary {
  const byField = new Map(targets.map((target) => [target.field, target]));
  const fields = COMPARED_FIELDS.flatMap((field) => {
    const target = byField.get(field);
    return target === undefined ? [] : [{ field, criticality: fieldCriticality(field), provenance_class: target.provenance_class }];
  });
  const superCritical = fields.filter((entry) => entry.criticality === 'super_critical');
  const critical = fields.filter((entry) => entry.criticality !== 'ordinary');
  const fallbackOf = (list: readonly FieldProvenance[]) =>
    list.filter((entry) => isFallbackClass(entry.provenance_class)).map((entry) => entry.field);
  const coverage = Object.fromEntries(
    TARGET_PROVENANCE_CLASSES.map((provenance) => [
      provenance,
      critical.length === 0 ? 0 : critical.filter((entry) => entry.provenance_class === provenance).length / critical.length,
    ]),
  ) as Record<TargetProvenanceClass, number>;
  const classes = new Set(fields.map((entry) => entry.provenance_class));
  const [onlyClass] = [...classes];
  const targetsSource: TargetsSource | null =
    fields.length === 0 ? null : classes.size === 1 && isTargetsSource(onlyClass) ? onlyClass : 'mixed';
  const superCriticalFallback = fallbackOf(superCritical);
  const criticalFallback = fallbackOf(critical);
  return {
    fields,
    super_critical_fallback_fields: superCriticalFallback,
    fallback_ratio_super_critical: ratio(superCriticalFallback.length, superCritical.length),
    critical_fallback_fields: criticalFallback,
    fallback_ratio_critical: ratio(criticalFallback.length, critical.length),
    coverage_critical: coverage,
    modelled_fields: fields.filter((entry) => entry.provenance_class === 'modelled').map((entry) => entry.field),
    secondary_fields: fields.filter((entry) => entry.provenance_class === 'secondary').map((entry) => entry.field),
    targets_source: targetsSource,
  };
}
