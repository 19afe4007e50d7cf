/**
 * The plausibility rules (issue #13 item 5): each predicate on hand-written records at its
 * boundary ages, the sampler's counts of a generated dataset against a recount from its NDJSON
 * records written out here (not through the rule table), and the declared table itself.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIELD_CODES } from '../../../src/domain/categories.js';
import type { Persona } from '../../../src/domain/persona.js';
import {
  countPlausibilityOf,
  PLAUSIBILITY_RULE_IDS,
  PLAUSIBILITY_RULES,
  plausibilityFlags,
  plausibilityOf,
  type Plausible,
  type PlausibilityRuleId,
} from '../../../src/generation/plausibility.js';
import { generate, type GenerationResult } from '../../helpers/generation.js';
import { personasOfBytes } from '../../helpers/persona-counts.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

const adult: Plausible = { age: 40, marital_status: 'married', education_level: 'tertiary', employment_status: 'employed', inactivity_reason: null };
const inactive = (age: number, reason: Plausible['inactivity_reason']): Plausible => ({ ...adult, age, employment_status: 'inactive', inactivity_reason: reason });

/** [record, rule, in its population, flagged] — worked out from the rule's wording. */
const CASES: readonly (readonly [string, Plausible, PlausibilityRuleId, boolean, boolean])[] = [
  ['degree at 20', { ...adult, age: 20, marital_status: 'never_married' }, 'degree_before_21', true, true],
  ['degree at 19', { ...adult, age: 19, marital_status: 'never_married' }, 'degree_before_21', true, true],
  ['lyceum at 18', { ...adult, age: 18, education_level: 'upper_secondary' }, 'degree_before_21', true, false],
  ['degree at 21', { ...adult, age: 21 }, 'degree_before_21', false, false],
  ['degree at 17 (a hard-rule breach, outside the band)', { ...adult, age: 17 }, 'degree_before_21', false, false],
  ['married at 15', { ...adult, age: 15, education_level: 'lower_secondary' }, 'married_under_16', true, true],
  ['never married at 15', { ...adult, age: 15, marital_status: 'never_married' }, 'married_under_16', true, false],
  ['married at 16', { ...adult, age: 16 }, 'married_under_16', false, false],
  ['divorced at 17', { ...adult, age: 17, marital_status: 'divorced' }, 'married_under_18', true, true],
  ['widowed at 15', { ...adult, age: 15, marital_status: 'widowed' }, 'married_under_18', true, true],
  ['never married at 17', { ...adult, age: 17, marital_status: 'never_married' }, 'married_under_18', true, false],
  ['no marital status at 16 (null)', { ...adult, age: 16, marital_status: null }, 'married_under_18', true, false],
  ['married at 18', { ...adult, age: 18 }, 'married_under_18', false, false],
  ['married at 14', { ...adult, age: 14 }, 'married_under_18', false, false],
  ['pensioner at 44', inactive(44, 'pensioner'), 'pensioner_far_below_pension_age', true, true],
  ['pensioner at 15', inactive(15, 'pensioner'), 'pensioner_far_below_pension_age', true, true],
  ['pensioner at 45', inactive(45, 'pensioner'), 'pensioner_far_below_pension_age', false, false],
  ['student at 30', inactive(30, 'student'), 'pensioner_far_below_pension_age', true, false],
  ['employed at 30', { ...adult, age: 30 }, 'pensioner_far_below_pension_age', false, false],
  ['unemployed at 30', { ...adult, age: 30, employment_status: 'unemployed' }, 'pensioner_far_below_pension_age', false, false],
  ['student at 36', inactive(36, 'student'), 'student_over_35', true, true],
  ['student at 90', inactive(90, 'student'), 'student_over_35', true, true],
  ['student at 35', inactive(35, 'student'), 'student_over_35', false, false],
  ['pensioner at 70', inactive(70, 'pensioner'), 'student_over_35', true, false],
  ['employed at 50', { ...adult, age: 50 }, 'student_over_35', false, false],
];

