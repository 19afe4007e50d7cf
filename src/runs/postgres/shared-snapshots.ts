/**
 * The input snapshot of a run, shared by every replica (issue 17 item 3). A run's bytes are a
 * function of its request, its snapshot and the generator version; with PXWEB_MODE=cache or
 * live two replicas can resolve different snapshots, so the first replica that executes a run
 * stores the snapshot it resolved (by hash) and pins the run to it. A replica that takes the run
 * over, or samples its shards, loads that snapshot instead of resolving its own. The embedded
 * snapshot of PXWEB_MODE=off is stored the same way (once: the hash is the key).
 */
import type pg from 'pg';
import type { InputSnapshot } from '../../census/census-table.js';
import { pgStoring } from './pg-errors.js';

export interface SnapshotSource {
  resolveForRun(now: Date, signal?: AbortSignal): Promise<InputSnapshot>;
}

export class SharedSnapshots {
  readonly #db: pg.Pool;
  readonly #census: SnapshotSource;
  /** Parsed snapshots by hash (a few MB each; runs use one or two). */
  readonly #cache = new Map<string, Promise<InputSnapshot>>();

  constructor(db: pg.Pool, census: SnapshotSource) {
    this.#db = db;
    this.#census = census;
  }

  /** The snapshot the run is pinned to; the first call resolves, stores and pins one. Database failures are coded storage errors. */
  forRun(runId: string, now: Date, signal?: AbortSignal): Promise<InputSnapshot> {
    return pgStoring(() => this.#forRun(runId, now, signal));
  }

  async #forRun(runId: string, now: Date, signal?: AbortSignal): Promise<InputSnapshot> {
    const pinned = await this.#db.query<{ snapshot_hash: string }>('SELECT snapshot_hash FROM mp_run_snapshots WHERE run_id = $1', [runId]);
    const hash = pinned.rows[0]?.snapshot_hash;
    if (hash !== undefined) return this.byHash(hash);
    const snapshot = await this.#census.resolveForRun(now, signal);
    await this.#db.query('INSERT INTO mp_snapshots (snapshot_hash, body) VALUES ($1, $2) ON CONFLICT (snapshot_hash) DO NOTHING', [snapshot.snapshot_hash, JSON.stringify(snapshot)]);
    // A concurrent pin (there is none under the run's lease) would win; read back what holds.
    await this.#db.query('INSERT INTO mp_run_snapshots (run_id, snapshot_hash) VALUES ($1, $2) ON CONFLICT (run_id) DO NOTHING', [runId, snapshot.snapshot_hash]);
    const held = (await this.#db.query<{ snapshot_hash: string }>('SELECT snapshot_hash FROM mp_run_snapshots WHERE run_id = $1', [runId])).rows[0]?.snapshot_hash;
    if (held === undefined || held === snapshot.snapshot_hash) {
      this.#cache.set(snapshot.snapshot_hash, Promise.resolve(snapshot));
      return snapshot;
    }
    return this.byHash(held);
  }

  /** A stored snapshot by its hash. */
  byHash(hash: string): Promise<InputSnapshot> {
    let found = this.#cache.get(hash);
    if (found === undefined) {
      found = this.#db.query<{ body: string }>('SELECT body FROM mp_snapshots WHERE snapshot_hash = $1', [hash]).then((result) => {
        const body = result.rows[0]?.body;
        if (body === undefined) throw new Error(`no stored snapshot ${hash}`);
        return JSON.parse(body) as InputSnapshot;
      });
      found.catch(() => this.#cache.delete(hash));
      if (this.#cache.size >= 4) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(hash, found);
    }
    return found;
  }
}
