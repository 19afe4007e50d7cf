/**
 * The rounding of published figures, per table: half the rounding unit of one cell, as a share
 * of its base (0 for exact counts). Drift thresholds add a floor built from it (docs/trust.md
 * §5.2): a figure printed as 52.8% may be anything in [52.75, 52.85), and no sample size makes
 * the output agree with it more closely than that.
 *
 * The unit is read from the table file: counts published in thousands (`unit_multiplier`) or
 * with decimals, percentages with the decimals printed (`published_shares_percent.decimals`, else
 * the most decimals any value carries), shares likewise. Where the file does not tell the
 * precision of what was published, `ROUNDING_OVERRIDES` states the unit taken and why.
 */
import type { CensusTable } from '../census/census-table.js';

export interface RoundingOverride {
  readonly table_id: string;
  /** Half the rounding unit of one cell, as a share of its base. */
  readonly half_unit: number;
  readonly reason: string;
}

export const ROUNDING_OVERRIDES: readonly RoundingOverride[] = Object.freeze([
  {
    table_id: 'labour_status_15plus',
    half_unit: 0.0005,
    reason:
      'The counts are printed in thousands (0.05k of 2,000k), but `inactive` is derived from the employment rate 42.7%, printed to one decimal: the 15+ population 853.9k / 0.427 is uncertain by ±2.3k, which moves every share by up to 0.05 pp.',
  },
  {
    table_id: 'mother_tongue_by_ethnicity',
    half_unit: 0.00005,
    reason:
      'Row shares re-derived to six decimals from the sheet percentages; the file does not record how many decimals the sheet printed, so we take two decimals of percent (0.005 pp per cell).',
  },
  {
    table_id: 'religion_by_ethnicity',
    half_unit: 0.00005,
    reason:
      'Row shares re-derived to six decimals from the sheet percentages; the file does not record how many decimals the sheet printed, so we take two decimals of percent (0.005 pp per cell).',
  },
]);

/** Decimals a JSON number carries as written (0.000088 and 8.8e-5 both: 6). */
export function decimalsOf(value: number): number {
  const [mantissa = '', exponent = '0'] = String(value).toLowerCase().split('e');
  const fraction = mantissa.split('.')[1] ?? '';
  return Math.max(0, fraction.length - Number(exponent));
}

function maxDecimals(values: readonly (number | null)[]): number {
  return values.reduce<number>((most, value) => (value === null ? most : Math.max(most, decimalsOf(value))), 0);
}

type PrecisionFields = Pick<CensusTable, 'id' | 'values' | 'measure' | 'unit_multiplier' | 'published_total' | 'published_shares_percent'>;

/** Half the rounding unit of one cell of the table, as a share of its base; 0 for exact counts. */
export function roundingHalfUnitOf(table: PrecisionFields): number {
  const override = ROUNDING_OVERRIDES.find((entry) => entry.table_id === table.id);
  if (override !== undefined) return override.half_unit;
  switch (table.measure) {
    case 'counts': {
      const decimals = maxDecimals(table.values);
      if (table.unit_multiplier === 1 && decimals === 0) return 0;
      const unit = 10 ** -decimals * table.unit_multiplier;
      const total = (table.published_total ?? table.values.reduce<number>((sum, value) => sum + (value ?? 0), 0)) * table.unit_multiplier;
      return total > 0 ? unit / 2 / total : 0;
    }
    case 'percent':
    case 'row_percent':
    case 'rate_percent':
      return (0.5 * 10 ** -(table.published_shares_percent?.decimals ?? maxDecimals(table.values))) / 100;
    case 'share':
    case 'row_share':
      return 0.5 * 10 ** -maxDecimals(table.values);
  }
}

/**
 * The rounding floor of a compared row of K cells, each off by at most h: ½·Σ h_k, where a
 * residual cell (100 minus the others, as several tables publish) carries the others' (K − 1)·h.
 * (K − 1)·h bounds both cases, so it is the floor for every row.
 */
export function roundingFloor(cells: number, halfUnit: number): number {
  return Math.max(0, cells - 1) * halfUnit;
}
