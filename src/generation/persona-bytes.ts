/**
 * The NDJSON of a persona, pre-encoded: every `,"key":value` fragment a record can contain is
 * UTF-8 once per process, and the fields that always travel together (what a key cell fixes; the
 * languages and religion; the five statuses) are joined into one fragment per combination on
 * first use, so the sampler writes a record as a handful of byte copies. Every value is a
 * JSON.stringify'd code or name, so each line is valid JSON and byte-stable.
 */
import { CATEGORICAL_FIELDS, ETHNICITIES, FIELD_CODES, LANGUAGES, RELIGIONS, SEXES, type CategoricalField } from '../domain/categories.js';
import { utf8 } from './byte-writer.js';
import { KEY_CELL_COUNT } from './key-joint.js';
import { familyNameFor, familyNamesOf, givenNamesByAge } from './names.js';
import { aliasTableOf, drawAliasAt, type AliasTable } from './sampling-tables.js';

interface FragmentSet {
  /** Per category index. */
  readonly of: readonly Uint8Array[];
  /** The field as JSON null (category index -1). */
  readonly none: Uint8Array;
}

/** `,"key":value` fragments per category, pre-encoded (index -1 = null). */
function fragments(key: string, values: readonly string[]): FragmentSet {
  return { of: values.map((v) => utf8(`,"${key}":${JSON.stringify(v)}`)), none: utf8(`,"${key}":null`) };
}

/** Per categorical field, its `,"field":code` fragments (the key is the field's own name). */
const FRAGMENTS = Object.fromEntries(CATEGORICAL_FIELDS.map((field) => [field, fragments(field, FIELD_CODES[field])])) as {
  readonly [F in CategoricalField]: FragmentSet;
};

/** The record opens with its id (the UUID's characters follow). */
export const OPEN_ID = utf8('{"id":"');
/** Closes the id; the index digits follow. */
export const INDEX = utf8('","index":');
/** `,"sex":…,"age":` per sex: the age digits follow. */
export const SEX_AGE = SEXES.map((sex) => utf8(`,"sex":${JSON.stringify(sex)},"age":`));
/** The traits object follows. */
export const TRAITS = utf8(',"traits":');
/** The narrative object follows. */
export const NARRATIVE = utf8(',"narrative":');
/** Closes the record and its line. */
export const CLOSE = utf8('}\n');

