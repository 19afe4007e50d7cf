/**
 * Reviewed conflict allowances: rows where the calibrated model cannot meet a published figure
 * exactly, because two official tables disagree (or round differently), or because a known
 * model limit awaits its fix. Each allowance is added to that row's drift threshold (only when
 * the row is compared with the published figure, not with a modelled target).
 *
 * Data, not a runtime number: `test/unit/trust/conflict-allowances.test.ts` builds the model from
 * the shipped snapshot and requires every row's expected drift (model against published, no
 * sampling) to be within its allowance, and this list to name exactly the rows whose expected
 * drift exceeds 1e-6. An engine regression cannot hide in an allowance, and a new conflict is
 * reviewed here before it ships. Allowances are the expected drift rounded up to two significant
 * digits.
 */
import { deepFreeze } from '../deep-freeze.js';

export const ALLOWANCE_KINDS = ['rounding', 'table_conflict', 'model_pending'] as const;
export type AllowanceKind = (typeof ALLOWANCE_KINDS)[number];

export interface ConflictAllowance {
  /** A compared field (marginal check) or a joint check id. */
  readonly check: string;
  /** The row of a joint check; null for a marginal. */
  readonly row: string | null;
  /** Added to the row's TVD threshold. */
  readonly allowance: number;
  /** `rounding`: printed figures round differently; `table_conflict`: official tables disagree; `model_pending`: a model limit with a planned fix. */
  readonly kind: AllowanceKind;
  readonly reason: string;
  readonly source: string;
}

const THOUSANDS = (table: string, printed: string) =>
  `${table} is printed in thousands (${printed}); the key joint is calibrated to the exact unit counts (district_by_residence), whose sums differ from the printed thousands by up to 50 persons.`;

const MOTHER_TONGUE_RAKED =
  'The B sheet rows are raked to the national A counts of mother tongue, which they miss by up to 0.17 pp (Russian −4,129, other language +1,956 persons when weighted by the final ethnicity counts); each row moves by its share of that gap.';

const RELIGION_RAKED =
  'The named religions are raked to the national counts with one factor per religion (Islam ×0.83, other religion ×0.77, Old Believers ×0.955), which moves every ethnicity row, the small ones most; a free named-religion share per ethnicity removes it (issue #12, design §3.4).';

const REGION_PRELIMINARY =
  'The eight preliminary region cells (B-) are not a calibration margin yet: the prior\'s region effect only approximates them, and the final ethnicity × residence margins put Chișinău Moldovans at 73.9% against the preliminary 72.9%. To go when they become proportion constraints (issue #12, design §3.1).';

const sheet = (table: string) => `data/census/${table}.json (B, sheet shares) against data/census/mother_tongue.json (A, counts)`;
const religionSource = 'src/generation/conditionals.ts (religion raked nationally) against data/census/religion_by_ethnicity.json';
const regionSource = 'data/census/ethnicity_by_region_partial.json (B-, preliminary) against data/census/ethnicity_by_residence.json (B+, final)';

const row = (check: string, rowLabel: string, allowance: number, kind: AllowanceKind, reason: string, source: string): ConflictAllowance => ({
  check,
  row: rowLabel,
  allowance,
  kind,
  reason,
  source,
});

