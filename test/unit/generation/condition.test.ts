import fc from 'fast-check';
import type { Persona } from '../../../src/domain/persona.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../../src/census/census-table.js';
import { DISTRICT_CATEGORIES, FIELD_CODES } from '../../../src/domain/categories.js';
import { canonicalWhere, type Where } from '../../../src/domain/where.js';
import { conditionWeights, openAgeDraw } from '../../../src/generation/condition.js';
import { AGE_85_PLUS_INDEX, KEY_CELL_COUNT, keyCellIndexes } from '../../../src/generation/key-joint.js';
import { generationModelFor, type GenerationModel } from '../../../src/generation/model.js';
import { planCells } from '../../../src/generation/plan.js';
import { generate } from '../../helpers/generation.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

let snapshot: InputSnapshot;
let model: GenerationModel;
beforeAll(async () => {
  snapshot = await shippedSnapshot();
  model = generationModelFor(snapshot, true);
});

type Person = Pick<Persona, 'id' | 'age' | 'sex' | 'region' | 'district' | 'residence' | 'ethnicity'>;
const personsOf = (bytes: Uint8Array): Person[] =>
  new TextDecoder()
    .decode(bytes)
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Person);

function matches(person: Person, where: Where): boolean {
  const inList = (list: readonly string[] | undefined, code: string) => list === undefined || list.includes(code);
  return (
    inList(where.region, person.region) &&
    inList(where.district, person.district) &&
    inList(where.residence, person.residence) &&
    inList(where.sex, person.sex) &&
    inList(where.ethnicity, person.ethnicity) &&
    person.age >= (where.age?.min ?? 0) &&
    person.age <= (where.age?.max ?? 100)
  );
}

const subset = <T>(codes: readonly T[]) => fc.option(fc.subarray([...codes], { minLength: 1 }), { nil: undefined });
const whereArb: fc.Arbitrary<Where> = fc
  .record({
    region: subset(FIELD_CODES.region),
    residence: subset(FIELD_CODES.residence),
    sex: subset(FIELD_CODES.sex),
    ethnicity: subset(FIELD_CODES.ethnicity),
    age: fc.option(
      fc.tuple(fc.nat(100), fc.nat(100)).map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) })),
      { nil: undefined },
    ),
  })
  .map((where) => Object.fromEntries(Object.entries(where).filter(([, value]) => value !== undefined)) as Where)
  .filter((where) => Object.keys(where).length > 0);

describe('conditionWeights', () => {
  it('is 1 inside the condition, 0 outside, and the kept share of 85..100 for the open group', () => {
    const where: Where = { region: ['sud'], sex: ['female'], age: { min: 80, max: 90 } };
    const weights = conditionWeights(where, model.conditionals.age85Plus);
    const idx = keyCellIndexes();
    const kept = Array.from(model.conditionals.age85Plus.probabilities.slice(0, 6)).reduce((a, b) => a + b, 0);
    for (let c = 0; c < KEY_CELL_COUNT; c += 1) {
      const district = DISTRICT_CATEGORIES[idx.district[c]!]!;
      const a = idx.age[c]!;
      const inside = district.region === 'sud' && FIELD_CODES.sex[idx.sex[c]!] === 'female';
      const expected = !inside ? 0 : a === AGE_85_PLUS_INDEX ? kept : a >= 80 ? 1 : 0;
      if (weights[c] !== expected) throw new Error(`cell ${c}: ${weights[c]} instead of ${expected}`);
    }
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(1);
  });
});

describe('openAgeDraw', () => {
  it('keeps the table when the range keeps all of 85..100, and gives kept ages their own widths otherwise', () => {
    const table = model.sampling.age85Plus;
    expect(openAgeDraw(table, undefined)).toBe(table);
    expect(openAgeDraw(table, { age: { min: 18, max: 100 } })).toBe(table);
    const cut = openAgeDraw(table, { age: { min: 90, max: 91 } });
    const width = (t: typeof table, k: number) => t.cumulative[k]! - (k > 0 ? t.cumulative[k - 1]! : 0);
    for (let k = 0; k < table.width; k += 1) expect(width(cut, k)).toBeCloseTo(k === 5 || k === 6 ? width(table, k) : 0, 12);
  });
});

describe('a conditional dataset', () => {
  it('has exactly n people, every one matching, for any condition with census mass (property)', () => {
    fc.assert(
      fc.property(whereArb, fc.nat(1000), fc.integer({ min: 1, max: 300 }), (raw, seed, n) => {
        const where = canonicalWhere(raw)!;
        let people: Person[];
        try {
          people = personsOf(generate({ n, seed, scope: 'all', use_ipf: true, traits: false, where }, snapshot).bytes);
        } catch (error) {
          // No mass: only when the condition really has none.
          expect((error as { code?: string }).code).toBe('REQUEST_CONDITION_EMPTY');
          return;
        }
        expect(people).toHaveLength(n);
        for (const person of people) if (!matches(person, where)) throw new Error(`${JSON.stringify(person)} is outside ${JSON.stringify(where)}`);
      }),
      { numRuns: 40 },
    );
  });

  it('allocates in proportion to the restricted joint: the Gagauz share of UTA Găgăuzia aged 18-35 is the model\'s', () => {
    const where: Where = { region: ['gagauzia'], age: { min: 18, max: 35 } };
    const cells = planCells(model, { n: 20_000, seed: 1, scope: 'all', where });
    const idx = keyCellIndexes();
    const gagauz = FIELD_CODES.ethnicity.indexOf('gagauz');
    const weights = conditionWeights(where, model.conditionals.age85Plus);
    let total = 0;
    let mass = 0;
    for (let c = 0; c < KEY_CELL_COUNT; c += 1) {
      const m = model.joint[c]! * weights[c]!;
      total += m;
      if (idx.ethnicity[c] === gagauz) mass += m;
    }
    const share = Array.from(cells).filter((c) => idx.ethnicity[c] === gagauz).length / cells.length;
    // Systematic allocation: within one person of the expectation for a contiguous block; ethnicity is not contiguous, so a few.
    expect(Math.abs(share - mass / total)).toBeLessThan(0.002);
    expect(mass / total).toBeGreaterThan(0.75);
  });
});
