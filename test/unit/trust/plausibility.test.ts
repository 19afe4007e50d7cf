// PLAUSIBILITY_RULE_EXCEEDED (issue #13 item 5): a rule whose rate is above its limit beyond
// sampling error gives one warning record; a rate at or below the limit, or above it by what
// chance gives at that n, gives none. Binomial tails are SciPy's (binom.sf), computed beside.
// Then on a real generated run: the calibrated output passes every rule, and the age-blind
// versions of the fields the rules read (the field shuffled among its universe) fire them.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../../src/census/census-table.js';
import type { ComparedField } from '../../../src/domain/fields.js';
import type { Persona } from '../../../src/domain/persona.js';
import { PROFILES } from '../../../src/domain/request.js';
import { createRng } from '../../../src/rng.js';
import { evaluateGates, evaluatePreflight } from '../../../src/trust/evaluate.js';
import { PLAUSIBILITY_RULE_IDS, PLAUSIBILITY_RULES, type EvaluationInput, type PlausibilityRuleId } from '../../../src/trust/evaluation-input.js';
import { trustReportJsonSchema } from '../../../src/trust/json-schema.js';
import { buildTrustReport } from '../../../src/trust/report.js';
import { countsOfPersonas, personasOfBytes } from '../../helpers/persona-counts.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';
import { evaluateRun, generateRun, type GeneratedRun } from '../../helpers/trust-run.js';
import { compileSchema } from './ajv.js';
import { cleanInput } from './fixtures.js';

const RUN = { run_id: '01936f0e-8a3b-7c4d-9e5f-0123456789ab', generated_at: '2026-11-24T04:00:00.000Z' };
const validateReport = compileSchema(trustReportJsonSchema());

function withCounts(input: EvaluationInput, counts: Partial<Record<PlausibilityRuleId, { count: number; denominator: number }>>): EvaluationInput {
  return { ...input, plausibility: { ...input.plausibility, ...counts } };
}

const plausibilityDetails = (input: EvaluationInput) => evaluateGates(input).gate_code_details.filter((detail) => detail.code === 'PLAUSIBILITY_RULE_EXCEEDED');

/** Every rule with a population of 2,000 and no one flagged (R = 5). */
const ALL_MEASURED = {
  degree_before_21: { count: 0, denominator: 2000 },
  married_under_16: { count: 0, denominator: 2000 },
  married_under_18: { count: 0, denominator: 2000 },
  pensioner_far_below_pension_age: { count: 0, denominator: 2000 },
  student_over_35: { count: 0, denominator: 2000 },
};

