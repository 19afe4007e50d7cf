/**
 * The format of one census table, as shipped in `data/census/*.json` and as handed to the
 * generator inside the input snapshot. Values are a flat row-major array over the cartesian
 * product of the variables' categories (last variable fastest); `null` marks a cell that was
 * not published.
 */
import { z } from 'zod';
import type { PxwebMode } from '../domain/request.js';
import { VARIABLE_NAMES, type VariableName } from './domains.js';

export const TRUST_LEVELS = ['A', 'A-', 'B+', 'B', 'B-', 'C'] as const;
export type TrustLevel = (typeof TRUST_LEVELS)[number];

/** SPEC §3.2: every target and conditional table of a run has exactly one class. */
export const PROVENANCE_CLASSES = ['pxweb_live', 'pxweb_cache', 'official_snapshot', 'secondary', 'modelled'] as const;
export type ProvenanceClass = (typeof PROVENANCE_CLASSES)[number];

/**
 * A compared target has one of the table classes, or `official_derived`: an adult target derived
 * from a wider official table whose dependence on the model is within the check's sampling
 * tolerance (src/trust/derived-targets.ts). No table has that class.
 */
export const TARGET_PROVENANCE_CLASSES = [...PROVENANCE_CLASSES, 'official_derived'] as const;
export type TargetProvenanceClass = (typeof TARGET_PROVENANCE_CLASSES)[number];

/**
 * `counts` / `percent` / `share`: a distribution over all cells (percent sums to 100).
 * `row_percent` / `row_share`: each row over the LAST variable sums to 100 / 1 (a conditional table).
 * `rate_percent`: independent rates (e.g. employment rates), no summing rule.
 */
export const TABLE_MEASURES = ['counts', 'percent', 'share', 'row_percent', 'row_share', 'rate_percent'] as const;
export type TableMeasure = (typeof TABLE_MEASURES)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** How much of a publication date is known: an ISO 8601 date at that precision, or none. */
export const DATE_PRECISIONS = ['day', 'month', 'year', 'unknown'] as const;
export type DatePrecision = (typeof DATE_PRECISIONS)[number];

const DATE_PATTERN: Readonly<Record<Exclude<DatePrecision, 'unknown'>, RegExp>> = {
  day: /^\d{4}-\d{2}-\d{2}$/,
  month: /^\d{4}-\d{2}$/,
  year: /^\d{4}$/,
};

/** A passage of the audited reference set (`shared/reference/`) that a date rests on, quoted exactly. */
export const ReferenceQuoteSchema = z.strictObject({
  /** Path inside the reference set, e.g. `census/population_totals.json`. */
  reference: z.string().regex(/^[a-z-]+\/[A-Za-z0-9_.-]+$/),
  quote: z.string().min(4),
});
export type ReferenceQuote = z.infer<typeof ReferenceQuoteSchema>;

/**
 * When the publisher released the figures, to the precision the cited sources give (never a
 * guessed day): `date` is `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, or null when nothing dates it.
 */
export const PublicationSchema = z
  .strictObject({
    date: z.string().nullable(),
    precision: z.enum(DATE_PRECISIONS),
    /** The earliest dated report of the figures in the cited sources, when the release day itself is not known. */
    not_after: isoDate.optional(),
    /** Where the date comes from, or why it is unknown. */
    basis: z.string().min(1),
    evidence: z.array(ReferenceQuoteSchema),
  })
  .superRefine((value, context) => {
    const ok = value.precision === 'unknown' ? value.date === null : value.date !== null && DATE_PATTERN[value.precision].test(value.date);
    if (!ok) context.addIssue({ code: 'custom', message: `date ${String(value.date)} does not have precision '${value.precision}'` });
    if (value.date !== null && value.evidence.length === 0) context.addIssue({ code: 'custom', message: 'a publication date needs evidence' });
  });
export type Publication = z.infer<typeof PublicationSchema>;

/**
 * How a periodic series is re-issued, so staleness follows its reference period and release
 * cycle: the vintage that supersedes this one, the date it is due by (derived from the cycle the
 * sources state; null when they state none) and whether the reference set already shows it.
 */
export const ReleaseCycleSchema = z
  .strictObject({
    cadence: z.literal('annual'),
    next_vintage: z.string().min(1),
    next_release_expected_by: isoDate.nullable(),
    next_release_basis: z.string().min(1),
    /** The reference set shows figures of the next vintage: this one is superseded. */
    next_vintage_seen: z.boolean(),
    next_vintage_evidence: z.array(ReferenceQuoteSchema),
  })
  .superRefine((value, context) => {
    if (value.next_vintage_seen && value.next_vintage_evidence.length === 0) {
      context.addIssue({ code: 'custom', message: 'a next vintage marked seen needs evidence' });
    }
  });
export type ReleaseCycle = z.infer<typeof ReleaseCycleSchema>;

/**
 * Where a table stands in its series at resolution time: `not_periodic` (a one-off census result
 * or a model: never superseded), `current`, `expected_superseded` (the next vintage's expected
 * release date has passed; not verified) or `superseded` (the next vintage is published).
 */
export const VINTAGE_STATUSES = ['not_periodic', 'current', 'expected_superseded', 'superseded'] as const;
export type VintageStatus = (typeof VINTAGE_STATUSES)[number];

