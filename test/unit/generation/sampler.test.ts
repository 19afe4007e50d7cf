import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AGE_GROUP_CATEGORIES,
  DISTRICT_CATEGORIES,
  ETHNICITIES,
  LANGUAGES,
  REGIONS,
  RELIGIONS,
  RESIDENCES,
  SEXES,
} from '../../../src/domain/categories.js';
import { PersonaSchema, type Persona } from '../../../src/domain/persona.js';
import { generationModelFor, type GenerationModel } from '../../../src/generation/model.js';
import { personaId } from '../../../src/generation/persona-id.js';
import { sampleShard, type ShardTask } from '../../../src/generation/sampler.js';
import type { ShardCounts } from '../../../src/generation/shard-counts.js';
import { cellAt, type KeyCoordinates } from '../../helpers/key-cells.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

let model: GenerationModel;
beforeAll(async () => {
  model = generationModelFor(await shippedSnapshot(), true);
});

const decoder = new TextDecoder();
const linesOf = (bytes: Uint8Array) => decoder.decode(bytes).split('\n');
const personasOf = (bytes: Uint8Array): Persona[] =>
  linesOf(bytes)
    .filter((line) => line.length > 0)
    .map((line) => PersonaSchema.parse(JSON.parse(line)));
const ID_KEY = [0x5eed, 0xda7a] as const;
const taskOf = (cells: readonly number[], options: Partial<ShardTask> = {}): ShardTask => ({
  seed: 9,
  idKey: ID_KEY,
  shardIndex: 0,
  startIndex: 0,
  cells: Int32Array.from(cells),
  tables: model.sampling,
  traits: false,
  ...options,
});
/** Key coordinates of a cell, decoded here by the documented order (age fastest). */
function coordinatesOf(cell: number): KeyCoordinates {
  return {
    age: cell % 86,
    ethnicity: Math.floor(cell / 86) % 9,
    sex: Math.floor(cell / (86 * 9)) % 2,
    residence: Math.floor(cell / (86 * 9 * 2)) % 2,
    district: Math.floor(cell / (86 * 9 * 2 * 2)),
  };
}

/** The counts a shard should report, tallied here from its parsed records. */
function recount(personas: readonly Persona[]): Partial<Record<keyof ShardCounts, number[]>> {
  const tally = (codes: readonly string[], field: keyof Persona) =>
    codes.map((code) => personas.filter((p) => p[field] === code).length);
  const cross = (rows: readonly string[], rowField: keyof Persona, cols: readonly string[], colField: keyof Persona) =>
    rows.flatMap((row) => cols.map((col) => personas.filter((p) => p[rowField] === row && p[colField] === col).length));
  return {
    sex: tally(SEXES, 'sex'),
    age_group: tally(AGE_GROUP_CATEGORIES.map((g) => g.code), 'age_group'),
    region: tally(REGIONS, 'region'),
    district: tally(DISTRICT_CATEGORIES.map((d) => d.code), 'district'),
    residence: tally(RESIDENCES, 'residence'),
    ethnicity: tally(ETHNICITIES, 'ethnicity'),
    mother_tongue: tally(LANGUAGES, 'mother_tongue'),
    language_usually_spoken: tally(LANGUAGES, 'language_usually_spoken'),
    religion: tally(RELIGIONS, 'religion'),
    residence_ethnicity: cross(RESIDENCES, 'residence', ETHNICITIES, 'ethnicity'),
    region_ethnicity: cross(REGIONS, 'region', ETHNICITIES, 'ethnicity'),
    ethnicity_mother_tongue: cross(ETHNICITIES, 'ethnicity', LANGUAGES, 'mother_tongue'),
    ethnicity_religion: cross(ETHNICITIES, 'ethnicity', RELIGIONS, 'religion'),
    region_residence: cross(REGIONS, 'region', RESIDENCES, 'residence'),
  };
}