describe('PLAUSIBILITY_RULE_EXCEEDED on evaluator inputs', () => {
  it.each(PROFILES)('gives one warning record per rule over its limit, with the rate and the limit (%s)', (profile) => {
    // degree: 40 of 2,000 = 0.02 > 0.005, binom.sf(39, 2000, 0.005) = 5.9e-13;
    // pensioner: 300 of 2,000 = 0.15 > 0.1, binom.sf(299, 2000, 0.1) = 1.6e-12; α/R = 0.001/5
    const input = withCounts(cleanInput(profile), {
      ...ALL_MEASURED,
      degree_before_21: { count: 40, denominator: 2000 },
      pensioner_far_below_pension_age: { count: 300, denominator: 2000 },
    });
    const evaluation = evaluateGates(input);
    expect(evaluation.gate_codes).toEqual(['PLAUSIBILITY_RULE_EXCEEDED', 'PASS_WITH_WARNINGS']);
    expect(evaluation.decision).toBe('PASS_WITH_WARNINGS');
    const details = evaluation.gate_code_details.filter((detail) => detail.code === 'PLAUSIBILITY_RULE_EXCEEDED');
    expect(details.map((detail) => [detail.subject, detail.observed, detail.threshold, detail.severity, detail.is_hard_gate, detail.category, detail.measure])).toEqual([
      ['degree_before_21', 0.02, 0.005, 'warning', false, 'PLAUSIBILITY', 'plausibility_rate'],
      ['pensioner_far_below_pension_age', 0.15, 0.1, 'warning', false, 'PLAUSIBILITY', 'plausibility_rate'],
    ]);
    expect(details.every((detail) => detail.field === null && detail.comparator === '>')).toBe(true);
  });

  it('gives no record at or below the limit', () => {
    const at = withCounts(cleanInput('high_stakes'), { ...ALL_MEASURED, degree_before_21: { count: 10, denominator: 2000 }, student_over_35: { count: 20, denominator: 2000 } });
    expect(plausibilityDetails(at)).toEqual([]);
    expect(evaluateGates(at).gate_codes).toEqual(['PASS']);
    const below = withCounts(cleanInput('high_stakes'), { ...ALL_MEASURED, married_under_18: { count: 3, denominator: 2000 } });
    expect(plausibilityDetails(below)).toEqual([]);
  });

  it('gives no record for a rate over the limit that chance explains at that n', () => {
    // One degree among 28 persons aged 18-20 (a run of about 1,000): 3.6%, binom.sf(0, 28, 0.005) = 0.13.
    expect(plausibilityDetails(withCounts(cleanInput('high_stakes'), { degree_before_21: { count: 1, denominator: 28 } }))).toEqual([]);
    // 15 of 2,000 = 0.75% > 0.5%: binom.sf(14, 2000, 0.005) = 0.083.
    expect(plausibilityDetails(withCounts(cleanInput('high_stakes'), { degree_before_21: { count: 15, denominator: 2000 } }))).toEqual([]);
  });

  it('tests at α / R over the R rules with a population', () => {
    // binom.sf(22, 2000, 0.005) = 2.84e-4 and binom.sf(23, 2000, 0.005) = 1.15e-4:
    // 23 of 2,000 fires alone (α/1 = 0.001), not beside four measured rules (α/5 = 0.0002); 24 fires in both.
    const alone = (count: number) => withCounts(cleanInput('high_stakes'), { degree_before_21: { count, denominator: 2000 } });
    const beside = (count: number) => withCounts(cleanInput('high_stakes'), { ...ALL_MEASURED, degree_before_21: { count, denominator: 2000 } });
    expect(plausibilityDetails(alone(23)).map((detail) => detail.subject)).toEqual(['degree_before_21']);
    expect(plausibilityDetails(beside(23))).toEqual([]);
    expect(plausibilityDetails(beside(24)).map((detail) => detail.subject)).toEqual(['degree_before_21']);
  });

  it('fires on a single married 15-year-old (limit 0), and never for an empty population', () => {
    expect(plausibilityDetails(withCounts(cleanInput('analysis_only'), { married_under_16: { count: 1, denominator: 30 } })).map((d) => [d.subject, d.threshold])).toEqual([
      ['married_under_16', 0],
    ]);
    expect(plausibilityDetails(withCounts(cleanInput('analysis_only'), { married_under_16: { count: 0, denominator: 30 } }))).toEqual([]);
    const empty = evaluateGates(cleanInput('analysis_only'));
    expect(empty.gate_codes).toEqual(['PASS']);
    for (const id of PLAUSIBILITY_RULE_IDS) expect(empty.signals.plausibility?.[id].rate).toBeNull();
  });

  it('never fires when every count is within its limit, whatever the counts', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200_000 }), { minLength: 5, maxLength: 5 }), fc.double({ min: 0, max: 1, noNaN: true }), (denominators, fraction) => {
        const counts = Object.fromEntries(
          PLAUSIBILITY_RULES.map((rule, i) => [rule.id, { count: Math.floor(denominators[i]! * rule.limit * fraction), denominator: denominators[i]! }]),
        );
        return plausibilityDetails(withCounts(cleanInput('high_stakes'), counts)).length === 0;
      }),
      { numRuns: 200 },
    );
  });

  it('rejects counts that are not whole or exceed their population (STATS_INVALID_ARGUMENT)', () => {
    for (const bad of [{ count: 3, denominator: 2 }, { count: -1, denominator: 2 }, { count: 0.5, denominator: 2 }]) {
      expect(() => evaluateGates(withCounts(cleanInput('analysis_only'), { student_over_35: bad }))).toThrow(expect.objectContaining({ code: 'STATS_INVALID_ARGUMENT' }));
    }
  });
});

