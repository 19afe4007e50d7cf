/**
 * The default RunStore: one folder per run under `DATA_DIR/runs/<run_id>/` (run.json,
 * payload.json, report.json, manifest.json, dataset.ndjson). Every file is written atomically —
 * temp file, fsync, rename, fsync of the folder — so after a crash a file is whole or absent,
 * never half-written. Idempotency keys map to runs through `runs/_idempotency/<sha256(key)>`,
 * created with O_EXCL so the first writer wins.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ServiceError } from '../errors.js';
import { EffectiveRequestSchema } from '../domain/request.js';
import { storageErrorOf } from './storage-error.js';
import { unreadableRecordOf } from './run-transitions.js';
import {
  type ByteSpan,
  ARTIFACTS,
  FINISHED_STATUSES,
  RUN_ID,
  RunRecordSchema,
  type ArtifactName,
  type DatasetWriter,
  type RunPage,
  type RunRecord,
  type RunStore,
} from './run-store.js';

const IDEMPOTENCY_DIR = '_idempotency';
/** A record as this store writes it: every run it stores has its effective request. */
const StoredRunRecordSchema = RunRecordSchema.extend({ effective_request: EffectiveRequestSchema });
/** Marks a file being written; renamed away on success, so one found later is a crash's leftover. */
const TEMP_MARK = '.tmp-';

async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A file's content: text, bytes, or byte chunks written in order. */
type FileBytes = string | Uint8Array | readonly Uint8Array[];

/**
 * Writes `bytes` to a temp file next to `path` and fsyncs it; returns the temp file's path. A
 * write that fails (a full disk fails after the file was created) removes its temp file.
 */
async function writeTempSynced(path: string, bytes: FileBytes): Promise<string> {
  const temp = `${path}${TEMP_MARK}${randomUUID()}`;
  const handle = await open(temp, 'w');
  try {
    if (typeof bytes === 'string' || bytes instanceof Uint8Array) await handle.writeFile(bytes);
    else for (const chunk of bytes) await handle.writeFile(chunk);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return temp;
}

/** Writes `bytes` to `path` atomically (temp + fsync + rename + fsync of the folder); leaves no temp file when it fails. */
export async function writeFileAtomic(path: string, bytes: FileBytes): Promise<void> {
  const temp = await writeTempSynced(path, bytes);
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await fsyncDirectory(join(path, '..'));
}

/**
 * Writes several files of one folder atomically: the temp files are written and fsynced in
 * parallel, renamed in order, and the folder is fsynced once for all of them. When any part
 * fails, every temp file still there is removed.
 */
export async function writeFilesAtomic(directory: string, files: readonly { name: string; bytes: FileBytes }[]): Promise<void> {
  const written = await Promise.allSettled(files.map((file) => writeTempSynced(join(directory, file.name), file.bytes)));
  const temps = written.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  try {
    const failed = written.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    await Promise.all(files.map((file, i) => rename(temps[i]!, join(directory, file.name))));
  } catch (error) {
    await Promise.all(temps.map((temp) => rm(temp, { force: true }).catch(() => undefined)));
    throw error;
  }
  await fsyncDirectory(directory);
}

/** Runs a store write; a full or read-only volume fails as a coded storage error (507/503). */
async function storing<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw storageErrorOf(error);
  }
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (error instanceof SyntaxError) {
      throw new ServiceError('RUN_STORE_CORRUPT', `stored file ${path} is not valid JSON`, { cause: error });
    }
    throw error;
  }
}

