/**
 * Worker entry (a thin adapter): parse the task, call the pure generation code, return plain data.
 * Typed arrays travel back with Piscina.move (transferred, not copied). Errors cross the thread
 * boundary as `{ ok: false, code, message }` because structured clone drops an error's class
 * and code (STYLE.md, Errors); the pool side rebuilds the ServiceError.
 */
import { move, Piscina, transferableSymbol, valueSymbol } from 'piscina';
import { z } from 'zod';
import type { InputSnapshot } from '../census/census-table.js';
import { hasErrorCode } from '../errors.js';
import { SCOPES } from '../domain/request.js';
import { WhereSchema } from '../domain/where.js';
import { conditionedSampling } from '../generation/condition.js';
import type { Narrative } from '../domain/persona.js';
import { DEFAULT_CALIBRATION } from '../generation/calibration.js';
import { generationModelFor, type GenerationModel, type IpfSettings } from '../generation/model.js';
import { planCells } from '../generation/plan.js';
import { sampleShard } from '../generation/sampler.js';
import { fieldTargets } from '../generation/field-targets.js';
import { jointTargets } from '../generation/joint-targets.js';
import { pyramidTarget } from '../generation/pyramid.js';
import { narrativeRunStats } from '../narratives/narrative-stats.js';
import { templateNarrative } from '../narratives/providers/template.js';
import { inSharedMemory } from './shared-memory.js';

/**
 * The input snapshot as shared bytes: tasks pass the same SharedArrayBuffer (no copy), and a
 * worker decodes it once per snapshot hash, then builds and keeps its model from it.
 */
const SharedSnapshotSchema = z.object({
  hash: z.string().min(1),
  json: z.instanceof(SharedArrayBuffer),
});
export type SharedSnapshot = z.infer<typeof SharedSnapshotSchema>;

/**
 * A model built by one worker with its typed arrays in shared memory (the `model` task): the
 * pool hands it to every later task, so no other worker builds it again. Checked against the
 * task's snapshot and use_ipf before use.
 */
const SharedModelSchema = z.custom<GenerationModel>(
  (value) => typeof value === 'object' && value !== null && typeof (value as GenerationModel).snapshotHash === 'string' && (value as GenerationModel).joint instanceof Float64Array,
  'a shared generation model',
);

const ModelTaskSchema = z.object({
  kind: z.literal('model'),
  snapshot: SharedSnapshotSchema,
  use_ipf: z.boolean(),
});

const PlanTaskSchema = z.object({
  kind: z.literal('plan'),
  snapshot: SharedSnapshotSchema,
  use_ipf: z.boolean(),
  model: SharedModelSchema.optional(),
  n: z.number().int().min(0),
  seed: z.number().int().min(0).max(0xffffffff),
  scope: z.enum(SCOPES),
  /** The run's condition (canonical), if any: allocation and targets are restricted to it. */
  where: WhereSchema.optional(),
  /** Whether to return the targets (the pool keeps them per snapshot, use_ipf, scope and condition). */
  targets: z.boolean(),
});

const ShardTaskSchema = z.object({
  kind: z.literal('shard'),
  snapshot: SharedSnapshotSchema,
  use_ipf: z.boolean(),
  model: SharedModelSchema.optional(),
  seed: z.number().int().min(0).max(0xffffffff),
  /** The dataset's id key (two 32-bit words of its config_hash). */
  id_key: z.tuple([z.number().int().min(0).max(0xffffffff), z.number().int().min(0).max(0xffffffff)]).readonly(),
  shardIndex: z.number().int().min(0),
  startIndex: z.number().int().min(0),
  cells: z.instanceof(Int32Array),
  /** A spent shard buffer handed back by the pool, to write into (no allocation, no GC churn). */
  reuse: z.instanceof(ArrayBuffer).optional(),
  traits: z.boolean(),
  /** The run's condition: an 85+ person's single age is drawn from the ages it keeps. */
  where: WhereSchema.optional(),
  /** `template` narratives are written in the worker; llm narratives are added by the pipeline. */
  narratives: z.enum(['none', 'template']),
});

/** Builds the model and runs the sampler on throwaway plans, so the first real run is fast. */
const WarmTaskSchema = z.object({
  kind: z.literal('warm'),
  snapshot: SharedSnapshotSchema,
  use_ipf: z.boolean(),
  model: SharedModelSchema.optional(),
  rounds: z.number().int().min(0).max(1000),
});

const TaskSchema = z.discriminatedUnion('kind', [ModelTaskSchema, PlanTaskSchema, ShardTaskSchema, WarmTaskSchema]);
export type WorkerTask = z.input<typeof TaskSchema>;