describe('sampleShard', () => {
  it('writes one schema-valid NDJSON line per cell, in index order, with the id of (seed, index)', () => {
    const cells = [cellAt({ district: 0, residence: 0, sex: 0, ethnicity: 0, age: 40 }), cellAt({ district: 34, residence: 1, sex: 1, ethnicity: 4, age: 85 })];
    const result = sampleShard(taskOf(cells, { startIndex: 1_000 }));
    expect(result.count).toBe(2);
    const lines = linesOf(result.bytes);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    personasOf(result.bytes).forEach((persona, j) => {
      expect(persona.index).toBe(1_000 + j);
      expect(persona.id).toBe(personaId(ID_KEY, 1_000 + j));
    });
  });

  it('gives each record the district, residence, sex, ethnicity and age of its cell, and 85..100 for the open group (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(108_359), { minLength: 1, maxLength: 40 }), fc.nat(), fc.nat(1_000), (cells, seed, shardIndex) => {
        const personas = personasOf(sampleShard(taskOf(cells, { seed, shardIndex, startIndex: shardIndex * 16_384 })).bytes);
        expect(personas).toHaveLength(cells.length);
        personas.forEach((persona, j) => {
          const at = coordinatesOf(cells[j]!);
          const district = DISTRICT_CATEGORIES[at.district]!;
          expect({
            district: persona.district,
            region: persona.region,
            residence: persona.residence,
            sex: persona.sex,
            ethnicity: persona.ethnicity,
          }).toEqual({
            district: district.code,
            region: district.region,
            residence: RESIDENCES[at.residence],
            sex: SEXES[at.sex],
            ethnicity: ETHNICITIES[at.ethnicity],
          });
          if (at.age < 85) expect(persona.age).toBe(at.age);
          else expect(persona.age).toBeGreaterThanOrEqual(85);
          const group = AGE_GROUP_CATEGORIES.find((g) => g.code === persona.age_group)!;
          expect(persona.age >= group.min && persona.age <= group.max).toBe(true);
        });
      }),
      { numRuns: 40 },
    );
  });

  it('leaves the statuses a child cannot have null: no marital status or work under 15, no education under 10', () => {
    const ages = [0, 5, 9, 10, 12, 14, 15, 40];
    const cells = ages.flatMap((age) => Array.from({ length: 30 }, () => cellAt({ district: 1, residence: 0, sex: 1, ethnicity: 0, age })));
    for (const persona of personasOf(sampleShard(taskOf(cells)).bytes)) {
      const expectNull = (field: keyof Persona, fromAge: number) =>
        expect({ age: persona.age, field, isNull: persona[field] === null }).toEqual({ age: persona.age, field, isNull: persona.age < fromAge });
      expectNull('marital_status', 15);
      expectNull('employment_status', 15);
      expectNull('education_level', 10);
      expect(persona.inactivity_reason === null).toBe(persona.employment_status !== 'inactive');
      expect(persona.economic_sector === null).toBe(persona.employment_status !== 'employed');
    }
  });

  it('counts what it wrote: every tally equals the count of the parsed records, no violation, no duplicate id', () => {
    const cells = Array.from({ length: 3_000 }, (_, j) => (j * 7_919) % 108_360);
    const result = sampleShard(taskOf(cells, { seed: 4 }));
    const personas = personasOf(result.bytes);
    for (const [key, expected] of Object.entries(recount(personas))) {
      expect({ key, counts: Array.from(result.counts[key as keyof ShardCounts]) }).toEqual({ key, counts: expected });
    }
    const nonNull = (field: keyof Persona) => personas.filter((p) => p[field] !== null).length;
    const total = (tally: Int32Array) => tally.reduce((a, b) => a + b, 0);
    expect(total(result.counts.marital_status)).toBe(nonNull('marital_status'));
    expect(total(result.counts.education_level)).toBe(nonNull('education_level'));
    expect(total(result.counts.employment_status)).toBe(nonNull('employment_status'));
    expect(total(result.counts.inactivity_reason)).toBe(nonNull('inactivity_reason'));
    expect(total(result.counts.economic_sector)).toBe(nonNull('economic_sector'));
    expect(Array.from(result.counts.consistency).every((v) => v === 0)).toBe(true);
    expect(result.counts.duplicate_ids[0]).toBe(0);
  });

  it('is pure: the same task gives the same bytes, also into a recycled buffer; another shard index draws another stream', () => {
    const cells = Array.from({ length: 500 }, (_, j) => (j * 104_729) % 108_360);
    const first = sampleShard(taskOf(cells));
    const again = sampleShard(taskOf(cells));
    expect(Buffer.from(again.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    const spent = new ArrayBuffer(first.bytes.byteLength * 2);
    new Uint8Array(spent).fill(0x41);
    const recycled = sampleShard(taskOf(cells, { reuse: spent }));
    expect(Buffer.from(recycled.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    const other = sampleShard(taskOf(cells, { shardIndex: 1 }));
    expect(Buffer.from(other.bytes).equals(Buffer.from(first.bytes))).toBe(false);
  });

  it('writes traits only when asked, and a narrator its narrative for the persona it is shown', () => {
    const cells = [cellAt({ district: 2, residence: 1, sex: 0, ethnicity: 3, age: 50 }), cellAt({ district: 5, residence: 0, sex: 1, ethnicity: 0, age: 19 })];
    expect(personasOf(sampleShard(taskOf(cells)).bytes).every((p) => p.traits === undefined)).toBe(true);
    const shown: Persona[] = [];
    const narrated = personasOf(
      sampleShard(taskOf(cells, { traits: true }), (persona) => {
        shown.push(persona);
        return { status: 'failed', source: 'template', prompt_version: null, reasons: [`${persona.given_name} ${persona.family_name}, ${persona.age}`] };
      }).bytes,
    );
    expect(shown).toHaveLength(2);
    narrated.forEach((persona, j) => {
      expect(persona.traits).toBeDefined();
      expect(persona.narrative).toEqual({
        status: 'failed',
        source: 'template',
        prompt_version: null,
        reasons: [`${persona.given_name} ${persona.family_name}, ${persona.age}`],
      });
      const { narrative: _narrative, ...record } = persona;
      expect(shown[j]).toEqual(record);
    });
  });
});