export class FileRunStore implements RunStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'runs');
  }

  async init(): Promise<void> {
    await mkdir(join(this.root, IDEMPOTENCY_DIR), { recursive: true });
  }

  #dir(runId: string): string {
    // Ids reach the filesystem only after this check: no traversal through a crafted id.
    if (!RUN_ID.test(runId)) throw new ServiceError('RUN_NOT_FOUND', `no run ${runId}`);
    return join(this.root, runId);
  }

  async create(record: RunRecord): Promise<string> {
    const dir = this.#dir(record.run_id);
    const path = join(dir, 'run.json');
    await storing(async () => {
      try {
        await mkdir(dir, { recursive: false });
      } catch (error) {
        // A folder without run.json is what a failed first write of a never-stored run left
        // behind (putFinished with isNew): the run does not exist yet, so it is created in it.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || (await readJson(path)) !== undefined) throw error;
      }
      try {
        await rename(await writeTempSynced(path, JSON.stringify(record)), path);
        // The new folder's entry in runs/ must be durable too, not only run.json inside it.
        await Promise.all([fsyncDirectory(dir), fsyncDirectory(this.root)]);
      } catch (error) {
        // The run was not created: its folder goes (a full disk must not collect empty folders).
        await rm(dir, { recursive: true, force: true }).catch(() => undefined);
        throw error;
      }
    });
    if (record.idempotency_key === null) return record.run_id;
    const owner = await storing(() => this.#claimIdempotencyKey(record.idempotency_key!, record.run_id)).catch(async (error: unknown) => {
      // Unclaimed, the run must not exist either: a retry would make a second one.
      await this.delete(record.run_id).catch(() => undefined);
      throw error;
    });
    // Another run holds the key: this one never existed.
    if (owner !== record.run_id) await this.delete(record.run_id);
    return owner;
  }

  async get(runId: string): Promise<RunRecord | null> {
    if (!RUN_ID.test(runId)) return null;
    const path = join(this.#dir(runId), 'run.json');
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const errno = (error as NodeJS.ErrnoException).code;
      if (errno === 'ENOENT') return null;
      if (errno !== 'EISDIR') throw storageErrorOf(error);
      return this.#unreadable(runId, undefined, path);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return this.#unreadable(runId, undefined, path);
    }
    const parsed = StoredRunRecordSchema.safeParse(raw);
    if (!parsed.success || parsed.data.run_id !== runId) return this.#unreadable(runId, raw, path);
    return parsed.data;
  }

  /** A record that cannot be read back reads as a failed run (it can be deleted and expires). */
  async #unreadable(runId: string, raw: unknown, path: string): Promise<RunRecord> {
    const written = await stat(path).then((facts) => facts.mtime, () => new Date(0));
    return unreadableRecordOf(runId, raw, written.toISOString());
  }

  async put(record: RunRecord): Promise<void> {
    await storing(() => writeFileAtomic(join(this.#dir(record.run_id), 'run.json'), JSON.stringify(record)));
  }

  async #runIds(): Promise<string[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    return entries
      .filter((entry) => entry.isDirectory() && RUN_ID.test(entry.name))
      .map((entry) => entry.name)
      .sort()
      .reverse();
  }

  async list(options: { limit: number; cursor?: string | undefined }): Promise<RunPage> {
    const ids = (await this.#runIds()).filter((id) => options.cursor === undefined || id < options.cursor);
    const runs: RunRecord[] = [];
    for (const id of ids) {
      if (runs.length === options.limit) break;
      const record = await this.get(id).catch(() => null);
      if (record) runs.push(record);
    }
    const last = runs.at(-1);
    const more = last !== undefined && ids.some((id) => id < last.run_id);
    return { runs, next_cursor: more ? last.run_id : null };
  }

  async listUnfinished(): Promise<RunRecord[]> {
    const unfinished: RunRecord[] = [];
    for (const id of await this.#runIds()) {
      const record = await this.get(id).catch(() => null);
      if (record && !FINISHED_STATUSES.includes(record.status)) unfinished.push(record);
    }
    return unfinished.reverse();
  }

  async putFinished(
    record: RunRecord,
    artifacts: Readonly<Record<ArtifactName, unknown>>,
    options: { readonly dataset?: readonly Uint8Array[]; readonly isNew?: boolean } = {},
  ): Promise<void> {
    const dir = this.#dir(record.run_id);
    const files: { name: string; bytes: FileBytes }[] = ARTIFACTS.map((name) => ({ name: `${name}.json`, bytes: JSON.stringify(artifacts[name]) }));
    if (options.dataset) files.push({ name: 'dataset.ndjson', bytes: options.dataset });
    await storing(async () => {
      if (options.isNew) await mkdir(dir, { recursive: false });
      try {
        // A new folder's entry in runs/ is made durable along with the files in it.
        await Promise.all([writeFilesAtomic(dir, files), ...(options.isNew ? [fsyncDirectory(this.root)] : [])]);
        await writeFileAtomic(join(dir, 'run.json'), JSON.stringify(record));
      } catch (error) {
        // A run never stored leaves nothing behind; a stored one keeps its earlier record.
        if (options.isNew) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
        throw error;
      }
    });
  }

  async getArtifact(runId: string, name: ArtifactName): Promise<unknown> {
    if (!RUN_ID.test(runId)) return undefined;
    return readJson(join(this.#dir(runId), `${name}.json`));
  }

  async openDatasetWriter(runId: string): Promise<DatasetWriter> {
    const dir = this.#dir(runId);
    const path = join(dir, 'dataset.ndjson');
    const temp = `${path}${TEMP_MARK}${randomUUID()}`;
    const handle = await storing(() => open(temp, 'w'));
    let closed = false;
    return {
      write: (chunk) =>
        storing(async () => {
          let offset = 0;
          while (offset < chunk.byteLength) {
            const { bytesWritten } = await handle.write(chunk, offset);
            offset += bytesWritten;
          }
        }),
      commit: () =>
        storing(async () => {
          await handle.sync();
          await handle.close();
          closed = true;
          await rename(temp, path);
          await fsyncDirectory(dir);
        }),
      abort: async () => {
        if (!closed) await handle.close().catch(() => undefined);
        closed = true;
        await rm(temp, { force: true });
      },
    };
  }

  async openDatasetReader(runId: string, range?: ByteSpan): Promise<Readable | null> {
    if (!RUN_ID.test(runId)) return null;
    const path = join(this.#dir(runId), 'dataset.ndjson');
    try {
      await stat(path);
    } catch {
      return null;
    }
    return createReadStream(path, range ? { start: range.start, end: range.end } : {});
  }

  async discardIncomplete(runId: string): Promise<number> {
    const dir = this.#dir(runId);
    const partial = (await readdir(dir).catch(() => [])).filter((name) => name.includes(TEMP_MARK));
    await Promise.all(partial.map((name) => rm(join(dir, name), { force: true })));
    return partial.length;
  }

  async delete(runId: string): Promise<void> {
    if (!RUN_ID.test(runId)) return;
    await storing(async () => {
      // Its Idempotency-Key goes with it (when the key still names it): the index does not grow for ever.
      const key = (await this.get(runId).catch(() => null))?.idempotency_key ?? null;
      if (key !== null) await this.#releaseIdempotencyKey(key, runId);
      await rm(this.#dir(runId), { recursive: true, force: true });
    });
  }

  #keyPath(key: string): string {
    return join(this.root, IDEMPOTENCY_DIR, createHash('sha256').update(key).digest('hex'));
  }

  /** Maps an Idempotency-Key to a run (first writer wins); returns the run id now mapped. */
  async #claimIdempotencyKey(key: string, runId: string): Promise<string> {
    const path = this.#keyPath(key);
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(runId);
        await handle.sync();
      } catch (error) {
        // Not claimed after all (a full disk): the half-made key file goes, the key stays free.
        await handle.close().catch(() => undefined);
        await rm(path, { force: true }).catch(() => undefined);
        throw error;
      }
      await handle.close();
      return runId;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const existing = (await readFile(path, 'utf8')).trim();
      // A key whose run was deleted (or never written) is free again.
      if (existing === '' || (await this.get(existing)) === null) {
        await writeFileAtomic(path, runId);
        return runId;
      }
      return existing;
    }
  }

  /** Removes the key's file if it maps to `runId` (a key another run claimed since stays). */
  async #releaseIdempotencyKey(key: string, runId: string): Promise<void> {
    const path = this.#keyPath(key);
    const owner = await readFile(path, 'utf8').then((text) => text.trim(), () => null);
    if (owner === runId) await rm(path, { force: true });
  }

  async findByIdempotencyKey(key: string): Promise<RunRecord | null> {
    const runId = await readFile(this.#keyPath(key), 'utf8').then((text) => text.trim(), () => '');
    return runId === '' ? null : this.get(runId);
  }

  async sweepFinishedBefore(cutoffIso: string): Promise<number> {
    let removed = 0;
    for (const id of await this.#runIds()) {
      const record = await this.get(id).catch(() => null);
      if (record && FINISHED_STATUSES.includes(record.status) && (record.finished_at ?? record.created_at) < cutoffIso) {
        await this.delete(id);
        removed += 1;
      }
    }
    return removed;
  }

  async checkWritable(): Promise<boolean> {
    try {
      // writeFileAtomic removes its temp file when the write fails: a probe on a full disk leaves nothing.
      await writeFileAtomic(join(this.root, '.probe'), String(process.pid));
      return true;
    } catch {
      return false;
    }
  }

  async sweepLeftovers(): Promise<number> {
    let removed = 0;
    const drop = async (path: string, recursive = false) => {
      await rm(path, { recursive, force: true });
      removed += 1;
    };
    const names = (dir: string) => readdir(dir).catch(() => [] as string[]);
    for (const name of await names(this.root)) {
      if (name.includes(TEMP_MARK)) await drop(join(this.root, name));
    }
    for (const id of await this.#runIds()) {
      const dir = join(this.root, id);
      const inside = await names(dir);
      // A folder with no run.json holds a run that was never created (its first write failed).
      if (!inside.includes('run.json')) await drop(dir, true);
      else for (const name of inside.filter((n) => n.includes(TEMP_MARK))) await drop(join(dir, name));
    }
    const keys = join(this.root, IDEMPOTENCY_DIR);
    for (const name of await names(keys)) {
      const path = join(keys, name);
      if (name.includes(TEMP_MARK)) {
        await drop(path);
        continue;
      }
      // A key whose run is gone (or that never got its run id written) maps to nothing.
      const runId = await readFile(path, 'utf8').then((text) => text.trim(), () => '');
      if (runId === '' || !RUN_ID.test(runId) || (await stat(join(this.root, runId)).catch(() => null)) === null) await drop(path);
    }
    return removed;
  }
}