export const TableVintageSchema = z.strictObject({
  status: z.enum(VINTAGE_STATUSES),
  next_vintage: z.string().nullable(),
  next_release_expected_by: z.string().nullable(),
  /** One sentence: what supersedes the table and how that is known. */
  statement: z.string(),
});
export type TableVintage = z.infer<typeof TableVintageSchema>;

export const CensusSourceSchema = z.strictObject({
  publisher: z.string().min(1),
  title: z.string().min(1),
  table_id: z.string().min(1),
  url: z.string().min(1),
  /** The date the figures describe (YYYY-MM-DD, or YYYY for annual series). */
  reference_date: z.string().regex(/^\d{4}(-\d{2}-\d{2})?$/),
});

/**
 * Percentages as printed by the source (or its audited reference transcription), kept beside the
 * figures so a test can recompute them and catch transcription slips. `basis: 'total'` = share of
 * the whole table, `'row'` = share of each row over the last variable; `null` = not printed.
 */
export const PublishedSharesSchema = z.strictObject({
  basis: z.enum(['total', 'row']),
  decimals: z.number().int().min(0).max(6),
  values: z.array(z.number().finite().nullable()),
});
export type PublishedShares = z.infer<typeof PublishedSharesSchema>;

export const CensusTableSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9_]+$/),
  title: z.string().min(1),
  variables: z.array(z.enum(VARIABLE_NAMES as [VariableName, ...VariableName[]])).min(1).max(4),
  /** Category codes per variable, in the order of `VARIABLE_DOMAINS` or a subset of it. */
  categories: z.array(z.array(z.string().min(1)).min(1)).min(1),
  values: z.array(z.number().finite().nonnegative().nullable()),
  measure: z.enum(TABLE_MEASURES),
  /** Multiplier to persons for `counts` tables published in thousands (1 or 1000). */
  unit_multiplier: z.union([z.literal(1), z.literal(1000)]).default(1),
  /** True when some cells were not published: only partial tables may hold `null` values. */
  partial: z.boolean().optional(),
  /** The total as published, in the unit of `values` (before `unit_multiplier`). */
  published_total: z.number().finite().nonnegative().optional(),
  published_shares_percent: PublishedSharesSchema.optional(),
  universe: z.string().min(1),
  /** Youngest age of the universe (0 = all ages, 10 for education, 15 for LFS and marital status). */
  universe_min_age: z.number().int().min(0).max(100),
  source: CensusSourceSchema,
  /**
   * Date the figure was taken into this project (from the publisher, PxWeb, or the audited
   * reference transcription). Informational: staleness never reads it (`published`, `release_cycle`).
   */
  retrieved: isoDate,
  /** When the publisher released the figures (required for shipped official and secondary tables). */
  published: PublicationSchema.optional(),
  /** For periodic series: the next vintage and when it is due (required for shipped periodic tables). */
  release_cycle: ReleaseCycleSchema.optional(),
  trust: z.enum(TRUST_LEVELS),
  /** `official_snapshot` or `secondary` for shipped figures, `modelled` for model assumptions. */
  provenance: z.enum(['official_snapshot', 'secondary', 'modelled']),
  /** True for series NBS re-issues (annual estimates, LFS): these can go stale. */
  periodic: z.boolean(),
  /** Every recoding, merge, residual or renormalisation applied to the published figures. */
  transform: z.string(),
  /** For `modelled` tables: the method in one sentence. */
  method: z.string().optional(),
  notes: z.string().optional(),
});
export type CensusTable = z.infer<typeof CensusTableSchema>;

/** A table as resolved for one run: the shipped or fetched figures plus where they came from. */
export interface ResolvedTable extends CensusTable {
  readonly provenance_class: ProvenanceClass;
  /** `sha256:<hex>` of the JCS canonical JSON of the table (figures and citation). */
  readonly content_hash: string;
  /** ISO time of the PxWeb fetch, when the figures came from PxWeb. */
  readonly fetched_at: string | null;
  /** Whole days since `fetched_at` for PxWeb tables; null for embedded tables (their staleness is `vintage`). */
  readonly age_days: number | null;
  /** Where the table stands in its series at resolution time (reference period and release cycle). */
  readonly vintage: TableVintage;
}

/** What one PxWeb attempt-sequence came to (`skipped`: not attempted, e.g. PXWEB_MODE=off). */
export const PXWEB_FETCH_OUTCOMES = ['ok', 'http_error', 'timeout', 'network_error', 'schema_drift', 'circuit_open', 'skipped'] as const;
export type PxwebFetchOutcome = (typeof PXWEB_FETCH_OUTCOMES)[number];

export interface PxwebFetchAttempt {
  readonly table_id: string;
  readonly pxweb_table: string;
  readonly started_at: string;
  readonly outcome: PxwebFetchOutcome;
  readonly status: number | null;
  readonly attempts: number;
  readonly duration_ms: number;
  readonly message: string | null;
}

/**
 * Everything the generator and the trust evaluator read, resolved once per run before sampling
 * and never changed afterwards (frozen). Workers receive it; nothing fetches per persona.
 */
export interface InputSnapshot {
  /** `sha256:<hex>` over the ids and content hashes of every table, in id order. */
  readonly snapshot_hash: string;
  readonly resolved_at: string;
  readonly pxweb_mode: PxwebMode;
  readonly tables: Readonly<Record<string, ResolvedTable>>;
  readonly fetch_log: readonly PxwebFetchAttempt[];
}
