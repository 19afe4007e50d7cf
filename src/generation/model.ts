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
  withoutIpf,
  withSubFits,
  type CalibratedJoint,
  type CalibrationDiagnostics,
  type CalibrationOptions,
  type SubFit,
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
 * What the calibrated and the uncalibrated model share: the fits. The uncalibrated model draws
 * from the priors but is judged against the calibrated joint and conditionals, so it needs every
 * fit too; building both from one core halves the cost of a process that serves both.
 */
interface ModelCore {
  readonly snapshotHash: string;
  readonly unitEthnicity: Float64Array;
  readonly raked: CalibratedJoint;
  readonly subFits: readonly SubFit[];
  readonly masses: PopulationMasses;
  readonly calibratedConditionals: ConditionalTables;
}

/**
 * The fits, in order: the ethnolinguistic fit (census tables only) gives the key joint its
 * unit × area × ethnicity margin; the key joint's masses are the rows of the religion, education
 * and labour fits. Pure and deterministic; costs a few seconds (the sub-fits and IPF over 108k cells).
 */
function buildCore(snapshot: InputSnapshot, ipf: IpfSettings): ModelCore {
  const ethnolinguistic = fitEthnolinguistic(snapshot.tables, SUBFIT_OPTIONS);
  const raked = calibrateKeyJoint(snapshot.tables, { ...ipf, useIpf: true }, ethnolinguistic.unitEthnicity);
  const masses = populationMasses(raked.calibrated);
  const religion = fitReligionByUnit(snapshot.tables, masses.unitEthnicity, SUBFIT_OPTIONS);
  const log: SubFitLog = [];
  const calibratedConditionals = buildConditionals(snapshot.tables, masses, { motherTongue: ethnolinguistic.motherTongue, religion: religion.religion }, log);
  const subFits = [subFitOf('ethnolinguistic', ethnolinguistic.fit), subFitOf('religion', religion.fit), ...log.map((entry) => subFitOf(entry.name, entry.fit))];
  return { snapshotHash: snapshot.snapshot_hash, unitEthnicity: ethnolinguistic.unitEthnicity, raked, subFits, masses, calibratedConditionals };
}

/** One variant of a core: drawn from the raked joint and conditionals, or from the priors. */
function modelOf(core: ModelCore, snapshot: InputSnapshot, useIpf: boolean): GenerationModel {
  const keyOnly = useIpf ? core.raked : withoutIpf(core.raked, snapshot.tables, core.unitEthnicity);
  const calibrated = withSubFits(keyOnly, core.subFits);
  const conditionals = useIpf ? core.calibratedConditionals : buildConditionals(snapshot.tables, core.masses, null);
  return {
    snapshotHash: core.snapshotHash,
    useIpf,
    calibration: calibrated.diagnostics,
    joint: calibrated.joint,
    calibratedJoint: calibrated.calibrated,
    conditionals,
    calibratedConditionals: core.calibratedConditionals,
    sampling: samplingTablesOf(conditionals),
  };
}

/** Builds the model. Pure and deterministic (see `buildCore`); `generationModelFor` memoises it. */
export function buildGenerationModel(snapshot: InputSnapshot, options: CalibrationOptions = DEFAULT_CALIBRATION): GenerationModel {
  return modelOf(buildCore(snapshot, options), snapshot, options.useIpf);
}

const CACHE_LIMIT = 4;
const cores = new Map<string, ModelCore>();
const cache = new Map<string, GenerationModel>();

/** IPF's stopping rule (IPF_TOLERANCE, IPF_MAX_ITERATIONS); the defaults converge on the shipped snapshot. */
export type IpfSettings = Pick<CalibrationOptions, 'tolerance' | 'maxIterations'>;

function remember<T>(map: Map<string, T>, key: string, make: () => T): T {
  const hit = map.get(key);
  if (hit) return hit;
  const value = make();
  if (map.size >= CACHE_LIMIT) map.delete(map.keys().next().value as string);
  map.set(key, value);
  return value;
}

/**
 * `buildGenerationModel`, memoised by (snapshot hash, use_ipf, IPF settings): the fits run once
 * per snapshot and IPF settings, whichever variants are asked for.
 */
export function generationModelFor(snapshot: InputSnapshot, useIpf: boolean, ipf: IpfSettings = DEFAULT_CALIBRATION): GenerationModel {
  const coreKey = `${snapshot.snapshot_hash}|${ipf.tolerance}|${ipf.maxIterations}`;
  return remember(cache, `${coreKey}|${useIpf}`, () =>
    modelOf(
      remember(cores, coreKey, () => buildCore(snapshot, ipf)),
      snapshot,
      useIpf,
    ),
  );
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
