/**
 * Every enumerated value of the persona record, in one place: stable lowercase ASCII codes (the
 * wire values) with their Romanian display labels. Types, zod enums, OpenAPI enums,
 * `GET /v1/schema/labels` and the docs all derive from these arrays; output order always follows
 * them, never the key order of outside data.
 *
 * This is a data table, which is why it runs past the usual module length.
 */
import type { ComparedField } from './fields.js';

/** A code with its Romanian label (and, where useful, the census label it maps from). */
export interface Category<Code extends string = string> {
  readonly code: Code;
  readonly label_ro: string;
}

function codesOf<const C extends readonly Category[]>(table: C): { readonly [K in keyof C]: C[K]['code'] } {
  return table.map((entry) => entry.code) as { readonly [K in keyof C]: C[K]['code'] };
}

export const SEX_CATEGORIES = [
  { code: 'female', label_ro: 'Feminin' },
  { code: 'male', label_ro: 'Masculin' },
] as const satisfies readonly Category[];
export const SEXES = codesOf(SEX_CATEGORIES);
export type Sex = (typeof SEXES)[number];

/** Development regions as used by NBS; `chisinau` is the municipality, `gagauzia` the UTA. */
export const REGION_CATEGORIES = [
  { code: 'chisinau', label_ro: 'Mun. Chișinău' },
  { code: 'nord', label_ro: 'Nord' },
  { code: 'centru', label_ro: 'Centru' },
  { code: 'sud', label_ro: 'Sud' },
  { code: 'gagauzia', label_ro: 'UTA Găgăuzia' },
] as const satisfies readonly Category[];
export const REGIONS = codesOf(REGION_CATEGORIES);
export type Region = (typeof REGIONS)[number];

export interface DistrictCategory extends Category {
  readonly region: Region;
  /** NBS statistical code of the unit (CUATM level-2 code as printed in the census annexes). */
  readonly nbs_code: string;
}

/**
 * The 35 second-level units enumerated by the 2024 census (mun. Chișinău, mun. Bălți, 32 raions,
 * UTA Găgăuzia), grouped by development region in NBS order (annex tables 5.29 / 8.3).
 */
export const DISTRICT_CATEGORIES = [
  { code: 'chisinau', label_ro: 'Mun. Chișinău', region: 'chisinau', nbs_code: '0100000' },
  { code: 'balti', label_ro: 'Mun. Bălți', region: 'nord', nbs_code: '0300000' },
  { code: 'briceni', label_ro: 'Briceni', region: 'nord', nbs_code: '1400000' },
  { code: 'donduseni', label_ro: 'Dondușeni', region: 'nord', nbs_code: '3400000' },
  { code: 'drochia', label_ro: 'Drochia', region: 'nord', nbs_code: '3600000' },
  { code: 'edinet', label_ro: 'Edineț', region: 'nord', nbs_code: '4100000' },
  { code: 'falesti', label_ro: 'Fălești', region: 'nord', nbs_code: '4300000' },
  { code: 'floresti', label_ro: 'Florești', region: 'nord', nbs_code: '4500000' },
  { code: 'glodeni', label_ro: 'Glodeni', region: 'nord', nbs_code: '4800000' },
  { code: 'ocnita', label_ro: 'Ocnița', region: 'nord', nbs_code: '6200000' },
  { code: 'riscani', label_ro: 'Rîșcani', region: 'nord', nbs_code: '7100000' },
  { code: 'singerei', label_ro: 'Sîngerei', region: 'nord', nbs_code: '7400000' },
  { code: 'soroca', label_ro: 'Soroca', region: 'nord', nbs_code: '7800000' },
  { code: 'anenii_noi', label_ro: 'Anenii Noi', region: 'centru', nbs_code: '1000000' },
  { code: 'calarasi', label_ro: 'Călărași', region: 'centru', nbs_code: '2500000' },
  { code: 'criuleni', label_ro: 'Criuleni', region: 'centru', nbs_code: '3100000' },
  { code: 'dubasari', label_ro: 'Dubăsari', region: 'centru', nbs_code: '3800000' },
  { code: 'hincesti', label_ro: 'Hîncești', region: 'centru', nbs_code: '5300000' },
  { code: 'ialoveni', label_ro: 'Ialoveni', region: 'centru', nbs_code: '5500000' },
  { code: 'nisporeni', label_ro: 'Nisporeni', region: 'centru', nbs_code: '6000000' },
  { code: 'orhei', label_ro: 'Orhei', region: 'centru', nbs_code: '6400000' },
  { code: 'rezina', label_ro: 'Rezina', region: 'centru', nbs_code: '6700000' },
  { code: 'straseni', label_ro: 'Strășeni', region: 'centru', nbs_code: '8000000' },
  { code: 'soldanesti', label_ro: 'Șoldănești', region: 'centru', nbs_code: '8300000' },
  { code: 'telenesti', label_ro: 'Telenești', region: 'centru', nbs_code: '8900000' },
  { code: 'ungheni', label_ro: 'Ungheni', region: 'centru', nbs_code: '9200000' },
  { code: 'basarabeasca', label_ro: 'Basarabeasca', region: 'sud', nbs_code: '1200000' },
  { code: 'cahul', label_ro: 'Cahul', region: 'sud', nbs_code: '1700000' },
  { code: 'cantemir', label_ro: 'Cantemir', region: 'sud', nbs_code: '2100000' },
  { code: 'causeni', label_ro: 'Căușeni', region: 'sud', nbs_code: '2700000' },
  { code: 'cimislia', label_ro: 'Cimișlia', region: 'sud', nbs_code: '2900000' },
  { code: 'leova', label_ro: 'Leova', region: 'sud', nbs_code: '5700000' },
  { code: 'stefan_voda', label_ro: 'Ștefan Vodă', region: 'sud', nbs_code: '8500000' },
  { code: 'taraclia', label_ro: 'Taraclia', region: 'sud', nbs_code: '8700000' },
  { code: 'gagauzia', label_ro: 'UTA Găgăuzia', region: 'gagauzia', nbs_code: '9600000' },
] as const satisfies readonly DistrictCategory[];
export const DISTRICTS = codesOf(DISTRICT_CATEGORIES);
export type District = (typeof DISTRICTS)[number];