/** A name with its pre-encoded `,"given_name":…` or `,"family_name":…` fragment. */
export interface EncodedName {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** The names a persona of one ethnicity and sex may get, pre-encoded, with their draw tables. */
export interface NamePools {
  readonly given: readonly EncodedName[];
  /** One alias row per cohort list over `given` (names.ts). */
  readonly givenAnchors: AliasTable;
  /** Per age 0..MAX_NAME_AGE, the older of the two cohort lists it mixes… */
  readonly givenLower: Int32Array;
  /** …and the weight of the younger one (0: the older list alone). */
  readonly givenMix: Float64Array;
  readonly family: readonly EncodedName[];
  /** One alias row over `family`. */
  readonly familyWeights: AliasTable;
}

const encodedName = (key: string, name: string): EncodedName => ({ name, bytes: utf8(`,"${key}":${JSON.stringify(name)}`) });

/** Per ethnicity index and sex index, the names a persona may get. Draw the given name from row min(age, MAX_NAME_AGE). */
export const NAME_FRAGMENTS: readonly (readonly NamePools[])[] = ETHNICITIES.map((ethnicity) =>
  SEXES.map((sex) => {
    const given = givenNamesByAge(ethnicity, sex);
    const family = familyNamesOf(ethnicity);
    return {
      given: given.pool.map((name) => encodedName('given_name', name)),
      givenAnchors: aliasTableOf(given.anchors),
      givenLower: Int32Array.from(given.lower),
      givenMix: Float64Array.from(given.mix),
      family: family.names.map((base) => encodedName('family_name', familyNameFor(base, sex, ethnicity))),
      familyWeights: aliasTableOf([family.weights]),
    };
  }),
);
/**
 * The given-name index for a person of this age (0..MAX_NAME_AGE) from one uniform: with the
 * age's mix weight t the younger cohort list, else the older, the uniform rescaled to choose
 * within it (a mixture draw: small per-list tables stay in cache, unlike a table per age).
 */
export function givenNameIndex(pools: NamePools, age: number, uniform: number): number {
  const t = pools.givenMix[age]!;
  const lower = pools.givenLower[age]!;
  return uniform < t ? drawAliasAt(pools.givenAnchors, lower + 1, uniform / t) : drawAliasAt(pools.givenAnchors, lower, (uniform - t) / (1 - t));
}

const pick = (set: FragmentSet, index: number) => (index < 0 ? set.none : set.of[index]!);

/**
 * Per key cell, the fields after the age that the cell fixes — age group, region, district,
 * residence, ethnicity — as one fragment (one copy per persona instead of five). Made on first
 * use; a 10⁶ run touches most of the 108,360 cells (~10 MB per worker).
 */
const CELL_TAILS: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(KEY_CELL_COUNT);
export function cellTail(cell: number, ageGroup: number, region: number, district: number, residence: number, ethnicity: number): Uint8Array {
  return (CELL_TAILS[cell] ??= concatBytes([
    FRAGMENTS.age_group.of[ageGroup]!,
    FRAGMENTS.region.of[region]!,
    FRAGMENTS.district.of[district]!,
    FRAGMENTS.residence.of[residence]!,
    FRAGMENTS.ethnicity.of[ethnicity]!,
  ]));
}

/** Mother tongue, usual language and religion as one fragment per combination (9 × 9 × 13). */
const LANGUAGE_RELIGION: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(LANGUAGES.length * LANGUAGES.length * RELIGIONS.length);
export function languageReligion(motherTongue: number, usual: number, religion: number): Uint8Array {
  const key = (motherTongue * LANGUAGES.length + usual) * RELIGIONS.length + religion;
  return (LANGUAGE_RELIGION[key] ??= concatBytes([FRAGMENTS.mother_tongue.of[motherTongue]!, FRAGMENTS.language_usually_spoken.of[usual]!, FRAGMENTS.religion.of[religion]!]));
}

/** Marital status, education, employment, inactivity reason and sector (each may be null, -1) as one fragment. */
const STATUS_SETS = [
  FRAGMENTS.marital_status,
  FRAGMENTS.education_level,
  FRAGMENTS.employment_status,
  FRAGMENTS.inactivity_reason,
  FRAGMENTS.economic_sector,
] as const;
const STATUS_FRAGMENTS: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(
  STATUS_SETS.reduce((product, set) => product * (set.of.length + 1), 1),
);
/** The five statuses as one mixed-radix number: each index is -1 (null) .. length-1, +1 makes it a digit. */
export function statusKey(marital: number, education: number, employment: number, inactivity: number, sector: number): number {
  let key = marital + 1;
  key = key * (FRAGMENTS.education_level.of.length + 1) + education + 1;
  key = key * (FRAGMENTS.employment_status.of.length + 1) + employment + 1;
  key = key * (FRAGMENTS.inactivity_reason.of.length + 1) + inactivity + 1;
  return key * (FRAGMENTS.economic_sector.of.length + 1) + sector + 1;
}

export function statusFragment(marital: number, education: number, employment: number, inactivity: number, sector: number): Uint8Array {
  const key = statusKey(marital, education, employment, inactivity, sector);
  return (STATUS_FRAGMENTS[key] ??= concatBytes([
    pick(FRAGMENTS.marital_status, marital),
    pick(FRAGMENTS.education_level, education),
    pick(FRAGMENTS.employment_status, employment),
    pick(FRAGMENTS.inactivity_reason, inactivity),
    pick(FRAGMENTS.economic_sector, sector),
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
