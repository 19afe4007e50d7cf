// Issue #13 item 4: adult targets derived from wider official tables, classed by their model
// dependence against the check's tolerance, and what that does to gates, tier and confidence.
import { beforeAll, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../../src/census/census-table.js';
import { fieldTargets, type FieldTarget } from '../../../src/generation/field-targets.js';
import { jointTargets } from '../../../src/generation/joint-targets.js';
import { generationModelFor, type GenerationModel } from '../../../src/generation/model.js';
import { CONFIDENCE_LEVELS } from '../../../src/trust/confidence.js';
import { classifyDerivedTargets } from '../../../src/trust/derived-targets.js';
import { buildTrustReport } from '../../../src/trust/report.js';
import { QUALITY_TIER_VALUES } from '../../../src/trust/quality-tier.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';
import { evaluateRunWithInput, generateRun } from '../../helpers/trust-run.js';

let snapshot: InputSnapshot;
let model: GenerationModel;
let adults: FieldTarget[];
let rows: number;

beforeAll(async () => {
  snapshot = await shippedSnapshot();
  model = generationModelFor(snapshot, true);
  adults = fieldTargets(model, snapshot, 'adults');
  rows = adults.length + jointTargets(snapshot, model, 'adults').reduce((sum, j) => sum + j.target_row_shares.filter((r) => r !== null).length, 0);
});

const classes = (targets: readonly FieldTarget[]) => Object.fromEntries(targets.map((t) => [t.field, t.provenance_class]));

describe('classifyDerivedTargets', () => {
  it('at n = 5,000 the units, marital status and labour status are official_derived; ethnicity and education stay modelled', () => {
    const at = classes(classifyDerivedTargets(adults, 5000, rows));
    expect(at).toMatchObject({
      region: 'official_derived',
      district: 'official_derived',
      residence: 'official_derived',
      marital_status: 'official_derived',
      employment_status: 'official_derived',
      ethnicity: 'modelled',
      education_level: 'modelled',
      sex: 'modelled',
      inactivity_reason: 'modelled',
      age_group: 'official_snapshot',
    });
  });

  it('a run of 10^6 checks finely enough to see the model: the units are no longer derived', () => {
    const at = classes(classifyDerivedTargets(adults, 1_000_000, rows));
    expect(at.region).toBe('modelled');
    expect(at.district).toBe('modelled');
  });

  it('derived targets take the base tables\' trust, and a smaller run never loses a derived class (monotone in n)', () => {
    const sizes = [100, 1000, 5000, 20000, 100000, 1000000];
    const byN = sizes.map((n) => classifyDerivedTargets(adults, n, rows));
    for (let i = 1; i < byN.length; i += 1) {
      for (const target of byN[i]!) {
        if (target.provenance_class !== 'official_derived') continue;
        expect(byN[i - 1]!.find((t) => t.field === target.field)!.provenance_class).toBe('official_derived');
        expect(target.trust).toBe(target.model_dependence!.base_trust);
      }
    }
    // The tolerance is recorded whatever the outcome.
    for (const target of byN[0]!) if (target.model_dependence !== null) expect(target.model_dependence.tolerance_tvd).toBeGreaterThan(0);
  });
});

describe('an adult run graded honestly (in-process engine and evaluator)', () => {
  it('narrative_required adults offline is not REJECT at n = 5,000; the tier and confidence are never better than the all-ages run of the same seed', () => {
    const order = (tier: string) => QUALITY_TIER_VALUES.indexOf(tier as never);
    for (const seed of [7, 8]) {
      const adult = evaluateRunWithInput(snapshot, generateRun(snapshot, { n: 5000, seed, scope: 'adults', use_ipf: true }, { narratives: true }), 'narrative_required');
      const all = evaluateRunWithInput(snapshot, generateRun(snapshot, { n: 5000, seed, scope: 'all', use_ipf: true }, { narratives: true }), 'narrative_required');
      expect(adult.evaluation.decision).not.toBe('REJECT');
      expect(adult.evaluation.gate_codes).not.toContain('TARGET_FALLBACK_SUPERCRITICAL');
      // The two modelled super-critical fields are named, as warnings.
      const named = adult.evaluation.gate_code_details.filter((d) => d.code === 'FALLBACK_SUPERCRITICAL_FIELD').map((d) => d.field);
      expect(named.sort()).toEqual(['education_level', 'ethnicity']);
      expect(adult.evaluation.quality_tier).toBe('B');
      expect(order(adult.evaluation.quality_tier)).toBeGreaterThanOrEqual(order(all.evaluation.quality_tier));
      expect(CONFIDENCE_LEVELS.indexOf(adult.evaluation.confidence)).toBeLessThanOrEqual(CONFIDENCE_LEVELS.indexOf(all.evaluation.confidence));
      expect(all.evaluation.confidence_factors).toContain('modelled_structure');
    }
  });

  it('high_stakes says which official figures it lacks, and the report shows every target\'s class and bound', () => {
    const run = evaluateRunWithInput(snapshot, generateRun(snapshot, { n: 5000, seed: 3, scope: 'adults', use_ipf: true }, { narratives: true }), 'high_stakes');
    expect(run.evaluation.decision).toBe('REJECT');
    const report = buildTrustReport(run.input, run.evaluation, { run_id: 'r', generated_at: '2026-12-02T00:00:00.000Z' });
    const lacking = report.provenance.lacking_official_figures.map((entry) => entry.field);
    expect(lacking).toEqual(expect.arrayContaining(['ethnicity', 'education_level', 'sex']));
    expect(lacking).not.toContain('region');
    const education = report.provenance.lacking_official_figures.find((entry) => entry.field === 'education_level')!;
    expect(education.reason).toMatch(/up to TVD 0\.\d{4}, beyond the check's tolerance 0\.\d{4}/);
    const region = report.provenance.fields.find((f) => f.field === 'region')!;
    expect(region.provenance_class).toBe('official_derived');
    expect(region.is_fallback).toBe(false);
    expect(region.model_dependence!.bound_tvd).toBeLessThanOrEqual(region.model_dependence!.tolerance_tvd!);
  });
});