export const RESIDENCE_CATEGORIES = [
  { code: 'urban', label_ro: 'Urban' },
  { code: 'rural', label_ro: 'Rural' },
] as const satisfies readonly Category[];
export const RESIDENCES = codesOf(RESIDENCE_CATEGORIES);
export type Residence = (typeof RESIDENCES)[number];

/** Declared ethnicity, census 2024 categories (`other` = Alte etnii). */
export const ETHNICITY_CATEGORIES = [
  { code: 'moldovan', label_ro: 'Moldovean' },
  { code: 'romanian', label_ro: 'Român' },
  { code: 'ukrainian', label_ro: 'Ucrainean' },
  { code: 'russian', label_ro: 'Rus' },
  { code: 'gagauz', label_ro: 'Găgăuz' },
  { code: 'bulgarian', label_ro: 'Bulgar' },
  { code: 'roma', label_ro: 'Rrom' },
  { code: 'other', label_ro: 'Altă etnie' },
  { code: 'not_declared', label_ro: 'Nedeclarată' },
] as const satisfies readonly Category[];
export const ETHNICITIES = codesOf(ETHNICITY_CATEGORIES);
export type Ethnicity = (typeof ETHNICITIES)[number];

/** Languages (mother tongue, language usually spoken). The census counts Moldovan and Romanian apart. */
export const LANGUAGE_CATEGORIES = [
  { code: 'moldovan', label_ro: 'Moldovenească' },
  { code: 'romanian', label_ro: 'Română' },
  { code: 'russian', label_ro: 'Rusă' },
  { code: 'gagauz', label_ro: 'Găgăuză' },
  { code: 'ukrainian', label_ro: 'Ucraineană' },
  { code: 'bulgarian', label_ro: 'Bulgară' },
  { code: 'romani', label_ro: 'Romani (Țigănească)' },
  { code: 'other', label_ro: 'Altă limbă' },
  { code: 'not_declared', label_ro: 'Nedeclarată' },
] as const satisfies readonly Category[];
export const LANGUAGES = codesOf(LANGUAGE_CATEGORIES);
export type Language = (typeof LANGUAGES)[number];

