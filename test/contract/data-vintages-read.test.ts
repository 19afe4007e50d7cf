/**
 * `data_vintages` lists exactly the tables a run read (issue #12): the model, the targets and the
 * checks are built over a Proxy of the shipped snapshot's tables that records every table id
 * read, and the recorded set is held to the `used_by` list of the table specs, which is what a
 * run's tables and vintages are filtered by.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { InputSnapshot } from '../../src/census/census-table.js';
import { TABLE_SPECS, isReadTable } from '../../src/census/table-specs.js';
import { DEFAULT_CALIBRATION } from '../../src/generation/calibration.js';
import { buildGenerationModel } from '../../src/generation/model.js';
import { fieldTargets } from '../../src/generation/field-targets.js';
import { jointTargets } from '../../src/generation/joint-targets.js';
import { preflightInputOf } from '../../src/runs/trust-input.js';
import { EffectiveRequestSchema } from '../../src/domain/request.js';
import { shippedSnapshot } from '../helpers/snapshot.js';

let shipped: InputSnapshot;
const read = new Set<string>();
/** The tables read by each configuration (use_ipf × scope), recorded separately. */
const readBy = new Map<string, Set<string>>();

/** Records the table ids read through the returned snapshot into `into`. */
function recording(base: InputSnapshot, into: Set<string>): InputSnapshot {
  const tables = new Proxy(base.tables, {
    get(target, key, receiver) {
      if (typeof key === 'string' && key in target) into.add(key);
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { ...base, tables };
}

/** The tables one model build and its targets read from `base`. */
function readTables(base: InputSnapshot, useIpf: boolean, scope: 'all' | 'adults'): Set<string> {
  const into = new Set<string>();
  const recorded = recording(base, into);
  const model = buildGenerationModel(recorded, { ...DEFAULT_CALIBRATION, useIpf });
  fieldTargets(model, recorded, scope);
  jointTargets(recorded, model, scope);
  return into;
}

function listedTables(base: InputSnapshot, scope: 'all' | 'adults', useIpf: boolean): string[] {
  const request = EffectiveRequestSchema.parse({
    n: 10, seed: 1, profile: 'analysis_only', scope, use_ipf: useIpf, traits: false, narratives: { provider: 'none' }, strict: false,
  });
  const input = preflightInputOf({ request, snapshot: base, fieldTargets: [], generatorVersion: '0.0.0', llmConfigured: false });
  return input.tables.map((t) => t.table_id).sort();
}

beforeAll(async () => {
  shipped = await shippedSnapshot();
  // Uncached: the memoised model of the shipped snapshot would read nothing. One build per
  // use_ipf (what it reads does not depend on the scope), then the targets of each scope.
  for (const useIpf of [true, false]) {
    const modelRead = new Set<string>();
    const model = buildGenerationModel(recording(shipped, modelRead), { ...DEFAULT_CALIBRATION, useIpf });
    for (const scope of ['all', 'adults'] as const) {
      const targetRead = new Set<string>();
      const recorded = recording(shipped, targetRead);
      fieldTargets(model, recorded, scope);
      jointTargets(recorded, model, scope);
      readBy.set(`${String(useIpf)}/${scope}`, new Set([...modelRead, ...targetRead]));
      for (const id of [...modelRead, ...targetRead]) read.add(id);
    }
  }
}, 120_000);

describe('the tables a run reads', () => {
  it('are exactly the shipped tables whose spec says something uses them', () => {
    const declared = Object.keys(shipped.tables).filter((id) => isReadTable(id)).sort();
    expect([...read].sort()).toEqual(declared);
  });

  it('leave out a shipped table nothing reads (population_totals), in the run tables and so in data_vintages', () => {
    expect(read.has('population_totals')).toBe(false);
    const request = EffectiveRequestSchema.parse({
      n: 10,
      seed: 1,
      profile: 'analysis_only',
      scope: 'all',
      use_ipf: true,
      traits: false,
      narratives: { provider: 'none' },
      strict: false,
    });
    const input = preflightInputOf({ request, snapshot: shipped, fieldTargets: [], generatorVersion: '0.0.0', llmConfigured: false });
    const ids = input.tables.map((t) => t.table_id).sort();
    expect(ids).toEqual([...read].sort());
    expect(ids).not.toContain('population_totals');
  });

  it('are exactly the listed tables (data_vintages) in every configuration: scope all and adults, with and without IPF', () => {
    expect(readBy.size).toBe(4);
    for (const [configuration, ids] of readBy) {
      const [useIpf, scope] = configuration.split('/') as ['true' | 'false', 'all' | 'adults'];
      expect({ configuration, listed: listedTables(shipped, scope, useIpf === 'true') }).toEqual({ configuration, listed: [...ids].sort() });
    }
  });

  it('with PxWeb\'s age × sex × residence table, list it and not the modelled sex-by-age table it replaces', () => {
    const ageSexResidence = { ...shipped.tables['age_single']!, id: 'age_sex_residence', provenance_class: 'pxweb_cache' as const };
    const ages = ageSexResidence.categories[0]!;
    const withPxweb: InputSnapshot = {
      ...shipped,
      tables: {
        ...shipped.tables,
        age_sex_residence: {
          ...ageSexResidence,
          variables: ['age_single', 'sex', 'residence'],
          categories: [[...ages], ['female', 'male'], ['urban', 'rural']],
          values: ages.flatMap(() => [1, 1, 1, 1]),
        },
      },
    };
    const ids = readTables(withPxweb, true, 'all');
    expect(ids.has('age_sex_residence')).toBe(true);
    expect(ids.has('sex_by_age_modelled')).toBe(false);
    expect(listedTables(withPxweb, 'all', true)).toEqual([...ids].sort());
  });

  it('declares a use for every spec the generator reads and none it does not', () => {
    for (const spec of TABLE_SPECS) {
      if (!(spec.id in shipped.tables)) continue;
      expect({ id: spec.id, read: read.has(spec.id) }).toEqual({ id: spec.id, read: spec.used_by.length > 0 });
    }
  });
});
