/**
 * Draws the personas of one shard: each assigned key cell (district, residence, sex, ethnicity,
 * age) becomes a full record by drawing the remaining fields from the conditional tables with the
 * shard's RNG, in index order. Serialises straight to NDJSON and counts what the trust evaluator
 * needs, so no million-object array is ever held.
 *
 * Determinism: the only randomness is `createRng(seed, 'shard', shardIndex)`; shard boundaries are
 * fixed (`SHARD_SIZE` in plan.ts), so the bytes do not depend on how many workers run the shards.
 */
import {
  AGE_GROUPS,
  DISTRICT_CATEGORIES,
  ECONOMIC_SECTORS,
  EDUCATION_LEVELS,
  EMPLOYMENT_STATUSES,
  ETHNICITIES,
  type Ethnicity,
  INACTIVITY_REASONS,
  LANGUAGES,
  MARITAL_STATUSES,
  REGIONS,
  RELIGIONS,
  RESIDENCES,
  type Sex,
  SEXES,
  DISTRICT_REGION_INDEX,
} from '../domain/categories.js';
import type { Narrative, Persona, Traits } from '../domain/persona.js';
import { createRng, type Rng } from '../rng.js';
import type { ConditionalTable, ConditionalTables } from './conditionals.js';
import { CONSISTENCY_RULES, forEachViolation, type Checked } from './consistency.js';
import { AGE_85_PLUS_INDEX, KEY_CELL_COUNT, KEY_DIMENSIONS, keyCellIndexes } from './key-joint.js';
import { familyNameFor, namesFor } from './names.js';
import { personaId, countDuplicateIds, personaIdWords } from './persona-id.js';
import { ByteWriter, utf8 } from './byte-writer.js';
import { ageGroupOfAgeIndex } from './table-view.js';

/** Cumulative rows of a conditional table, ready for inverse-CDF draws. */
export interface CumulativeTable {
  readonly width: number;
  readonly cumulative: Float64Array;
}

export interface SamplingTables {
  readonly motherTongue: CumulativeTable;
  readonly usualLanguage: CumulativeTable;
  readonly religion: CumulativeTable;
  readonly marital: CumulativeTable;
  readonly education: CumulativeTable;
  readonly employment: CumulativeTable;
  readonly inactivity: CumulativeTable;
  readonly sector: CumulativeTable;
  readonly age85Plus: CumulativeTable;
}

export function cumulativeOf(table: ConditionalTable): CumulativeTable {
  const width = table.categories.length;
  const cumulative = new Float64Array(table.probabilities.length);
  for (let row = 0; row < table.rows; row += 1) {
    let sum = 0;
    for (let k = 0; k < width; k += 1) {
      sum += table.probabilities[row * width + k]!;
      cumulative[row * width + k] = sum;
    }
  }
  return { width, cumulative };
}

export function samplingTablesOf(conditionals: ConditionalTables): SamplingTables {
  return {
    motherTongue: cumulativeOf(conditionals.motherTongueByEthnicity),
    usualLanguage: cumulativeOf(conditionals.usualLanguageByMotherTongue),
    religion: cumulativeOf(conditionals.religionByEthnicity),
    marital: cumulativeOf(conditionals.maritalBySexAge),
    education: cumulativeOf(conditionals.educationByAge),
    employment: cumulativeOf(conditionals.employmentBySexAge),
    inactivity: cumulativeOf(conditionals.inactivityByAge),
    sector: cumulativeOf(conditionals.sector),
    age85Plus: cumulativeOf(conditionals.age85Plus),
  };
}

/** Inverse-CDF draw from row `row`; the last category absorbs rounding at the top of the row. */
function draw(table: CumulativeTable, row: number, rng: Rng): number {
  const base = row * table.width;
  const total = table.cumulative[base + table.width - 1]!;
  const u = rng.next() * total;
  for (let k = 0; k < table.width - 1; k += 1) {
    if (u < table.cumulative[base + k]!) return k;
  }
  return table.width - 1;
}

