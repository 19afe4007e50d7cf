// Types of audit.mjs for the TypeScript tests.
import type { AuditRow } from './stats.mjs';
import type { AuditRecord, References } from './references.mjs';
export interface CoverageEntry {
  readonly file: string;
  readonly trust: string | null;
  readonly rows: number;
  readonly status: 'checked' | 'not checked' | 'UNACCOUNTED';
  readonly reason: string | null;
}
export const NOT_CHECKED: Readonly<Record<string, string>>;
export const NOT_REPRESENTABLE: readonly (readonly [string, string, string])[];
export function scopeMinAge(scope: 'all' | 'adults'): number;
export function runAudit(refs: References, records: readonly AuditRecord[], options?: { scope?: 'all' | 'adults' }): { rows: AuditRow[]; coverage: CoverageEntry[] };
export function counted(row: AuditRow): boolean;
export function summarise(rows: readonly AuditRow[]): { family: string; trust: string; rows: number; out: number; worst: { id: string; excess: number } | null }[];
