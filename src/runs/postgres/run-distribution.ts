/**
 * Runs across replicas on PostgreSQL (issue 17, decision 0014): pg-boss delivers the work, a
 * session advisory lock is the lease, LISTEN/NOTIFY carries cancels.
 *
 * - **Queue.** An admitted async run is a pg-boss job `{ run_id }` in the `runs-execute` queue
 *   (policy `short`: at most one waiting job per run). Every replica works it with
 *   RUN_CONCURRENCY pollers, so any replica may execute any queued run.
 * - **Lease.** The replica that executes a run holds `pg_try_advisory_lock(key(run_id))` on a
 *   connection of its own for as long as it runs. The lease renews itself as long as that
 *   connection lives; when the process dies (kill -9) the server drops the connection and the
 *   lock with it. Nobody else can hold it meanwhile, so a run executes on one replica at a time.
 *   pg-boss 10 has no heartbeat for its own job locks (decision 0014), hence the lock.
 * - **Takeover.** Every replica's watchdog looks, every LEASE_CHECK_MS, at the runs left queued or
 *   running: one whose lease nobody holds and that this replica is not executing gets a new job.
 *   A queued run already waiting for a worker gets none (the `short` policy), a running run whose
 *   owner died is executed again from its stored request by whichever replica takes the job;
 *   determinism makes the bytes identical. Takeover time ≤ one watchdog tick + one poll.
 * - **Cancel.** DELETE on any replica NOTIFYs `mp_run_cancel` with the run id; the replica that
 *   executes it aborts it.
 * - **TTL sweep.** A pg-boss schedule (every minute): one replica runs each tick.
 */
import pg from 'pg';
import PgBoss from 'pg-boss';
import { randomUUID } from 'node:crypto';
import { pgStoring as storing } from './pg-errors.js';
import type { ShardJob, ShardQueue } from './shared-shards.js';

export const RUN_QUEUE = 'runs-execute';
export const SWEEP_QUEUE = 'runs-sweep';
export const SHARD_QUEUE = 'runs-shard';
const CANCEL_CHANNEL = 'mp_run_cancel';
const BOSS_SCHEMA = 'mp_boss';
/** Any 64-bit constant: the replicas' lock on "setting up the queue". */
const SETUP_LOCK = '7277104113002';

/**
 * The 64-bit advisory lock key of a run, as SQL over a text expression: the first 8 bytes of
 * SHA-256 of its id, signed. In SQL so that the watchdog probes every run in one statement.
 */
const leaseKeySql = (runId: string) => `('x' || substr(encode(sha256(convert_to('moldova-personas:run:' || ${runId}, 'UTF8')), 'hex'), 1, 16))::bit(64)::bigint`;

/** A run this replica holds; `lost` aborts when the lease connection dies. */
export interface Lease {
  readonly runId: string;
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

export interface DistributionHandlers {
  /** Execute a run this replica now holds the lease of; resolves when the run settled. */
  execute(runId: string, lease: Lease): Promise<void>;
  /** Another replica asked to cancel this run (it may not be here). */
  cancelled(runId: string): void;
  /** The TTL sweep's turn came to this replica. */
  sweep(): Promise<void>;
  /** Runs this replica executes right now (the watchdog leaves them alone). */
  local(): ReadonlySet<string>;
}

export interface DistributionLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RunDistributionOptions {
  readonly connectionString: string;
  /** Runs this replica executes at once. */
  readonly concurrency: number;
  /** How often the watchdog looks for runs nobody holds, ms. */
  readonly leaseCheckMs?: number;
  /** How often an idle poller asks for a job, seconds (pg-boss minimum 0.5). */
  readonly pollSeconds?: number;
  readonly log?: DistributionLog;
  /** Called once per run this replica re-queues after its replica died (a metric). */
  readonly onTakeover?: () => void;
}

export class RunDistribution implements ShardQueue {
  readonly #options: RunDistributionOptions;
  readonly #boss: PgBoss;
  /** Short queries: the watchdog's scan and its lock probes. */
  readonly #pool: pg.Pool;
  #listener: pg.Client | null = null;
  #handlers: DistributionHandlers | null = null;
  #watchdog: NodeJS.Timeout | undefined;
  #closed = false;
  #leases = 0;
  #takeovers = 0;
  #unfinished = 0;
  #shardWorker: { readonly handler: (job: ShardJob) => Promise<void>; readonly pollers: number } | null = null;

  constructor(options: RunDistributionOptions) {
    this.#options = options;
    this.#boss = new PgBoss({ connectionString: options.connectionString, schema: BOSS_SCHEMA, max: 4, application_name: 'moldova-personas-queue' });
    this.#boss.on('error', (error: Error) => options.log?.warn({ err: { message: error.message } }, 'run queue: pg-boss error'));
    this.#pool = new pg.Pool({ connectionString: options.connectionString, max: 2, connectionTimeoutMillis: 5_000, application_name: 'moldova-personas-watchdog' });
    this.#pool.on('error', () => undefined);
  }

