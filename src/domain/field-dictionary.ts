/**
 * The field dictionary: for every field of the persona record (nested ones by dotted path), its
 * type, meaning, universe, codes and how it is produced. The one source for the `description` of
 * `PersonaSchema` in the OpenAPI document, for docs/fields.md and for every run's dataset card
 * (decision 0011). test/unit/domain/field-dictionary.test.ts holds it to the schema in both
 * directions and its table ids to `src/census/table-specs.ts`.
 *
 * The "produced" texts summarise docs/method.md §1-§3 and docs/data.md; they name no figure that
 * is not there. This is a data table, which is why it runs past the usual module length.
 */
import type { CategoricalField } from './categories.js';
import { FIELD_MIN_AGE, type ComparedField } from './fields.js';

/**
 * How a field comes about:
 * - `identifier`: made by the generator to name and order records, not a statistic;
 * - `calibrated`: drawn from the census-calibrated model, fitted to the official tables named
 *   (the structure no table publishes is modelled, and said so);
 * - `derived`: a function of another field of the same record;
 * - `synthetic`: invented for realism, with no official figure behind it (or only a few);
 * - `record`: bookkeeping about how another field was made.
 */
export const PRODUCTION_CLASSES = ['identifier', 'calibrated', 'derived', 'synthetic', 'record'] as const;
export type ProductionClass = (typeof PRODUCTION_CLASSES)[number];

export interface FieldEntry {
  /** The field's key, nested fields by dotted path (`traits.openness`). */
  readonly path: string;
  /** The JSON type as the record writes it (`| null` when the field can be null). */
  readonly type: string;
  readonly meaning: string;
  /** Who has a value; the rest have null (or, for optional objects, no key). */
  readonly universe: string;
  /** The youngest age at which the field is not null (`FIELD_MIN_AGE`); null when no age rule applies. */
  readonly min_age: number | null;
  /** The categorical field whose codes (and Romanian labels) the value takes; null when not a code. */
  readonly codes: CategoricalField | null;
  readonly production: ProductionClass;
  /** How the value is produced, in one or two sentences. */
  readonly produced: string;
  /** Official and secondary tables (NBS) that constrain or check the field, by table id. */
  readonly source_tables: readonly string[];
  /** Modelled tables (documented assumptions) that shape it, by table id. */
  readonly modelled_tables: readonly string[];
}

type Entry = Omit<FieldEntry, 'min_age' | 'universe' | 'source_tables' | 'modelled_tables' | 'codes'> & {
  readonly universe?: string;
  readonly codes?: CategoricalField;
  readonly source_tables?: readonly string[];
  readonly modelled_tables?: readonly string[];
};

const EVERYONE = 'every record';

/** A compared field: its codes, and its universe from `FIELD_MIN_AGE` unless a narrower one is given. */
function compared(field: ComparedField, entry: Omit<Entry, 'path' | 'codes'>): FieldEntry {
  const minAge = FIELD_MIN_AGE[field];
  return {
    path: field,
    min_age: minAge,
    codes: field,
    source_tables: [],
    modelled_tables: [],
    ...entry,
    universe: entry.universe ?? (minAge === 0 ? EVERYONE : `persons aged ${minAge}+; null below ${minAge}`),
  };
}

function other(entry: Entry): FieldEntry {
  const { codes, ...rest } = entry;
  return { min_age: null, source_tables: [], modelled_tables: [], universe: EVERYONE, codes: codes ?? null, ...rest };
}

const TRAIT_MEANINGS = {
  openness: 'Openness to experience',
  conscientiousness: 'Conscientiousness',
  extraversion: 'Extraversion',
  agreeableness: 'Agreeableness',
  neuroticism: 'Neuroticism',
} as const;

const traitEntry = (name: keyof typeof TRAIT_MEANINGS): FieldEntry =>
  other({
    path: `traits.${name}`,
    type: 'number',
    meaning: `${TRAIT_MEANINGS[name]} (Big Five), as a T-score 20..80 with one decimal (CSV and Parquet column \`traits_${name}\`).`,
    universe: 'records with `traits`',
    production: 'synthetic',
    produced: 'Drawn independently for each trait as 50 + 10·z (z standard normal), clipped to 20..80: unrelated to every other field and to any Moldovan measurement.',
  });