/** Religious affiliation, the 13 census 2024 categories (annex tables 5.29 / 5.30). */
export const RELIGION_CATEGORIES = [
  { code: 'orthodox', label_ro: 'Ortodoxă' },
  { code: 'baptist', label_ro: 'Baptistă' },
  { code: 'jehovahs_witness', label_ro: 'Martorii lui Iehova' },
  { code: 'pentecostal', label_ro: 'Penticostală' },
  { code: 'adventist', label_ro: 'Adventistă' },
  { code: 'evangelical', label_ro: 'Creștină după Evanghelie' },
  { code: 'old_believer', label_ro: 'Ortodoxă Rusă de rit vechi (staroveri)' },
  { code: 'islam', label_ro: 'Islam' },
  { code: 'catholic', label_ro: 'Romano-catolică' },
  { code: 'other', label_ro: 'Altă religie' },
  { code: 'atheist_agnostic', label_ro: 'Liber cugetător, agnostic sau ateu' },
  { code: 'none', label_ro: 'Fără religie' },
  { code: 'not_declared', label_ro: 'Nedeclarată' },
] as const satisfies readonly Category[];
export const RELIGIONS = codesOf(RELIGION_CATEGORIES);
export type Religion = (typeof RELIGIONS)[number];

/** Legal marital status, 15+ (census 2024 has no "separated" category). */
export const MARITAL_STATUS_CATEGORIES = [
  { code: 'never_married', label_ro: 'Niciodată căsătorit(ă)' },
  { code: 'married', label_ro: 'Căsătorit(ă)' },
  { code: 'widowed', label_ro: 'Văduv(ă)' },
  { code: 'divorced', label_ro: 'Divorțat(ă)' },
] as const satisfies readonly Category[];
export const MARITAL_STATUSES = codesOf(MARITAL_STATUS_CATEGORIES);
export type MaritalStatus = (typeof MARITAL_STATUSES)[number];

/**
 * Completed education, 10+, in the census 2024 grouping, with the ISCED 2011 levels each covers.
 * `vocational` is the census "profesional tehnic" group (secondary vocational and post-secondary
 * specialised), which the published figures do not split.
 */
export const EDUCATION_LEVEL_CATEGORIES = [
  { code: 'no_schooling', label_ro: 'Fără școală absolvită', isced: '0' },
  { code: 'primary', label_ro: 'Primar', isced: '1' },
  { code: 'lower_secondary', label_ro: 'Gimnazial', isced: '2' },
  { code: 'upper_secondary', label_ro: 'Liceal / mediu general', isced: '3 (general)' },
  { code: 'vocational', label_ro: 'Profesional tehnic', isced: '3-5 (vocational)' },
  { code: 'tertiary', label_ro: 'Superior', isced: '6-8' },
] as const satisfies readonly (Category & { isced: string })[];
export const EDUCATION_LEVELS = codesOf(EDUCATION_LEVEL_CATEGORIES);
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];

/** ILO labour-force status (LFS), 15+. */
export const EMPLOYMENT_STATUS_CATEGORIES = [
  { code: 'employed', label_ro: 'Ocupat(ă)' },
  { code: 'unemployed', label_ro: 'Șomer(ă)' },
  { code: 'inactive', label_ro: 'Inactiv(ă)' },
] as const satisfies readonly Category[];
export const EMPLOYMENT_STATUSES = codesOf(EMPLOYMENT_STATUS_CATEGORIES);
export type EmploymentStatus = (typeof EMPLOYMENT_STATUSES)[number];

export const INACTIVITY_REASON_CATEGORIES = [
  { code: 'pensioner', label_ro: 'Pensionar(ă)' },
  { code: 'student', label_ro: 'Elev(ă) sau student(ă)' },
  { code: 'family_care', label_ro: 'Îngrijirea familiei / gospodăriei' },
  { code: 'other', label_ro: 'Alt motiv' },
] as const satisfies readonly Category[];
export const INACTIVITY_REASONS = codesOf(INACTIVITY_REASON_CATEGORIES);
export type InactivityReason = (typeof INACTIVITY_REASONS)[number];

export const ECONOMIC_SECTOR_CATEGORIES = [
  { code: 'agriculture', label_ro: 'Agricultură' },
  { code: 'industry', label_ro: 'Industrie' },
  { code: 'construction', label_ro: 'Construcții' },
  { code: 'services', label_ro: 'Servicii' },
] as const satisfies readonly Category[];
export const ECONOMIC_SECTORS = codesOf(ECONOMIC_SECTOR_CATEGORIES);
export type EconomicSector = (typeof ECONOMIC_SECTORS)[number];

