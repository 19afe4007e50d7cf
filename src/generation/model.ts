/**
 * The generation model of one (snapshot, use_ipf) pair: the calibrated key joint, the raked
 * conditional tables, and what they imply for every field in each output universe. Built once and
 * memoised by snapshot hash; a run only restricts it to its scope and allocates n people.
 */
import type { InputSnapshot } from '../census/census-table.js';
import { ADULT_MIN_AGE, type Scope } from '../domain/request.js';
import { DISTRICT_REGION_INDEX, ETHNICITIES, SEXES } from '../domain/categories.js';
import { FIELD_MIN_AGE } from '../domain/fields.js';
import {
  calibrateKeyJoint,
  DEFAULT_CALIBRATION,
  SUBFIT_OPTIONS,
  subFitOf,
  withSubFits,
  type CalibrationDiagnostics,
  type CalibrationOptions,
} from './calibration.js';
import {
  buildConditionals,
  EDUCATION_ROWS,
  educationRow,
  EMPLOYMENT_ROWS,
  employmentRow,
  unitEthnicityRow,
  unitResidenceEthnicityRow,
  type ConditionalTables,
  type PopulationMasses,
  type SubFitLog,
} from './conditionals.js';
import { fitEthnolinguistic } from './ethnolinguistic.js';
import { fitReligionByUnit } from './religion-by-unit.js';
import { KEY_CELL_COUNT, KEY_DIMENSIONS, keyCellIndexes } from './key-joint.js';
import { samplingTablesOf, type SamplingTables } from './sampling-tables.js';

export interface GenerationModel {
  readonly snapshotHash: string;
  readonly useIpf: boolean;
  readonly calibration: CalibrationDiagnostics;
  /** Key joint the sample is drawn from (calibrated, or the prior when IPF is off), persons, all ages. */
  readonly joint: Float64Array;
  /** The calibrated key joint, always: the census's best estimate, from which targets are derived. */
  readonly calibratedJoint: Float64Array;
  /** Conditionals the sample is drawn with (raked, or the raw priors when IPF is off). */
  readonly conditionals: ConditionalTables;
  /** Raked conditionals, always (for targets). */
  readonly calibratedConditionals: ConditionalTables;
  readonly sampling: SamplingTables;
}

export function minAgeOf(scope: Scope): number {
  return scope === 'adults' ? ADULT_MIN_AGE : 0;
}

export function populationMasses(joint: Float64Array): PopulationMasses {
  const indexes = keyCellIndexes();
  const ethnicity = new Float64Array(ETHNICITIES.length);
  const age = new Float64Array(KEY_DIMENSIONS.age);
  const sexAge = new Float64Array(SEXES.length * KEY_DIMENSIONS.age);
  const unitResidenceEthnicity = new Float64Array(KEY_DIMENSIONS.district * KEY_DIMENSIONS.residence * KEY_DIMENSIONS.ethnicity);
  const unitEthnicity = new Float64Array(KEY_DIMENSIONS.district * KEY_DIMENSIONS.ethnicity);
  const education = new Float64Array(EDUCATION_ROWS);
  const employment = new Float64Array(EMPLOYMENT_ROWS);
  for (let c = 0; c < KEY_CELL_COUNT; c += 1) {
    const mass = joint[c]!;
    if (mass === 0) continue;
    const [d, r, s, e, a] = [indexes.district[c]!, indexes.residence[c]!, indexes.sex[c]!, indexes.ethnicity[c]!, indexes.age[c]!];
    ethnicity[e]! += mass;
    age[a]! += mass;
    sexAge[s * KEY_DIMENSIONS.age + a]! += mass;
    unitResidenceEthnicity[unitResidenceEthnicityRow(d, r, e)]! += mass;
    unitEthnicity[unitEthnicityRow(d, e)]! += mass;
    if (a >= FIELD_MIN_AGE.education_level) education[educationRow(d, r, s, a)]! += mass;
    if (a >= FIELD_MIN_AGE.employment_status) employment[employmentRow(s, a, r, DISTRICT_REGION_INDEX[d]!)]! += mass;
  }
  return { ethnicity, age, sexAge, unitResidenceEthnicity, unitEthnicity, education, employment };
}

