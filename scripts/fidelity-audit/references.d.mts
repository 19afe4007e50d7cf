// Types of references.mjs for the TypeScript tests.
/** The persona fields the audit reads (a projection of one NDJSON record). */
export interface AuditRecord {
  readonly sex: string;
  readonly age: number;
  readonly region: string;
  readonly district: string;
  readonly residence: string;
  readonly ethnicity: string;
  readonly mother_tongue: string;
  readonly language_usually_spoken: string;
  readonly religion: string;
  readonly marital_status: string | null;
  readonly education_level: string | null;
  readonly employment_status: string | null;
  readonly inactivity_reason: string | null;
  readonly economic_sector: string | null;
}
export type References = Record<string, Record<string, unknown> & { readonly __file: string }>;
export function loadReferences(dir: string): References;
