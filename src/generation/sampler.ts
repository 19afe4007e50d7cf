/**
 * Draws the personas of one shard: each assigned key cell (district, residence, sex, ethnicity,
 * age) becomes a full record by drawing the remaining fields from the conditional tables with the
 * shard's RNG, in index order. Serialises straight to NDJSON and counts what the trust evaluator
 * needs, so no million-object array is ever held.
 *
 * Determinism: the only randomness is `createRng(seed, 'shard', shardIndex)`; shard boundaries are
 * fixed (`SHARD_SIZE` in plan.ts), so the bytes do not depend on how many workers run the shards.
 */
import { DISTRICT_REGION_INDEX, FIELD_CODES } from '../domain/categories.js';
import type { Narrative, Persona, Traits } from '../domain/persona.js';
import { createRng, type Rng } from '../rng.js';
import { ByteWriter, utf8 } from './byte-writer.js';
import { forEachViolation, type Checked } from './consistency.js';
import { countPlausibility } from './plausibility.js';
import { AGE_85_PLUS_INDEX, KEY_DIMENSIONS, keyCellIndexes } from './key-joint.js';
import { CLOSE, INDEX, NAME_FRAGMENTS, NARRATIVE, OPEN_ID, SEX_AGE, TRAITS, cellTail, givenNameIndex, languageReligion, statusFragment, statusKey } from './persona-bytes.js';
import { countDuplicateIds, personaId, personaIdWords, type IdKey } from './persona-id.js';
import { draw, drawAlias, type SamplingTables } from './sampling-tables.js';
import { MAX_NAME_AGE } from './names.js';
import { hashRecord } from './record-hashes.js';
import { emptyCounts, type ShardCounts } from './shard-counts.js';
import { educationRow, employmentRow, sectorRow, unitEthnicityRow, unitResidenceEthnicityRow, usualLanguageRow } from './conditionals.js';
import { countUnits } from './unit-checks.js';
import { ageGroupOfAgeIndex } from './table-view.js';

export interface ShardTask {
  readonly seed: number;
  /** The dataset's id key (`idKeyOf(config_hash)`): ids belong to the dataset, not to the seed. */
  readonly idKey: IdKey;
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
  /** Per record, a 64-bit hash of its bytes after the index (two words; record-hashes.ts), for the full-record duplicate count. */
  readonly record_hashes: Uint32Array;
}

/** Writes the narrative of a persona (template provider, or nothing). */
export type Narrator = (persona: Persona) => Narrative | undefined;

const EMPLOYED = FIELD_CODES.employment_status.indexOf('employed');
const INACTIVE = FIELD_CODES.employment_status.indexOf('inactive');
/** Row widths of the counted cross-tabs. */
const ETHNICITY_COUNT = FIELD_CODES.ethnicity.length;
const LANGUAGE_COUNT = FIELD_CODES.mother_tongue.length;
const RELIGION_COUNT = FIELD_CODES.religion.length;
const RESIDENCE_COUNT = FIELD_CODES.residence.length;

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

/**
 * Generates one shard. Pure: same task → same bytes.
 *
 * Names in the loop: `t` the task's sampling tables, `j` the persona's position in the shard; of
 * its key cell, `d` district, `r` residence, `s` sex, `e` ethnicity (indexes in the domain's
 * category order), and `g` the district's development region.
 */