/**
 * Builds the model. Pure and deterministic; costs a few seconds (the sub-fits and IPF over 108k
 * cells), paid once per snapshot. Order: the ethnolinguistic fit (census tables only) gives the
 * key joint its unit × area × ethnicity margin; the key joint's masses are the rows of the
 * religion, education and labour fits.
 */
export function buildGenerationModel(
  snapshot: InputSnapshot,
  options: CalibrationOptions = DEFAULT_CALIBRATION,
): GenerationModel {
  const ethnolinguistic = fitEthnolinguistic(snapshot.tables, SUBFIT_OPTIONS);
  const firstFits = [subFitOf('ethnolinguistic', ethnolinguistic.fit)];
  const keyOnly = calibrateKeyJoint(snapshot.tables, options, ethnolinguistic.unitEthnicity);
  const masses = populationMasses(keyOnly.calibrated);
  const religion = fitReligionByUnit(snapshot.tables, masses.unitEthnicity, SUBFIT_OPTIONS);
  const log: SubFitLog = [];
  const calibratedConditionals = buildConditionals(snapshot.tables, masses, { motherTongue: ethnolinguistic.motherTongue, religion: religion.religion }, log);
  const subFits = [...firstFits, subFitOf('religion', religion.fit), ...log.map((entry) => subFitOf(entry.name, entry.fit))];
  const calibrated = withSubFits(keyOnly, subFits);
  const conditionals = options.useIpf ? calibratedConditionals : buildConditionals(snapshot.tables, masses, null);
  return {
    snapshotHash: snapshot.snapshot_hash,
    useIpf: options.useIpf,
    calibration: calibrated.diagnostics,
    joint: calibrated.joint,
    calibratedJoint: calibrated.calibrated,
    conditionals,
    calibratedConditionals,
    sampling: samplingTablesOf(conditionals),
  };
}

const cache = new Map<string, GenerationModel>();
const CACHE_LIMIT = 4;

/** IPF's stopping rule (IPF_TOLERANCE, IPF_MAX_ITERATIONS); the defaults converge on the shipped snapshot. */
export type IpfSettings = Pick<CalibrationOptions, 'tolerance' | 'maxIterations'>;

/**
 * `buildGenerationModel`, memoised by (snapshot hash, use_ipf, IPF settings): calibration runs
 * once per snapshot.
 */
export function generationModelFor(snapshot: InputSnapshot, useIpf: boolean, ipf: IpfSettings = DEFAULT_CALIBRATION): GenerationModel {
  const key = `${snapshot.snapshot_hash}|${useIpf}|${ipf.tolerance}|${ipf.maxIterations}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const model = buildGenerationModel(snapshot, { useIpf, tolerance: ipf.tolerance, maxIterations: ipf.maxIterations });
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, model);
  return model;
}

const scopedCache = new WeakMap<Float64Array, Map<Scope, Float64Array>>();

/** The joint restricted to a scope (cells under the minimum age set to zero); memoised per joint. */
export function scopedJoint(joint: Float64Array, scope: Scope): Float64Array {
  const minAge = minAgeOf(scope);
  if (minAge === 0) return joint;
  let byScope = scopedCache.get(joint);
  if (!byScope) {
    byScope = new Map();
    scopedCache.set(joint, byScope);
  }
  let scoped = byScope.get(scope);
  if (!scoped) {
    const ages = keyCellIndexes().age;
    scoped = joint.map((mass, c) => (ages[c]! >= minAge ? mass : 0));
    byScope.set(scope, scoped);
  }
  return scoped;
}