/** Counts per field and per published cross-tab, merged across shards by addition. */
export interface ShardCounts {
  readonly sex: Int32Array;
  readonly age_group: Int32Array;
  readonly region: Int32Array;
  readonly district: Int32Array;
  readonly residence: Int32Array;
  readonly ethnicity: Int32Array;
  readonly mother_tongue: Int32Array;
  readonly language_usually_spoken: Int32Array;
  readonly religion: Int32Array;
  readonly marital_status: Int32Array;
  readonly education_level: Int32Array;
  readonly employment_status: Int32Array;
  readonly inactivity_reason: Int32Array;
  readonly economic_sector: Int32Array;
  /** residence × ethnicity, ethnicity-fastest. */
  readonly residence_ethnicity: Int32Array;
  /** region × ethnicity. */
  readonly region_ethnicity: Int32Array;
  /** ethnicity × mother tongue. */
  readonly ethnicity_mother_tongue: Int32Array;
  /** ethnicity × religion. */
  readonly ethnicity_religion: Int32Array;
  /** region × residence. */
  readonly region_residence: Int32Array;
  /** Violations per CONSISTENCY_RULES entry. */
  readonly consistency: Int32Array;
  /** One cell: ids written that repeat another or do not stand for their record (persona-id.ts). */
  readonly duplicate_ids: Int32Array;
}

export function emptyCounts(): ShardCounts {
  const e = ETHNICITIES.length;
  return {
    sex: new Int32Array(SEXES.length),
    age_group: new Int32Array(AGE_GROUPS.length),
    region: new Int32Array(REGIONS.length),
    district: new Int32Array(DISTRICT_CATEGORIES.length),
    residence: new Int32Array(RESIDENCES.length),
    ethnicity: new Int32Array(e),
    mother_tongue: new Int32Array(LANGUAGES.length),
    language_usually_spoken: new Int32Array(LANGUAGES.length),
    religion: new Int32Array(RELIGIONS.length),
    marital_status: new Int32Array(MARITAL_STATUSES.length),
    education_level: new Int32Array(EDUCATION_LEVELS.length),
    employment_status: new Int32Array(EMPLOYMENT_STATUSES.length),
    inactivity_reason: new Int32Array(INACTIVITY_REASONS.length),
    economic_sector: new Int32Array(ECONOMIC_SECTORS.length),
    residence_ethnicity: new Int32Array(RESIDENCES.length * e),
    region_ethnicity: new Int32Array(REGIONS.length * e),
    ethnicity_mother_tongue: new Int32Array(e * LANGUAGES.length),
    ethnicity_religion: new Int32Array(e * RELIGIONS.length),
    region_residence: new Int32Array(REGIONS.length * RESIDENCES.length),
    consistency: new Int32Array(CONSISTENCY_RULES.length),
    duplicate_ids: new Int32Array(1),
  };
}

/** Adds `from` into `into`, key by key. */
export function addCountsInPlace(into: ShardCounts, from: ShardCounts): void {
  for (const key of Object.keys(into) as (keyof ShardCounts)[]) {
    const target = into[key];
    const source = from[key];
    for (let i = 0; i < target.length; i += 1) target[i]! += source[i]!;
  }
}

export interface ShardTask {
  readonly seed: number;
  readonly shardIndex: number;
  /** Index of the shard's first persona in the dataset. */
  readonly startIndex: number;
  /** Key cell of each persona of the shard, in index order. */
  readonly cells: Int32Array;
  readonly tables: SamplingTables;
  readonly traits: boolean;
  /** A spent output buffer to write into instead of allocating one (its old bytes are overwritten). */
  readonly reuse?: ArrayBuffer | undefined;
}

export interface ShardResult {
  /** UTF-8 NDJSON, one line per persona, each ending in a newline. */
  readonly bytes: Uint8Array;
  readonly count: number;
  readonly counts: ShardCounts;
}

/** Writes the narrative of a persona (template provider, or nothing). */
export type Narrator = (persona: Persona) => Narrative | undefined;

