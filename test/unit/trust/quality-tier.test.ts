import { describe, expect, it } from 'vitest';
import type { FieldMeasurement, JointMeasurement, RunMeasurements } from '../../../src/trust/measurements.js';
import { qualityTierOf } from '../../../src/trust/quality-tier.js';

/** Only what the tier reads: one field and one joint row, each with its TVD and threshold. */
function measurements(fieldTvd: number, jointTvd: number, threshold = 0.1): RunMeasurements {
  const joint = {
    id: 'ethnicity_by_region',
    rows: [{ row: 'UTA Găgăuzia', n: 12, published_cells: 3, pooled_rest: true, tvd: jointTvd, expected_sampling_tvd: 0.05, threshold, limit: threshold, p_value: 0.2 }],
  } as unknown as JointMeasurement;
  const field = { field: 'sex', tvd: fieldTvd, threshold } as unknown as FieldMeasurement;
  return { fields: [field], joint_checks: [joint] } as unknown as RunMeasurements;
}

describe('qualityTierOf', () => {
  it('is REJECT exactly for a rejected decision', () => {
    expect(qualityTierOf('REJECT', measurements(0, 0), [])).toBe('REJECT');
    expect(qualityTierOf('PASS', measurements(0, 0), [])).toBe('A');
  });

  it('grades A when every row is within half its threshold, B above half', () => {
    expect(qualityTierOf('PASS', measurements(0.05, 0.05), [])).toBe('A');
    expect(qualityTierOf('PASS', measurements(0.06, 0.05), [])).toBe('B');
  });

  it('is C when a drift gate fired, whatever the shares say', () => {
    for (const code of ['MARGINAL_ERROR_HIGH', 'MARGINAL_ERROR_CRITICAL', 'JOINT_DISTRIBUTION_DRIFT'] as const) {
      expect(qualityTierOf('PASS_WITH_WARNINGS', measurements(0.01, 0.01), [code, 'PASS_WITH_WARNINGS'])).toBe('C');
    }
    // A warning that is not about drift does not lower the tier.
    expect(qualityTierOf('PASS_WITH_WARNINGS', measurements(0.01, 0.01), ['ESTIMATED_FIELD_USED', 'PASS_WITH_WARNINGS'])).toBe('A');
  });

  it('is B, not C, for a joint row beyond its TVD limit that fired no gate (its test did not reject)', () => {
    expect(qualityTierOf('PASS', measurements(0.01, 0.6), [])).toBe('B');
  });

  it('is C when nothing could be measured', () => {
    const empty = { fields: [], joint_checks: [] } as unknown as RunMeasurements;
    expect(qualityTierOf('PASS', empty, [])).toBe('C');
    expect(qualityTierOf('PASS', null, [])).toBe('C');
  });
});