export function sampleShard(task: ShardTask, narrator?: Narrator): ShardResult {
  const rng = createRng(task.seed, 'shard', task.shardIndex);
  const indexes = keyCellIndexes();
  const counts = emptyCounts();
  const t = task.tables;
  const out = new ByteWriter(task.cells.length * 480, task.reuse);
  const idWords = new Uint32Array(4);
  const idOffsets = new Int32Array(task.cells.length);
  const recordHashes = new Uint32Array(task.cells.length * 2);
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
    const motherTongue = draw(t.motherTongue, unitResidenceEthnicityRow(d, r, e), rng);
    const usualLanguage = draw(t.usualLanguage, usualLanguageRow(d, r, motherTongue), rng);
    const religion = draw(t.religion, unitEthnicityRow(d, e), rng);
    const marital = age >= 15 ? draw(t.marital, sexAgeRow, rng) : -1;
    const education = age >= 10 ? draw(t.education, educationRow(d, r, s, ageIndex), rng) : -1;
    const employment = age >= 15 ? draw(t.employment, employmentRow(s, ageIndex, r, g), rng) : -1;
    const inactivity = employment === INACTIVE ? draw(t.inactivity, ageIndex, rng) : -1;
    const sector = employment === EMPLOYED ? draw(t.sector, sectorRow(r, s), rng) : -1;
    const sex = FIELD_CODES.sex[s]!;
    const ethnicity = FIELD_CODES.ethnicity[e]!;
    const names = NAME_FRAGMENTS[e]![s]!;
    const givenIndex = givenNameIndex(names, age < MAX_NAME_AGE ? age : MAX_NAME_AGE, rng.next());
    const familyIndex = drawAlias(names.familyWeights, 0, rng);
    const given = names.given[givenIndex]!;
    const family = names.family[familyIndex]!;
    const givenName = given.name;
    const familyName = family.name;
    const traits = task.traits ? drawTraits(rng) : undefined;

    const record: Checked = {
      given_name: givenName,
      family_name: familyName,
      sex,
      age,
      age_group: FIELD_CODES.age_group[group]!,
      region: FIELD_CODES.region[g]!,
      district: FIELD_CODES.district[d]!,
      marital_status: marital < 0 ? null : FIELD_CODES.marital_status[marital]!,
      education_level: education < 0 ? null : FIELD_CODES.education_level[education]!,
      employment_status: employment < 0 ? null : FIELD_CODES.employment_status[employment]!,
      inactivity_reason: inactivity < 0 ? null : FIELD_CODES.inactivity_reason[inactivity]!,
      economic_sector: sector < 0 ? null : FIELD_CODES.economic_sector[sector]!,
    };
    // The whole Persona (with its id string) is built only for a narrator; the output is written from indexes.
    let narrative: Narrative | undefined;
    if (narrator) {
      const persona: Persona = {
        id: personaId(task.idKey, index),
        index,
        ...record,
        residence: FIELD_CODES.residence[r]!,
        ethnicity,
        mother_tongue: FIELD_CODES.mother_tongue[motherTongue]!,
        language_usually_spoken: FIELD_CODES.language_usually_spoken[usualLanguage]!,
        religion: FIELD_CODES.religion[religion]!,
      };
      if (traits) persona.traits = traits;
      narrative = narrator(persona);
    }

    forEachViolation(record, countViolation);
    countPlausibility(age, marital, education, employment, inactivity, counts.plausibility_population, counts.plausibility_flagged);
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
    counts.residence_ethnicity[r * ETHNICITY_COUNT + e]! += 1;
    counts.region_ethnicity[g * ETHNICITY_COUNT + e]! += 1;
    counts.ethnicity_mother_tongue[e * LANGUAGE_COUNT + motherTongue]! += 1;
    counts.ethnicity_religion[e * RELIGION_COUNT + religion]! += 1;
    counts.region_residence[g * RESIDENCE_COUNT + r]! += 1;
    countUnits(counts, d, r, s, ageIndex, motherTongue, religion, education, employment, inactivity, sector);
    // Everything written after the index (the cell fixes sex, age group, region, district, residence, ethnicity).
    hashRecord(recordHashes, j, cell, age, givenIndex, familyIndex, (motherTongue * LANGUAGE_COUNT + usualLanguage) * RELIGION_COUNT + religion, statusKey(marital, education, employment, inactivity, sector), traits);

    // Hand-built JSON in the schema's key order from pre-encoded fragments: every string is a
    // JSON.stringify'd code or name, so each line is valid JSON and byte-stable.
    out.bytes(OPEN_ID);
    personaIdWords(task.idKey, index, idWords);
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
  counts.duplicate_ids[0] = countDuplicateIds(bytes, idOffsets, task.cells.length, task.idKey, task.startIndex);
  return { bytes, count: task.cells.length, counts, record_hashes: recordHashes };
}