export const CONFLICT_ALLOWANCES: readonly ConflictAllowance[] = deepFreeze([
  {
    check: 'region',
    row: null,
    allowance: 2.9e-5,
    kind: 'rounding',
    reason: THOUSANDS('region', '720.1k, 608.7k, …'),
    source: 'data/census/region.json against data/census/district_by_residence.json',
  },
  {
    check: 'residence',
    row: null,
    allowance: 1.6e-5,
    kind: 'rounding',
    reason: THOUSANDS('residence', '1,119.0k / 1,290.2k against 1,118,967 / 1,290,240'),
    source: 'data/census/residence.json against data/census/district_by_residence.json',
  },
  {
    check: 'ethnicity',
    row: null,
    allowance: 1.8e-4,
    kind: 'rounding',
    reason:
      'The national shares are printed with two decimals; the key joint is calibrated to ethnicity × residence (two-decimal row percents over the exact area totals), which reproduces them only to about 0.01 pp per group.',
    source: 'data/census/ethnicity.json against data/census/ethnicity_by_residence.json',
  },
  row('ethnicity_by_region', 'chisinau', 0.011, 'model_pending', REGION_PRELIMINARY, regionSource),
  row('ethnicity_by_region', 'nord', 0.0011, 'model_pending', REGION_PRELIMINARY, regionSource),
  row('ethnicity_by_region', 'centru', 0.0062, 'model_pending', REGION_PRELIMINARY, regionSource),
  row('ethnicity_by_region', 'sud', 0.004, 'model_pending', REGION_PRELIMINARY, regionSource),
  row('ethnicity_by_region', 'gagauzia', 0.00051, 'model_pending', REGION_PRELIMINARY, regionSource),
  row('mother_tongue_by_ethnicity', 'moldovan', 0.0014, 'table_conflict', MOTHER_TONGUE_RAKED, sheet('mother_tongue_by_ethnicity')),
  row('mother_tongue_by_ethnicity', 'romanian', 0.0036, 'table_conflict', MOTHER_TONGUE_RAKED, sheet('mother_tongue_by_ethnicity')),
  row('mother_tongue_by_ethnicity', 'ukrainian', 0.0025, 'table_conflict', MOTHER_TONGUE_RAKED, sheet('mother_tongue_by_ethnicity')),
  row('mother_tongue_by_ethnicity', 'russian', 0.00095, 'table_conflict', MOTHER_TONGUE_RAKED, sheet('mother_tongue_by_ethnicity')),
  row('mother_tongue_by_ethnicity', 'gagauz', 0.0025, 'table_conflict', MOTHER_TONGUE_RAKED, sheet('mother_tongue_by_ethnicity')),
  row('mother_tongue_by_ethnicity', 'bulgarian', 0.0019, 'table_conflict', MOTHER_TONGUE_RAKED, sheet('mother_tongue_by_ethnicity')),
  row('mother_tongue_by_ethnicity', 'roma', 0.003, 'table_conflict', MOTHER_TONGUE_RAKED, sheet('mother_tongue_by_ethnicity')),
  row(
    'mother_tongue_by_ethnicity',
    'other',
    0.079,
    'table_conflict',
    'The A count of "other language" (6,116 persons nationally) cannot hold the B sheet\'s 55.7% of the "other" ethnicity row (about 14k persons): the A counts win (issue #12, design §3.3), so the row keeps about 0.48 "other language".',
    sheet('mother_tongue_by_ethnicity'),
  ),
  row('religion_by_ethnicity', 'moldovan', 0.00057, 'model_pending', RELIGION_RAKED, religionSource),
  row('religion_by_ethnicity', 'romanian', 0.00076, 'model_pending', RELIGION_RAKED, religionSource),
  row('religion_by_ethnicity', 'ukrainian', 0.0016, 'model_pending', RELIGION_RAKED, religionSource),
  row('religion_by_ethnicity', 'russian', 0.0036, 'model_pending', RELIGION_RAKED, religionSource),
  row('religion_by_ethnicity', 'gagauz', 0.00063, 'model_pending', RELIGION_RAKED, religionSource),
  row('religion_by_ethnicity', 'bulgarian', 0.00069, 'model_pending', RELIGION_RAKED, religionSource),
  row('religion_by_ethnicity', 'roma', 0.0013, 'model_pending', RELIGION_RAKED, religionSource),
  row('religion_by_ethnicity', 'other', 0.07, 'model_pending', RELIGION_RAKED, religionSource),
]);

/** The reviewed allowance of a compared row (0 when none is listed). */
export function allowanceOf(check: string, rowLabel: string | null): number {
  return CONFLICT_ALLOWANCES.find((entry) => entry.check === check && entry.row === rowLabel)?.allowance ?? 0;
}