describe('plausibility predicates on hand-written records', () => {
  it.each(CASES)('%s', (_label, record, rule, inPopulation, flagged) => {
    expect(plausibilityOf(record)[rule]).toEqual({ in_population: inPopulation, flagged });
    expect(plausibilityFlags(record).includes(rule)).toBe(flagged);
  });

  it('flags nothing in an ordinary employed adult or a child', () => {
    expect(plausibilityFlags(adult)).toEqual([]);
    expect(plausibilityFlags({ age: 8, marital_status: null, education_level: null, employment_status: null, inactivity_reason: null })).toEqual([]);
  });

  it('counts each person as the declared rule table says: in the population by age (and inactivity), flagged by code (property)', () => {
    const code = <F extends 'marital_status' | 'education_level' | 'employment_status' | 'inactivity_reason'>(field: F) =>
      fc.option(fc.constantFrom(...(FIELD_CODES[field] as readonly string[])), { nil: null });
    fc.assert(
      fc.property(
        fc.record({
          age: fc.integer({ min: 0, max: 100 }),
          marital_status: code('marital_status'),
          education_level: code('education_level'),
          employment_status: code('employment_status'),
          inactivity_reason: code('inactivity_reason'),
        }),
        (record) => {
          const counted = [new Int32Array(PLAUSIBILITY_RULES.length), new Int32Array(PLAUSIBILITY_RULES.length)] as const;
          countPlausibilityOf(record as Plausible, ...counted);
          // Read straight from the declared table, not from the counting code's index arrays.
          PLAUSIBILITY_RULES.forEach((rule, i) => {
            const { min_age, max_age, inactive_only } = rule.population;
            const inPopulation = record.age >= min_age && (max_age === null || record.age <= max_age) && (!inactive_only || record.employment_status === 'inactive');
            const value = record[rule.flagged.field as keyof typeof record] as string | null;
            const flagged = inPopulation && value !== null && (rule.flagged.codes as readonly string[]).includes(value);
            expect({ rule: rule.id, population: counted[0][i], flagged: counted[1][i] }).toEqual({ rule: rule.id, population: inPopulation ? 1 : 0, flagged: flagged ? 1 : 0 });
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('PLAUSIBILITY_RULES', () => {
  it('declares each rule once with a limit in [0, 1), a one-sentence description and the reason for its limit', () => {
    expect(new Set(PLAUSIBILITY_RULE_IDS).size).toBe(PLAUSIBILITY_RULES.length);
    for (const rule of PLAUSIBILITY_RULES) {
      expect(rule.limit).toBeGreaterThanOrEqual(0);
      expect(rule.limit).toBeLessThan(1);
      expect(rule.description).toMatch(/^[A-Z][^.]*\.$/);
      expect(rule.reason.length).toBeGreaterThan(100);
      // A limit is a decision, never presented as an official figure.
      if (rule.limit > 0) expect(rule.reason).toMatch(/is a decision/);
      for (const code of rule.flagged.codes) expect(FIELD_CODES[rule.flagged.field] as readonly string[]).toContain(code);
    }
  });
});

describe('the sampler counts the rules as the records say (n = 20,000, scope all)', () => {
  let result: GenerationResult;
  let people: Persona[];
  beforeAll(async () => {
    result = generate({ n: 20_000, seed: 5, scope: 'all', use_ipf: true, traits: false }, await shippedSnapshot());
    people = personasOfBytes(result.bytes);
  }, 120_000);

  it('has counts equal to a recount of the NDJSON records, rule by rule', () => {
    const everMarried = (p: Persona) => p.marital_status === 'married' || p.marital_status === 'widowed' || p.marital_status === 'divorced';
    const isInactive = (p: Persona) => p.employment_status === 'inactive';
    const tally = (among: (p: Persona) => boolean, flagged: (p: Persona) => boolean) => {
      const population = people.filter(among);
      return { count: population.filter(flagged).length, denominator: population.length };
    };
    const recount: Record<PlausibilityRuleId, { count: number; denominator: number }> = {
      degree_before_21: tally((p) => p.age >= 18 && p.age <= 20, (p) => p.education_level === 'tertiary'),
      married_under_16: tally((p) => p.age === 15, everMarried),
      married_under_18: tally((p) => p.age >= 15 && p.age <= 17, everMarried),
      pensioner_far_below_pension_age: tally((p) => isInactive(p) && p.age >= 15 && p.age <= 44, (p) => p.inactivity_reason === 'pensioner'),
      student_over_35: tally((p) => isInactive(p) && p.age >= 36, (p) => p.inactivity_reason === 'student'),
    };
    const engine = Object.fromEntries(
      PLAUSIBILITY_RULE_IDS.map((id, i) => [id, { count: result.counts.plausibility_flagged[i], denominator: result.counts.plausibility_population[i] }]),
    );
    expect(engine).toEqual(recount);
    // Every population is there at this n, and the calibrated generator stays under every limit.
    for (const [i, rule] of PLAUSIBILITY_RULES.entries()) {
      expect(recount[rule.id].denominator, rule.id).toBeGreaterThan(100);
      expect(recount[rule.id].count / recount[rule.id].denominator, rule.id).toBeLessThanOrEqual(rule.limit);
      expect(result.counts.plausibility_population[i]).toBe(recount[rule.id].denominator);
    }
  });
});