/** Returns `value` with `buffers` transferred to the pool thread instead of copied. */
function moving(value: object, buffers: ArrayBufferLike[]): unknown {
  return move({ [transferableSymbol]: buffers, [valueSymbol]: value } as Parameters<typeof move>[0]);
}

const snapshots = new Map<string, InputSnapshot>();
function snapshotOf(shared: SharedSnapshot): InputSnapshot {
  let snapshot = snapshots.get(shared.hash);
  if (!snapshot) {
    if (snapshots.size >= 4) snapshots.delete(snapshots.keys().next().value as string);
    snapshot = JSON.parse(Buffer.from(shared.json).toString('utf8')) as InputSnapshot;
    snapshots.set(shared.hash, snapshot);
  }
  return snapshot;
}

/** What the pool gives every worker at start (piscina `workerData`): the IPF stopping rule. */
const WorkerSettingsSchema = z
  .object({ ipf: z.object({ tolerance: z.number().positive(), maxIterations: z.number().int().min(1) }) })
  .partial()
  .optional();
let ipfSettings: IpfSettings | undefined;
function ipf(): IpfSettings {
  ipfSettings ??= WorkerSettingsSchema.parse(Piscina.workerData)?.ipf ?? DEFAULT_CALIBRATION;
  return ipfSettings;
}

/**
 * Models handed over by the pool, by (snapshot hash, use_ipf): the first copy a task brings is
 * kept (later tasks bring clones of the same shared arrays), so per-model memos stay warm.
 */
const adopted = new Map<string, GenerationModel>();
function modelOf(task: z.infer<typeof TaskSchema>, snapshot: InputSnapshot): GenerationModel {
  const key = `${task.snapshot.hash}|${task.use_ipf}`;
  const known = adopted.get(key);
  if (known) return known;
  const given = task.kind === 'model' ? undefined : task.model;
  if (!given) return generationModelFor(snapshot, task.use_ipf, ipf());
  if (given.snapshotHash !== task.snapshot.hash || given.useIpf !== task.use_ipf) {
    throw new Error(`the shared model (${given.snapshotHash}, use_ipf ${given.useIpf}) is not the task's`);
  }
  if (adopted.size >= 4) adopted.delete(adopted.keys().next().value as string);
  adopted.set(key, given);
  return given;
}

function run(task: z.infer<typeof TaskSchema>): unknown {
  const snapshot = snapshotOf(task.snapshot);
  const model = modelOf(task, snapshot);
  if (task.kind === 'model') {
    // Built here once; every other worker gets the shared copy (this one keeps its own).
    return { ok: true, model: inSharedMemory(model) };
  }
  if (task.kind === 'warm') {
    // The JIT optimises the sampler after a few dozen calls; until then a shard runs 2-3x slower.
    for (let round = 0; round < task.rounds; round += 1) {
      const cells = planCells(model, { n: 1000, seed: round, scope: 'all' });
      sampleShard({ seed: round, idKey: [round, 0], shardIndex: 0, startIndex: 0, cells, tables: model.sampling, traits: false });
    }
    return { ok: true };
  }
  if (task.kind === 'plan') {
    const cells = planCells(model, task);
    // The pool asks for the targets once per (snapshot, use_ipf, scope) and keeps them.
    const targets = task.targets
      ? { field_targets: fieldTargets(model, snapshot, task.scope, task.where), joint_targets: jointTargets(snapshot, model, task.scope, task.where), pyramid_target: pyramidTarget(snapshot, model, task.scope, task.where) }
      : {};
    const plan = { ok: true, cells, calibration: model.calibration, ...targets };
    return moving(plan, [cells.buffer]);
  }
  const shard = { ...task, idKey: task.id_key, tables: conditionedSampling(model.sampling, task.where) };
  if (task.narratives === 'none') {
    const result = sampleShard(shard);
    return moving(
      { ok: true, bytes: result.bytes, count: result.count, counts: result.counts, record_hashes: result.record_hashes, narratives: null },
      [result.bytes.buffer, result.record_hashes.buffer],
    );
  }
  const narratives: Narrative[] = [];
  const result = sampleShard(shard, (persona) => {
    const { narrative } = templateNarrative(persona, task.seed);
    narratives.push(narrative);
    return narrative;
  });
  const stats = narrativeRunStats('template', narratives);
  return moving(
    { ok: true, bytes: result.bytes, count: result.count, counts: result.counts, record_hashes: result.record_hashes, narratives: stats },
    [result.bytes.buffer, result.record_hashes.buffer],
  );
}

export default function handle(input: unknown): unknown {
  try {
    return run(TaskSchema.parse(input));
  } catch (error) {
    if (hasErrorCode(error)) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: 'RUN_WORKER_FAILED', message: error instanceof Error ? error.message : String(error) };
  }
}
