/**
 * The generation model of one (snapshot, use_ipf) pair: the calibrated key joint, the raked
 * conditional tables, and what they imply for every field in each output universe. Built once and
 * memoised by snapshot hash; a run only restricts it to its scope and allocates n people.
 */
import type { InputSnapshot } from '../census/census-table.js';
import { ADULT_MIN_AGE, type Scope } from '../domain/request.js';
import { ETHNICITIES, SEXES } from '../domain/categories.js';
import {
  calibrateKeyJoint,
  DEFAULT_CALIBRATION,
  type CalibrationDiagnostics,
  type CalibrationOptions,
} from './calibration.js';
import { buildConditionals, type ConditionalTables, type PopulationMasses } from './conditionals.js';
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
  for (let c = 0; c < KEY_CELL_COUNT; c += 1) {
    const mass = joint[c]!;
    if (mass === 0) continue;
    ethnicity[indexes.ethnicity[c]!]! += mass;
    age[indexes.age[c]!]! += mass;
    sexAge[indexes.sex[c]! * KEY_DIMENSIONS.age + indexes.age[c]!]! += mass;
  }
  return { ethnicity, age, sexAge };
}

/** Builds the model. Pure and deterministic; costs a few hundred ms (IPF over 108k cells). */
export function buildGenerationModel(
  snapshot: InputSnapshot,
  options: CalibrationOptions = DEFAULT_CALIBRATION,
): GenerationModel {
  const calibrated = calibrateKeyJoint(snapshot.tables, options);
  const masses = populationMasses(calibrated.calibrated);
  const calibratedConditionals = buildConditionals(snapshot.tables, masses, true);
  const conditionals = options.useIpf ? calibratedConditionals : buildConditionals(snapshot.tables, masses, false);
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