/** `,"key":value` fragments per category, pre-encoded (index -1 = null). */
function fragments(key: string, values: readonly string[]): { readonly of: Uint8Array[]; readonly none: Uint8Array } {
  return { of: values.map((v) => utf8(`,"${key}":${JSON.stringify(v)}`)), none: utf8(`,"${key}":null`) };
}
const F = {
  ageGroup: fragments('age_group', AGE_GROUPS),
  region: fragments('region', REGIONS),
  district: fragments('district', DISTRICT_CATEGORIES.map((d) => d.code)),
  residence: fragments('residence', RESIDENCES),
  ethnicity: fragments('ethnicity', ETHNICITIES),
  motherTongue: fragments('mother_tongue', LANGUAGES),
  usualLanguage: fragments('language_usually_spoken', LANGUAGES),
  religion: fragments('religion', RELIGIONS),
  marital: fragments('marital_status', MARITAL_STATUSES),
  education: fragments('education_level', EDUCATION_LEVELS),
  employment: fragments('employment_status', EMPLOYMENT_STATUSES),
  inactivity: fragments('inactivity_reason', INACTIVITY_REASONS),
  sector: fragments('economic_sector', ECONOMIC_SECTORS),
};
const OPEN_ID = utf8('{"id":"');
const INDEX = utf8('","index":');
/** `,"sex":…,"age":` per sex: the age digits follow. */
const SEX_AGE = SEXES.map((sex) => utf8(`,"sex":${JSON.stringify(sex)},"age":`));
const TRAITS = utf8(',"traits":');
const NARRATIVE = utf8(',"narrative":');
const CLOSE = utf8('}\n');
/** Per ethnicity and sex, the pre-encoded `,"given_name":…` and `,"family_name":…` fragments. */
const NAME_FRAGMENTS = ETHNICITIES.map((ethnicity) =>
  SEXES.map((sex) => {
    const names = namesFor(ethnicity);
    return {
      given: (sex === 'female' ? names.female : names.male).map((name) => ({ name, bytes: utf8(`,"given_name":${JSON.stringify(name)}`) })),
      family: names.family.map((base) => {
        const name = familyNameFor(base, sex, ethnicity);
        return { name, bytes: utf8(`,"family_name":${JSON.stringify(name)}`) };
      }),
    };
  }),
);
const pick = (set: { of: Uint8Array[]; none: Uint8Array }, index: number) => (index < 0 ? set.none : set.of[index]!);

/**
 * Per key cell, the fields after the age that the cell fixes — age group, region, district,
 * residence, ethnicity — as one fragment (one copy per persona instead of five). Made on first
 * use; a 10⁶ run touches most of the 108,360 cells (~10 MB per worker).
 */
const CELL_TAILS: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(KEY_CELL_COUNT);
function cellTail(cell: number, group: number, g: number, d: number, r: number, e: number): Uint8Array {
  return (CELL_TAILS[cell] ??= concatBytes([F.ageGroup.of[group]!, F.region.of[g]!, F.district.of[d]!, F.residence.of[r]!, F.ethnicity.of[e]!]));
}

/** Mother tongue, usual language and religion as one fragment per combination (9 × 9 × 13). */
const LANGUAGE_RELIGION: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(LANGUAGES.length * LANGUAGES.length * RELIGIONS.length);
function languageReligion(motherTongue: number, usual: number, religion: number): Uint8Array {
  const key = (motherTongue * LANGUAGES.length + usual) * RELIGIONS.length + religion;
  return (LANGUAGE_RELIGION[key] ??= concatBytes([F.motherTongue.of[motherTongue]!, F.usualLanguage.of[usual]!, F.religion.of[religion]!]));
}