/** Five-year age bands with inclusive bounds; the last band is open (85..MAX_AGE). */
export const MAX_AGE = 100;
export const AGE_GROUP_CATEGORIES = [
  { code: '0-4', label_ro: '0-4 ani', min: 0, max: 4 },
  { code: '5-9', label_ro: '5-9 ani', min: 5, max: 9 },
  { code: '10-14', label_ro: '10-14 ani', min: 10, max: 14 },
  { code: '15-19', label_ro: '15-19 ani', min: 15, max: 19 },
  { code: '20-24', label_ro: '20-24 ani', min: 20, max: 24 },
  { code: '25-29', label_ro: '25-29 ani', min: 25, max: 29 },
  { code: '30-34', label_ro: '30-34 ani', min: 30, max: 34 },
  { code: '35-39', label_ro: '35-39 ani', min: 35, max: 39 },
  { code: '40-44', label_ro: '40-44 ani', min: 40, max: 44 },
  { code: '45-49', label_ro: '45-49 ani', min: 45, max: 49 },
  { code: '50-54', label_ro: '50-54 ani', min: 50, max: 54 },
  { code: '55-59', label_ro: '55-59 ani', min: 55, max: 59 },
  { code: '60-64', label_ro: '60-64 ani', min: 60, max: 64 },
  { code: '65-69', label_ro: '65-69 ani', min: 65, max: 69 },
  { code: '70-74', label_ro: '70-74 ani', min: 70, max: 74 },
  { code: '75-79', label_ro: '75-79 ani', min: 75, max: 79 },
  { code: '80-84', label_ro: '80-84 ani', min: 80, max: 84 },
  { code: '85+', label_ro: '85 ani și peste', min: 85, max: MAX_AGE },
] as const satisfies readonly (Category & { min: number; max: number })[];
export const AGE_GROUPS = codesOf(AGE_GROUP_CATEGORIES);
export type AgeGroup = (typeof AGE_GROUPS)[number];

/** The age group code of an age in completed years (0..MAX_AGE). */
export function ageGroupOf(age: number): AgeGroup {
  const index = age >= 85 ? AGE_GROUP_CATEGORIES.length - 1 : Math.floor(age / 5);
  const group = AGE_GROUP_CATEGORIES[index];
  if (group === undefined || age < 0 || age > MAX_AGE || !Number.isInteger(age)) {
    throw new RangeError(`ageGroupOf requires an integer age in 0..${MAX_AGE}, got ${age}`);
  }
  return group.code;
}

/** Each district's development region: by code, and by index in `REGIONS` (for the hot loops). */
export const REGION_OF_DISTRICT: Readonly<Record<District, Region>> = Object.fromEntries(
  DISTRICT_CATEGORIES.map((district) => [district.code, district.region]),
) as Record<District, Region>;
export const DISTRICT_REGION_INDEX: readonly number[] = DISTRICT_CATEGORIES.map((district) => REGIONS.indexOf(district.region));

/**
 * Every categorical persona field with its category table, in record order: the one map from
 * which counts, targets, labels and the census variable domains are derived.
 */
export const FIELD_CATEGORIES = {
  sex: SEX_CATEGORIES,
  age_group: AGE_GROUP_CATEGORIES,
  region: REGION_CATEGORIES,
  district: DISTRICT_CATEGORIES,
  residence: RESIDENCE_CATEGORIES,
  ethnicity: ETHNICITY_CATEGORIES,
  mother_tongue: LANGUAGE_CATEGORIES,
  language_usually_spoken: LANGUAGE_CATEGORIES,
  religion: RELIGION_CATEGORIES,
  marital_status: MARITAL_STATUS_CATEGORIES,
  education_level: EDUCATION_LEVEL_CATEGORIES,
  employment_status: EMPLOYMENT_STATUS_CATEGORIES,
  inactivity_reason: INACTIVITY_REASON_CATEGORIES,
  economic_sector: ECONOMIC_SECTOR_CATEGORIES,
} as const satisfies { readonly [F in ComparedField]: readonly Category[] };
export type CategoricalField = keyof typeof FIELD_CATEGORIES;
export const CATEGORICAL_FIELDS = Object.keys(FIELD_CATEGORIES) as readonly CategoricalField[];

/** The code type of a categorical field (`CodeOf<'sex'>` is `Sex`). */
export type CodeOf<F extends CategoricalField> = (typeof FIELD_CATEGORIES)[F][number]['code'];

/** The codes of every categorical field, in table order. */
export const FIELD_CODES = Object.fromEntries(
  CATEGORICAL_FIELDS.map((field) => [field, FIELD_CATEGORIES[field].map((entry) => entry.code)]),
) as unknown as { readonly [F in CategoricalField]: readonly CodeOf<F>[] };
