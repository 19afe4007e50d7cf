import { describe, expect, it } from 'vitest';
import type { ResolvedTable } from '../../../src/census/census-table.js';
import { tableProvenanceOf } from '../../../src/trust/evaluation-input.js';

describe('tableProvenanceOf', () => {
  it('takes the provenance of a resolved table, citation, publication and vintage included', () => {
    const resolved: ResolvedTable = {
      id: 'age_single',
      title: 'Population by single year of age, 1 January 2024',
      variables: ['age_single'],
      categories: [['0']],
      values: [1],
      measure: 'counts',
      unit_multiplier: 1,
      universe: 'usual residents, all ages',
      universe_min_age: 0,
      source: { publisher: 'NBS', title: 'POP010200rcl', table_id: 'POP010200rcl.px', url: 'https://statbank.statistica.md', reference_date: '2024-01-01' },
      retrieved: '2025-10-20',
      trust: 'A-',
      provenance: 'official_snapshot',
      periodic: true,
      transform: 'codes 101/102 mapped to ages 0 and 85+',
      provenance_class: 'official_snapshot',
      content_hash: `sha256:${'e'.repeat(64)}`,
      fetched_at: null,
      age_days: null,
      published: { date: null, precision: 'unknown', basis: 'not dated in the sources', evidence: [] },
      vintage: { status: 'superseded', next_vintage: 'the 1 January 2025 estimate', next_release_expected_by: null, statement: 'Superseded.' },
    };
    expect(tableProvenanceOf(resolved)).toEqual({
      table_id: 'age_single',
      provenance_class: 'official_snapshot',
      trust: 'A-',
      reference_date: '2024-01-01',
      retrieved: '2025-10-20',
      fetched_at: null,
      age_days: null,
      periodic: true,
      source_table_id: 'POP010200rcl.px',
      content_hash: `sha256:${'e'.repeat(64)}`,
      // exact counts: nothing to round
      rounding_half_unit: 0,
      published: { date: null, precision: 'unknown', basis: 'not dated in the sources', evidence: [] },
      vintage: { status: 'superseded', next_vintage: 'the 1 January 2025 estimate', next_release_expected_by: null, statement: 'Superseded.' },
    });
  });
});