/** Marital status, education, employment, inactivity reason and sector (each may be null) as one fragment. */
const STATUS_SETS = [F.marital, F.education, F.employment, F.inactivity, F.sector] as const;
const STATUS_FRAGMENTS: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(
  STATUS_SETS.reduce((product, set) => product * (set.of.length + 1), 1),
);
function statusFragment(marital: number, education: number, employment: number, inactivity: number, sector: number): Uint8Array {
  // Each index is -1 (null) .. length-1; +1 makes it a digit of a mixed-radix key.
  let key = marital + 1;
  key = key * (F.education.of.length + 1) + education + 1;
  key = key * (F.employment.of.length + 1) + employment + 1;
  key = key * (F.inactivity.of.length + 1) + inactivity + 1;
  key = key * (F.sector.of.length + 1) + sector + 1;
  return (STATUS_FRAGMENTS[key] ??= concatBytes([
    pick(F.marital, marital),
    pick(F.education, education),
    pick(F.employment, employment),
    pick(F.inactivity, inactivity),
    pick(F.sector, sector),
  ]));
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}

const EMPLOYED = EMPLOYMENT_STATUSES.indexOf('employed');
const INACTIVE = EMPLOYMENT_STATUSES.indexOf('inactive');

/** A Big Five T-score: 50 + 10·z (Box–Muller), clipped to 20..80, one decimal. */
function tScore(rng: Rng): number {
  const u = 1 - rng.next();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  return Math.round(Math.min(80, Math.max(20, 50 + 10 * z)) * 10) / 10;
}

function drawTraits(rng: Rng): Traits {
  return {
    openness: tScore(rng),
    conscientiousness: tScore(rng),
    extraversion: tScore(rng),
    agreeableness: tScore(rng),
    neuroticism: tScore(rng),
  };
}

