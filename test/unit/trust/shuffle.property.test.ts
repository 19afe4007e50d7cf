// Issue #12 part 3, property 3: a dataset with one field shuffled against the census is caught.
// A calibrated run at n = 200,000 (scope all) is generated once; for every compared field the
// field is permuted among the records of its universe (records where it is not null), which
// keeps its marginal exactly, and the counts are recomputed from the edited records. The fields
// SHUFFLE_DETECTION says the drift checks catch must be caught (decision ≠ PASS, a drift record
// about the field); the others must not be (so the list and docs/trust.md stay true), the
// consistency rules the list says they break must count violations, and exactly the plausibility
// rules it says they exceed must fire.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../../src/census/census-table.js';
import { COMPARED_FIELDS, type ComparedField } from '../../../src/domain/fields.js';
import type { Persona } from '../../../src/domain/persona.js';
import { createRng } from '../../../src/rng.js';
import { CONSISTENCY_RULES } from '../../../src/trust/evaluation-input.js';
import { SHUFFLE_DETECTION } from '../../../src/trust/shuffle-detection.js';
import { countsOfPersonas, personasOfBytes } from '../../helpers/persona-counts.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';
import { driftDetails, evaluateRun, generateRun, namesField, type GeneratedRun } from '../../helpers/trust-run.js';

const N = 200_000;
/** Fixed: the run and the permutations are the same every time (fast-check draws from FC_SEED). */
const FC_SEED = 20_261_202;

let snapshot: InputSnapshot;
let run: GeneratedRun;
let personas: Persona[];
beforeAll(async () => {
  snapshot = await shippedSnapshot();
  const [runSeed] = fc.sample(fc.integer({ min: 0, max: 0xffffffff }), { seed: FC_SEED, numRuns: 1 });
  run = generateRun(snapshot, { n: N, seed: runSeed!, scope: 'all', use_ipf: true });
  personas = personasOfBytes(run.result.bytes);
});

/** The records with `field` permuted (Fisher–Yates, seeded) among those where it is not null. */
function shuffled(records: readonly Persona[], field: ComparedField, shuffleSeed: number): Persona[] {
  const universe = records.flatMap((persona, index) => (persona[field] === null ? [] : [index]));
  const values = universe.map((index) => records[index]![field]);
  const rng = createRng(shuffleSeed, 'shuffle-test', COMPARED_FIELDS.indexOf(field));
  for (let i = values.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rng.next() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  const out = [...records];
  universe.forEach((index, k) => (out[index] = { ...records[index]!, [field]: values[k] } as Persona));
  return out;
}

describe('one field shuffled against the census', () => {
  it('recounts the unedited records exactly as the engine counted them (so edited counts can be trusted)', () => {
    const recount = countsOfPersonas(personas);
    const engine = run.result.counts;
    expect(Object.keys(recount).sort()).toEqual(Object.keys(engine).sort());
    for (const key of Object.keys(engine) as (keyof typeof engine)[]) expect(Array.from(recount[key]), key).toEqual(Array.from(engine[key]));
    expect(evaluateRun(snapshot, run, 'analysis_only').gate_codes).toEqual(['PASS']);
  });

  it('lists every compared field, and only checks that the run has', () => {
    expect(Object.keys(SHUFFLE_DETECTION).sort()).toEqual([...COMPARED_FIELDS].sort());
    const checks = new Set(evaluateRun(snapshot, run, 'analysis_only').measurements?.joint_checks.map((check) => check.id));
    for (const entry of Object.values(SHUFFLE_DETECTION)) for (const id of entry.caught_by) expect(checks).toContain(id);
  });

  it.each(COMPARED_FIELDS.map((field) => ({ field, ...SHUFFLE_DETECTION[field] })))(
    '$field: caught by [$caught_by]',
    ({ field, caught_by, breaks_rules, exceeds_plausibility }) => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 0xffffffff }), (shuffleSeed) => {
          const edited = shuffled(personas, field, shuffleSeed);
          const counts = countsOfPersonas(edited);
          // The shuffle keeps the field's marginal: only a cross-tab can see it.
          expect(Array.from(counts[field])).toEqual(Array.from(run.result.counts[field]));
          const evaluation = evaluateRun(snapshot, run, 'analysis_only', counts);
          const naming = driftDetails(evaluation).filter((detail) => namesField(evaluation, detail, field));
          if (caught_by.length > 0) {
            expect(evaluation.decision).not.toBe('PASS');
            expect(naming.map((detail) => detail.subject).filter((subject) => caught_by.includes(subject ?? '')).sort()).toEqual([...caught_by].sort());
          } else {
            expect(naming, `${field} is now caught: move it into SHUFFLE_DETECTION's caught list`).toEqual([]);
          }
          for (const rule of CONSISTENCY_RULES) {
            const broken = counts.consistency[CONSISTENCY_RULES.indexOf(rule)]!;
            expect(broken > 0, `${field}: ${rule}`).toBe(breaks_rules.includes(rule));
          }
          const exceeded = evaluation.gate_code_details.filter((detail) => detail.code === 'PLAUSIBILITY_RULE_EXCEEDED').map((detail) => detail.subject);
          expect(exceeded, `${field}: plausibility rules exceeded`).toEqual([...(exceeds_plausibility ?? [])]);
        }),
        { seed: FC_SEED, numRuns: 1 },
      );
    },
  );
});