describe('signals.plausibility and the report', () => {
  const input = withCounts(cleanInput('analysis_only'), { ...ALL_MEASURED, married_under_18: { count: 40, denominator: 2000 } });

  it('signals every rule with count, denominator, rate and limit; null before sampling', () => {
    const signals = evaluateGates(input).signals;
    expect(Object.keys(signals.plausibility ?? {})).toEqual([...PLAUSIBILITY_RULE_IDS]);
    expect(signals.plausibility?.married_under_18).toEqual({ count: 40, denominator: 2000, rate: 0.02, limit: 0.005 });
    expect(signals.plausibility?.pensioner_far_below_pension_age).toEqual({ count: 0, denominator: 2000, rate: 0, limit: 0.1 });
    expect(evaluatePreflight(input).signals.plausibility).toBeNull();
  });

  it('lists every rule with its counts, limit, p-value, verdict and reason', () => {
    const report = buildTrustReport(input, evaluateGates(input), RUN);
    const section = report.plausibility;
    expect(section?.rules.map((rule) => rule.id)).toEqual([...PLAUSIBILITY_RULE_IDS]);
    expect([section?.alpha, section?.rules_measured, section?.p_value_limit]).toEqual([0.001, 5, 0.0002]);
    const married = section?.rules.find((rule) => rule.id === 'married_under_18');
    expect(married).toMatchObject({ count: 40, denominator: 2000, rate: 0.02, limit: 0.005, exceeded: true, population: 'persons aged 15-17' });
    // scipy.stats.binom.sf(39, 2000, 0.005) = 5.880139256774303e-13
    expect(married?.p_value).toBeCloseTo(5.880139256774303e-13, 22);
    expect(married?.flagged).toBe('`marital_status` `married`, `widowed` or `divorced`');
    expect(section?.rules.filter((rule) => rule.exceeded).map((rule) => rule.id)).toEqual(['married_under_18']);
    for (const rule of section?.rules ?? []) expect(rule.reason).toBe(PLAUSIBILITY_RULES.find((declared) => declared.id === rule.id)?.reason);
    validateReport(JSON.parse(JSON.stringify(report)));
    expect(validateReport.errors ?? []).toEqual([]);
    expect(buildTrustReport(input, evaluatePreflight(input), RUN).plausibility).toBeNull();
  });
});

describe('on a generated run (n = 20,000, scope all)', () => {
  let snapshot: InputSnapshot;
  let run: GeneratedRun;
  let personas: Persona[];
  beforeAll(async () => {
    snapshot = await shippedSnapshot();
    run = generateRun(snapshot, { n: 20_000, seed: 20_261_205, scope: 'all', use_ipf: true });
    personas = personasOfBytes(run.result.bytes);
  }, 120_000);

  /** The records with `field` permuted among those where it is not null: what an age-blind draw of it gives. */
  function ageBlind(field: ComparedField): Persona[] {
    const universe = personas.flatMap((persona, index) => (persona[field] === null ? [] : [index]));
    const values = universe.map((index) => personas[index]![field]);
    const rng = createRng(7, 'plausibility-test', universe.length);
    for (let i = values.length - 1; i > 0; i -= 1) {
      const j = Math.floor(rng.next() * (i + 1));
      [values[i], values[j]] = [values[j]!, values[i]!];
    }
    const out = [...personas];
    universe.forEach((index, k) => (out[index] = { ...personas[index]!, [field]: values[k] } as Persona));
    return out;
  }

  const firedBy = (records: readonly Persona[]) =>
    evaluateRun(snapshot, run, 'analysis_only', countsOfPersonas(records))
      .gate_code_details.filter((detail) => detail.code === 'PLAUSIBILITY_RULE_EXCEEDED')
      .map((detail) => detail.subject);

  it('passes every rule as generated, and signals the engine\'s counts', () => {
    const evaluation = evaluateRun(snapshot, run, 'analysis_only');
    expect(evaluation.gate_codes).not.toContain('PLAUSIBILITY_RULE_EXCEEDED');
    for (const [i, id] of PLAUSIBILITY_RULE_IDS.entries()) {
      expect(evaluation.signals.plausibility?.[id]).toMatchObject({ count: run.result.counts.plausibility_flagged[i], denominator: run.result.counts.plausibility_population[i] });
    }
  });

  it('fires the rules that read a field when the field is drawn regardless of age', () => {
    expect(firedBy(ageBlind('education_level'))).toEqual(['degree_before_21']);
    expect(firedBy(ageBlind('marital_status'))).toEqual(['married_under_16', 'married_under_18']);
    expect(firedBy(ageBlind('inactivity_reason'))).toEqual(['pensioner_far_below_pension_age', 'student_over_35']);
  });
});