/** Generates one shard. Pure: same task → same bytes. */
export function sampleShard(task: ShardTask, narrator?: Narrator): ShardResult {
  const rng = createRng(task.seed, 'shard', task.shardIndex);
  const indexes = keyCellIndexes();
  const counts = emptyCounts();
  const t = task.tables;
  const out = new ByteWriter(task.cells.length * 480, task.reuse);
  const idWords = new Uint32Array(4);
  const idOffsets = new Int32Array(task.cells.length);
  const countViolation = (rule: number) => {
    counts.consistency[rule]! += 1;
  };
  for (let j = 0; j < task.cells.length; j += 1) {
    const cell = task.cells[j]!;
    const index = task.startIndex + j;
    const d = indexes.district[cell]!;
    const r = indexes.residence[cell]!;
    const s = indexes.sex[cell]!;
    const e = indexes.ethnicity[cell]!;
    const ageIndex = indexes.age[cell]!;
    const g = DISTRICT_REGION_INDEX[d]!;
    const age = ageIndex === AGE_85_PLUS_INDEX ? 85 + draw(t.age85Plus, 0, rng) : ageIndex;
    const group = ageGroupOfAgeIndex(ageIndex === AGE_85_PLUS_INDEX ? AGE_85_PLUS_INDEX : age);
    const sexAgeRow = s * KEY_DIMENSIONS.age + ageIndex;
    const motherTongue = draw(t.motherTongue, e, rng);
    const usualLanguage = draw(t.usualLanguage, motherTongue, rng);
    const religion = draw(t.religion, e, rng);
    const marital = age >= 15 ? draw(t.marital, sexAgeRow, rng) : -1;
    const education = age >= 10 ? draw(t.education, ageIndex, rng) : -1;
    const employment = age >= 15 ? draw(t.employment, sexAgeRow, rng) : -1;
    const inactivity = employment === INACTIVE ? draw(t.inactivity, ageIndex, rng) : -1;
    const sector = employment === EMPLOYED ? draw(t.sector, 0, rng) : -1;
    const sex = SEXES[s]! as Sex;
    const ethnicity = ETHNICITIES[e]! as Ethnicity;
    const names = NAME_FRAGMENTS[e]![s]!;
    const given = names.given[Math.floor(rng.next() * names.given.length)]!;
    const family = names.family[Math.floor(rng.next() * names.family.length)]!;
    const givenName = given.name;
    const familyName = family.name;
    const traits = task.traits ? drawTraits(rng) : undefined;

    const record: Checked = {
      given_name: givenName,
      family_name: familyName,
      sex,
      age,
      age_group: AGE_GROUPS[group]!,
      region: REGIONS[g]!,
      district: DISTRICT_CATEGORIES[d]!.code,
      marital_status: marital < 0 ? null : MARITAL_STATUSES[marital]!,
      education_level: education < 0 ? null : EDUCATION_LEVELS[education]!,
      employment_status: employment < 0 ? null : EMPLOYMENT_STATUSES[employment]!,
      inactivity_reason: inactivity < 0 ? null : INACTIVITY_REASONS[inactivity]!,
      economic_sector: sector < 0 ? null : ECONOMIC_SECTORS[sector]!,
    };
    // The whole Persona (with its id string) is built only for a narrator; the output is written from indexes.
    let narrative: Narrative | undefined;
    if (narrator) {
      const persona: Persona = {
        id: personaId(task.seed, index),
        index,
        ...record,
        residence: RESIDENCES[r]!,
        ethnicity,
        mother_tongue: LANGUAGES[motherTongue]!,
        language_usually_spoken: LANGUAGES[usualLanguage]!,
        religion: RELIGIONS[religion]!,
      };
      if (traits) persona.traits = traits;
      narrative = narrator(persona);
    }

    forEachViolation(record, countViolation);
    counts.sex[s]! += 1;
    counts.age_group[group]! += 1;
    counts.region[g]! += 1;
    counts.district[d]! += 1;
    counts.residence[r]! += 1;
    counts.ethnicity[e]! += 1;
    counts.mother_tongue[motherTongue]! += 1;
    counts.language_usually_spoken[usualLanguage]! += 1;
    counts.religion[religion]! += 1;
    if (marital >= 0) counts.marital_status[marital]! += 1;
    if (education >= 0) counts.education_level[education]! += 1;
    if (employment >= 0) counts.employment_status[employment]! += 1;
    if (inactivity >= 0) counts.inactivity_reason[inactivity]! += 1;
    if (sector >= 0) counts.economic_sector[sector]! += 1;
    counts.residence_ethnicity[r * ETHNICITIES.length + e]! += 1;
    counts.region_ethnicity[g * ETHNICITIES.length + e]! += 1;
    counts.ethnicity_mother_tongue[e * LANGUAGES.length + motherTongue]! += 1;
    counts.ethnicity_religion[e * RELIGIONS.length + religion]! += 1;
    counts.region_residence[g * RESIDENCES.length + r]! += 1;

    // Hand-built JSON in the schema's key order from pre-encoded fragments: every string is a
    // JSON.stringify'd code or name, so each line is valid JSON and byte-stable.
    out.bytes(OPEN_ID);
    personaIdWords(task.seed, index, idWords);
    idOffsets[j] = out.length;
    out.uuid(idWords);
    out.bytes(INDEX);
    out.unsigned(index);
    out.bytes(given.bytes);
    out.bytes(family.bytes);
    out.bytes(SEX_AGE[s]!);
    out.unsigned(age);
    out.bytes(cellTail(cell, group, g, d, r, e));
    out.bytes(languageReligion(motherTongue, usualLanguage, religion));
    out.bytes(statusFragment(marital, education, employment, inactivity, sector));
    if (traits) {
      out.bytes(TRAITS);
      out.ascii(JSON.stringify(traits));
    }
    if (narrative) {
      out.bytes(NARRATIVE);
      out.bytes(utf8(JSON.stringify(narrative)));
    }
    out.bytes(CLOSE);
  }
  // The writer is dropped here, so its buffer can be handed on without a copy.
  const bytes = out.view();
  // Measured on the bytes written, not assumed from the id scheme (SPEC §6: must be 0).
  counts.duplicate_ids[0] = countDuplicateIds(bytes, idOffsets, task.cells.length, task.seed, task.startIndex);
  return { bytes, count: task.cells.length, counts };
}