const SECTION_MEANINGS = {
  descriere_generala: 'General description: who the person is, where they live, family and daily life',
  profil_profesional: 'Professional profile: school, studies or work, as the person\'s status allows',
  hobby_sport: 'Sport and physical activity',
  hobby_arta_cultura: 'Interest in music, reading, traditions and the arts',
  hobby_calatorii: 'Travel made or wished for',
  hobby_culinar: 'Favourite food and cooking habits',
  career_goals_and_ambitions: 'Plans and ambitions fitting the person\'s age and status',
  persona_summary: 'A one-sentence summary',
} as const;

const sectionEntry = (key: keyof typeof SECTION_MEANINGS): FieldEntry =>
  other({
    path: `narrative.sections.${key}`,
    type: 'string',
    meaning: `${SECTION_MEANINGS[key]}, in Romanian.`,
    universe: 'narratives with `sections`',
    production: 'synthetic',
    produced: 'Fiction written from the record\'s own fields, by the template provider or an LLM; checked against the narrative contract (length, Romanian, pronouns, the name, no contradiction) and for personal data.',
  });

export const FIELD_DICTIONARY: readonly FieldEntry[] = [
  other({
    path: 'id',
    type: 'string (uuid)',
    meaning: 'Identifier of the record: an RFC 9562 version-8 UUID, unique within the dataset.',
    production: 'identifier',
    produced: 'Derived from the first 64 bits of the run\'s config_hash and the index: the same request gives the same ids, two datasets share none (decision 0008).',
  }),
  other({
    path: 'index',
    type: 'integer',
    meaning: 'Position of the record in the dataset, 0..n−1.',
    production: 'identifier',
    produced: 'The people are allocated in cell order, then shuffled with a seeded Fisher–Yates shuffle, so the order carries no structure.',
  }),
  other({
    path: 'given_name',
    type: 'string',
    meaning: 'Given name, in Latin script as the Moldovan civil registry writes names.',
    production: 'synthetic',
    produced:
      'Drawn from curated lists by ethnicity, sex and birth year (2024 − age) with modelled weights by rank; the only published figures behind them are six counts of 2024 newborn names (Agenția Servicii Publice, as reported in the press). Any match with a real person is chance.',
  }),
  other({
    path: 'family_name',
    type: 'string',
    meaning: 'Family name, in Latin script; feminine forms where the language inflects the name.',
    production: 'synthetic',
    produced: 'Drawn from curated lists per ethnicity with modelled weights by rank, independent of age; no official surname frequencies exist in the sources. Any match with a real person is chance.',
  }),
  compared('sex', {
    type: 'string (code)',
    meaning: 'Sex, as counted by the 2024 census.',
    production: 'calibrated',
    produced: 'A dimension of the calibrated key joint (district × area × sex × ethnicity × age): fitted to the census sex counts by unit (derived from the published sex ratios); the female share by age comes from PxWeb when the snapshot has it, else from a model.',
    source_tables: ['sex_by_district', 'elderly_60plus_by_sex', 'sex'],
    modelled_tables: ['sex_by_age_modelled'],
  }),
  // `age` is not a compared field (its band is); its universe is every record.
  other({
    path: 'age',
    type: 'integer',
    meaning: 'Age in completed years, 0..100.',
    production: 'calibrated',
    produced:
      'A dimension of the key joint: the census 2024 broad age groups by unit and by area are margins, the single-age shape within each group comes from the 1 January 2024 estimate; single ages within 85+ are modelled (geometric, ratio 0.8 a year).',
    source_tables: ['district_by_broad_age', 'residence_by_broad_age', 'age_single'],
    modelled_tables: ['age_85_plus_modelled'],
  }),
  compared('age_group', {
    type: 'string (code)',
    meaning: 'Five-year age band of `age` (the last band is 85+).',
    production: 'derived',
    produced: 'Computed from `age`.',
  }),
  compared('region', {
    type: 'string (code)',
    meaning: 'Development region as used by NBS (`chisinau` is the municipality, `gagauzia` the UTA).',
    production: 'derived',
    produced: 'Follows from `district`; checked against the census population by region.',
    source_tables: ['region'],
  }),
  compared('district', {
    type: 'string (code)',
    meaning: 'Second-level administrative unit enumerated by the 2024 census: mun. Chișinău, mun. Bălți, the 32 raions or UTA Găgăuzia.',
    production: 'calibrated',
    produced: 'A dimension of the key joint, fitted to the census usual residents by unit and area.',
    source_tables: ['district_by_residence', 'district'],
  }),
  compared('residence', {
    type: 'string (code)',
    meaning: 'Area of residence as the census counts it: urban (towns and municipalities as localities) or rural.',
    production: 'calibrated',
    produced: 'A dimension of the key joint, fitted to the census usual residents by unit and area (which carry the urban share of every unit).',
    source_tables: ['district_by_residence', 'residence_by_broad_age', 'residence'],
  }),
  compared('ethnicity', {
    type: 'string (code)',
    meaning: 'Declared ethnicity, census 2024 categories (`not_declared` when none was declared).',
    production: 'calibrated',
    produced:
      'A dimension of the key joint. Ethnicity by unit is not published: its unit × area margin is derived by a fit of the census mother tongue by unit, ethnicity by area and mother tongue by ethnicity (with the eight preliminary region cells as soft constraints), and an age effect from an unverified age profile shapes the prior.',
    source_tables: ['mother_tongue_by_district', 'ethnicity_by_residence', 'mother_tongue_by_ethnicity', 'ethnicity_by_region_partial', 'ethnicity_age_profile', 'ethnicity'],
  }),
  compared('mother_tongue', {
    type: 'string (code)',
    meaning: 'Mother tongue as declared at the 2024 census (Moldovan and Romanian are counted apart).',
    production: 'calibrated',
    produced: 'Drawn given unit, area and ethnicity from a table fitted to the census mother tongue by unit, the national counts and mother tongue by ethnicity; the Moldovan/Romanian split within each ethnicity and the area split within a unit are modelled.',
    source_tables: ['mother_tongue_by_district', 'mother_tongue', 'mother_tongue_by_ethnicity'],
  }),
  compared('language_usually_spoken', {
    type: 'string (code)',
    meaning: 'Language the person usually speaks (census 2024 question), in the mother-tongue categories.',
    production: 'calibrated',
    produced: 'Drawn given unit, area and mother tongue from a modelled table (80% speak their mother tongue, the rest the mother tongues of their place), raked to the published national distribution; no cross-tab is published.',
    source_tables: ['language_usually_spoken'],
  }),
  compared('religion', {
    type: 'string (code)',
    meaning: 'Religious affiliation, the 13 census 2024 categories (incl. no religion, free-thinker/agnostic/atheist, not declared).',
    production: 'calibrated',
    produced: 'Drawn given unit and ethnicity from a table fitted to the census religion by unit and the named religions within each ethnicity; the ethnic split within a unit is modelled.',
    source_tables: ['religion_by_district', 'religion_by_ethnicity', 'religion'],
  }),
  compared('marital_status', {
    type: 'string (code) | null',
    meaning: 'Legal marital status, census 2024 categories (there is no "separated").',
    production: 'calibrated',
    produced: 'Drawn given sex and exact age from a modelled age schedule raked to the census 15+ distribution; only the 15+ total is published, so the sex × age structure is modelled.',
    source_tables: ['marital_status_15plus'],
    modelled_tables: ['marital_by_sex_age_modelled'],
  }),
  compared('education_level', {
    type: 'string (code) | null',
    meaning: 'Highest completed education level, in the census 2024 grouping (each group\'s ISCED 2011 levels are in src/domain/categories.ts).',
    production: 'calibrated',
    produced:
      'Drawn given unit, area, sex and age: a modelled final level per cohort spread by school timing, fitted to the census 10+ structure, the published urban/rural cells, tertiary shares of five units and the sex shares within three levels; the age structure and the level of the 30 raions with no published figure are modelled.',
    source_tables: ['education_10plus', 'education_10plus_by_residence_partial', 'education_tertiary_by_district_partial', 'education_sex_within_level'],
    modelled_tables: ['education_by_age_modelled'],
  }),
  compared('employment_status', {
    type: 'string (code) | null',
    meaning: 'Labour-force status by the ILO definitions, as in the Labour Force Survey 2024 (employed, unemployed, inactive).',
    production: 'calibrated',
    produced:
      'Drawn given sex, age, area and region from a modelled age profile raked to the LFS 2024 figures (status 15+, employment rates 20-64 by sex and area, youth 15-34, the unemployed by age and sex, the employed by region). The LFS figures are survey estimates on the 2014 census base.',
    source_tables: ['labour_status_15plus', 'lfs_employment_rates', 'lfs_youth_15_34_status', 'lfs_unemployed_by_age_sex', 'employed_by_region'],
    modelled_tables: ['employment_by_sex_age_modelled'],
  }),
  compared('inactivity_reason', {
    type: 'string (code) | null',
    meaning: 'Reason for being outside the labour force (LFS 2024 grouping).',
    universe: 'inactive persons (employment_status `inactive`); null otherwise',
    production: 'calibrated',
    produced: 'Drawn given age from a modelled age profile raked to the LFS 2024 reasons and to the share of students among the inactive 15-34.',
    source_tables: ['inactivity_reason', 'lfs_youth_15_34_status'],
    modelled_tables: ['inactivity_by_age_modelled'],
  }),
  compared('economic_sector', {
    type: 'string (code) | null',
    meaning: 'Economic sector of the employed, four broad LFS groups.',
    universe: 'employed persons (employment_status `employed`); null otherwise',
    production: 'calibrated',
    produced: 'Drawn given area and sex from a modelled table raked to the LFS 2024 national sector distribution; the whole area × sex structure is modelled (no cross-tab is published).',
    source_tables: ['economic_sector'],
    modelled_tables: ['sector_by_residence_sex_modelled'],
  }),
  other({
    path: 'traits',
    type: 'object',
    meaning: 'Big Five personality traits as T-scores; the key is present only when the request asked for `traits`.',
    universe: 'records of a run with `traits: true`; absent otherwise',
    production: 'synthetic',
    produced: 'Five independent draws (see the sub-fields); no Moldovan personality data are used.',
  }),
  traitEntry('openness'),
  traitEntry('conscientiousness'),
  traitEntry('extraversion'),
  traitEntry('agreeableness'),
  traitEntry('neuroticism'),
  other({
    path: 'narrative',
    type: 'object',
    meaning: 'Romanian prose about the person, in eight sections, with how it was made; a narrative with personal data is never served.',
    universe: 'records of a run with narratives (provider `template` or `llm`) that the provider answered for; absent otherwise',
    production: 'synthetic',
    produced: 'Written by the provider the request names, then checked (docs/narratives.md); CSV and Parquet hold it as one JSON text cell.',
  }),
  other({
    path: 'narrative.status',
    type: 'string (code)',
    meaning: '`generated` (LLM text that passed every check), `template` (template text that passed), `failed` (a check failed or the provider could not answer) or `withheld` (personal data found).',
    universe: 'records with `narrative`',
    production: 'record',
    produced: 'Set by the narrative checks.',
  }),
  other({
    path: 'narrative.source',
    type: 'string (code)',
    meaning: 'Who wrote it: `template` or `llm`.',
    universe: 'records with `narrative`',
    production: 'record',
    produced: 'The request\'s narrative provider.',
  }),
  other({
    path: 'narrative.prompt_version',
    type: 'string | null',
    meaning: 'Version of the template wording or the LLM prompt (`ro-template-v1`, `ro-v1`).',
    universe: 'records with `narrative`',
    production: 'record',
    produced: 'The provider\'s version label.',
  }),
  other({
    path: 'narrative.sections',
    type: 'object',
    meaning: 'The eight sections of the narrative.',
    universe: 'narratives with status `generated` or `template`; absent otherwise',
    production: 'synthetic',
    produced: 'See the sections.',
  }),
  sectionEntry('descriere_generala'),
  sectionEntry('profil_profesional'),
  sectionEntry('hobby_sport'),
  sectionEntry('hobby_arta_cultura'),
  sectionEntry('hobby_calatorii'),
  sectionEntry('hobby_culinar'),
  sectionEntry('career_goals_and_ambitions'),
  sectionEntry('persona_summary'),
  other({
    path: 'narrative.reasons',
    type: 'array of string',
    meaning: 'Why a narrative failed or was withheld: reason codes (the gate codes of docs/trust.md), never the text.',
    universe: 'narratives with status `failed` or `withheld`; absent otherwise',
    production: 'record',
    produced: 'Set by the narrative checks.',
  }),
];

const BY_PATH: ReadonlyMap<string, FieldEntry> = new Map(FIELD_DICTIONARY.map((entry) => [entry.path, entry]));

/** The entry of a field by dotted path; throws for a path the dictionary lacks (a new field needs its entry). */
export function fieldEntry(path: string): FieldEntry {
  const entry = BY_PATH.get(path);
  if (entry === undefined) throw new Error(`field dictionary: no entry for ${path}`);
  return entry;
}

/** The schema description of a field: its meaning, and who has a value when not everyone does. */
export function fieldDescription(path: string): string {
  const entry = fieldEntry(path);
  return entry.universe === EVERYONE ? entry.meaning : `${entry.meaning} Present for: ${entry.universe}.`;
}