  /** Leases this replica holds now. */
  get leasesHeld(): number {
    return this.#leases;
  }

  /** Runs this replica took over from a replica that died (since start). */
  get takeovers(): number {
    return this.#takeovers;
  }

  /** Runs queued or running across replicas, as the watchdog last counted them. */
  get unfinishedSeen(): number {
    return this.#unfinished;
  }

  /** Registers what samples a shard job on this replica, with one poller per worker thread; before `start`. */
  setShardWorker(handler: (job: ShardJob) => Promise<void>, pollers: number): void {
    this.#shardWorker = { handler, pollers };
  }

  async sendShards(jobs: readonly ShardJob[]): Promise<string[]> {
    const ids = jobs.map(() => randomUUID());
    await storing(() => this.#boss.insert(jobs.map((job, i) => ({ id: ids[i]!, name: SHARD_QUEUE, data: job as unknown as object, expireInSeconds: 300, retryLimit: 2, retryDelay: 1 }))));
    return ids;
  }

  async cancelShards(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await storing(() => this.#boss.cancel(SHARD_QUEUE, [...ids]));
  }

  async start(handlers: DistributionHandlers): Promise<void> {
    this.#handlers = handlers;
    // Replicas starting together take turns: pg-boss 10 installing its schema and creating the
    // same queues from two processes at once deadlocks (seen: "deadlock detected", one replica exits).
    await this.#setUpAlone(async () => {
      await this.#boss.start();
      // Expiry is no lease here (the advisory lock is): long enough for the largest run.
      await this.#boss.createQueue(RUN_QUEUE, { name: RUN_QUEUE, policy: 'short', retryLimit: 0, expireInSeconds: 4 * 3_600 });
      await this.#boss.createQueue(SWEEP_QUEUE, { name: SWEEP_QUEUE, policy: 'short', retryLimit: 0, expireInSeconds: 600 });
      await this.#boss.createQueue(SHARD_QUEUE, { name: SHARD_QUEUE, policy: 'standard', retryLimit: 2, retryDelay: 1, expireInSeconds: 300 });
    });
    const pollingIntervalSeconds = Math.max(0.5, this.#options.pollSeconds ?? 0.5);
    for (let i = 0; i < this.#options.concurrency; i += 1) {
      await this.#workContinuously<{ run_id: string }>(RUN_QUEUE, pollingIntervalSeconds, (data) => this.#claim(data.run_id));
    }
    const shards = this.#shardWorker;
    for (let i = 0; shards !== null && i < shards.pollers; i += 1) {
      await this.#workContinuously<ShardJob>(SHARD_QUEUE, pollingIntervalSeconds, async (data) => {
        if (!this.#closed) await shards.handler(data);
      });
    }
    await this.#boss.work(SWEEP_QUEUE, { batchSize: 1, pollingIntervalSeconds: 5 }, async () => {
      await handlers.sweep();
    });
    await this.#boss.schedule(SWEEP_QUEUE, '* * * * *', {}, { singletonKey: 'sweep' });
    await this.#listen();
    this.#watchdog = setInterval(() => void this.#watch().catch(() => undefined), this.#options.leaseCheckMs ?? 2_000);
    this.#watchdog.unref();
  }

  async #setUpAlone(work: () => Promise<void>): Promise<void> {
    const client = new pg.Client({ connectionString: this.#options.connectionString, connectionTimeoutMillis: 5_000, application_name: 'moldova-personas-setup' });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1::bigint)', [SETUP_LOCK]);
      await work();
    } finally {
      // Ending the session releases the lock in any case.
      await client.end().catch(() => undefined);
    }
  }

  /**
   * One poller that, after each job, asks for the next at once: pg-boss 10 waits its polling
   * interval between fetches even when jobs are waiting, which held a shard poller to two jobs a
   * second (a 10⁶ run spread over two replicas took 20 s instead of about 6).
   */
  async #workContinuously<T extends object>(queue: string, pollingIntervalSeconds: number, handle: (data: T) => Promise<void>): Promise<void> {
    const worker: { id?: string } = {};
    worker.id = await this.#boss.work<T>(queue, { batchSize: 1, pollingIntervalSeconds }, async ([job]) => {
      if (!job) return;
      try {
        await handle(job.data);
      } finally {
        const id = worker.id;
        if (id !== undefined && !this.#closed) setImmediate(() => this.#boss.notifyWorker(id));
      }
    });
  }

  /** Hands a stored, queued run to whichever replica has a free poller. */
  async enqueue(runId: string): Promise<void> {
    await storing(() => this.#boss.send(RUN_QUEUE, { run_id: runId }, { singletonKey: runId }));
  }

  /** Asks every replica to stop the run (the one executing it aborts). */
  async cancel(runId: string): Promise<void> {
    await storing(() => this.#pool.query('SELECT pg_notify($1, $2)', [CANCEL_CHANNEL, runId]));
  }

  /** Runs queued or running in the shared store (what MAX_QUEUE counts across replicas). */
  async unfinished(): Promise<number> {
    const result = await storing(() => this.#pool.query<{ n: string }>("SELECT count(*) AS n FROM mp_runs WHERE status IN ('queued', 'running')"));
    this.#unfinished = Number(result.rows[0]?.n ?? 0);
    return this.#unfinished;
  }

  /**
   * Takes the lease of a run on a connection of its own, or null when another replica holds it.
   * Used by the job pollers, and by a replica that executes a stored sync run itself.
   */
  lease(runId: string): Promise<Lease | null> {
    return storing(() => this.#lease(runId));
  }

  async #lease(runId: string): Promise<Lease | null> {
    const client = new pg.Client({ connectionString: this.#options.connectionString, connectionTimeoutMillis: 5_000, application_name: 'moldova-personas-lease', keepAlive: true });
    const lost = new AbortController();
    client.on('error', () => lost.abort(new Error('lease connection lost')));
    client.on('end', () => lost.abort(new Error('lease connection ended')));
    await client.connect().catch(async (error: unknown) => {
      await client.end().catch(() => undefined);
      throw error;
    });
    const got = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${leaseKeySql('$1::text')}) AS locked`, [runId]).catch(async (error: unknown) => {
      await client.end().catch(() => undefined);
      throw error;
    });
    if (got.rows[0]?.locked !== true) {
      await client.end().catch(() => undefined);
      return null;
    }
    this.#leases += 1;
    let released = false;
    return {
      runId,
      lost: lost.signal,
      release: async () => {
        if (released) return;
        released = true;
        this.#leases -= 1;
        // Ending the session releases the lock whether or not the unlock gets through.
        await client.query(`SELECT pg_advisory_unlock(${leaseKeySql('$1::text')})`, [runId]).catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
  }

  async #claim(runId: string): Promise<void> {
    if (this.#closed || this.#handlers === null) return;
    if (this.#handlers.local().has(runId)) return;
    const lease = await this.lease(runId);
    // Another replica executes it: this job was a duplicate (the watchdog's), nothing to do.
    if (lease === null) return;
    try {
      await this.#handlers.execute(runId, lease);
    } finally {
      await lease.release();
    }
  }

  /** Every unfinished run nobody holds gets a job (a queued one already waiting gets none: `short`). */
  async #watch(): Promise<void> {
    if (this.#closed || this.#handlers === null) return;
    // Every unfinished run with whether its lease is free, probed in one statement on one session;
    // the locks the probe took are released at once (that session holds no lease of its own).
    const client = await this.#pool.connect();
    let runs: { run_id: string; status: string; free: boolean }[];
    try {
      runs = (
        await client.query<{ run_id: string; status: string; free: boolean }>(
          `SELECT run_id, status, pg_try_advisory_lock(${leaseKeySql('run_id')}) AS free FROM mp_runs WHERE status IN ('queued', 'running') ORDER BY run_id`,
        )
      ).rows;
    } finally {
      await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      client.release();
    }
    this.#unfinished = runs.length;
    const local = this.#handlers.local();
    for (const { run_id: runId, status, free } of runs) {
      if (local.has(runId) || !free) continue;
      const sent = await this.#boss.send(RUN_QUEUE, { run_id: runId }, { singletonKey: runId });
      if (sent !== null && status === 'running') {
        this.#takeovers += 1;
        this.#options.onTakeover?.();
        this.#options.log?.info({ run_id: runId }, 'run taken over: its replica holds no lease (gone), queued again');
      }
    }
  }

  /** LISTEN for cancels on a connection of its own, reconnecting while the replica runs. */
  async #listen(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({ connectionString: this.#options.connectionString, connectionTimeoutMillis: 5_000, application_name: 'moldova-personas-listen', keepAlive: true });
    const retry = () => {
      if (this.#listener !== client) return;
      this.#listener = null;
      client.end().catch(() => undefined);
      setTimeout(() => void this.#listen().catch(() => undefined), 1_000).unref();
    };
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', (message) => {
      if (message.channel === CANCEL_CHANNEL && message.payload) this.#handlers?.cancelled(message.payload);
    });
    this.#listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CANCEL_CHANNEL}`);
    } catch {
      retry();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#watchdog) clearInterval(this.#watchdog);
    const listener = this.#listener;
    this.#listener = null;
    await listener?.end().catch(() => undefined);
    // Pollers stop taking jobs; runs executing here were aborted by the service and left queued.
    await this.#boss.stop({ graceful: true, wait: true, timeout: 10_000 }).catch(() => undefined);
    await this.#pool.end().catch(() => undefined);
  }
}
