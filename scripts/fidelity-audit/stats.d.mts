// Types of stats.mjs for the TypeScript tests (the script itself runs as plain ESM).
export interface AuditRow {
  readonly family?: string;
  readonly id: string;
  readonly what?: string;
  readonly source?: string;
  readonly trust?: string;
  readonly universe?: string;
  readonly universe_min_age?: number;
  readonly kind: string;
  readonly target: number | null;
  readonly generated: number | null;
  readonly diff: number | null;
  readonly n: number;
  readonly se: number | null;
  readonly floor: number;
  readonly tolerance: number | null;
  readonly z: number | null;
  readonly flag: 'ok' | 'OUT' | 'n/a' | 'n/a (scope)';
  readonly sparse?: boolean;
  readonly soft?: boolean;
  readonly structural?: boolean;
  readonly low?: number;
  readonly high?: number;
}
type Labels = Record<string, unknown>;
export const SIGMAS: number;
export const MIN_EXPECTED: number;
export function logGamma(x: number): number;
export function binomialMeanAbsoluteDeviation(n: number, p: number): number;
export function expectedTvd(shares: readonly number[], n: number): number | null;
export function totalVariation(a: readonly number[], b: readonly number[]): number;
export function standardError(p: number, n: number): number | null;
export function roundingHalfUnit(decimals: number, unit?: 'percent' | 'years'): number;
export function shareCheck(spec: Labels & { id: string; target: number; hits: number; n: number; floor?: number }): AuditRow;
export function distributionCheck(
  spec: Labels & { id: string; categories: readonly string[]; targets: readonly number[]; counts: readonly number[]; floors?: readonly number[] },
): AuditRow[];
export function meanCheck(spec: Labels & { id: string; target: number; values: readonly number[]; floor?: number }): AuditRow;
export function rangeCheck(spec: Labels & { id: string; low: number; high: number; hits: number; n: number }): AuditRow;
export function groupedMedian(ages: readonly number[], width?: number): { median: number | null; se: number | null };
export function medianCheck(spec: Labels & { id: string; target: number; ages: readonly number[]; floor?: number }): AuditRow;
