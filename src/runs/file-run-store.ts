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
import {
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

/** Writes `bytes` to a temp file next to `path` and fsyncs it; returns the temp file's path. */
async function writeTempSynced(path: string, bytes: FileBytes): Promise<string> {
  const temp = `${path}${TEMP_MARK}${randomUUID()}`;
  const handle = await open(temp, 'w');
  try {
    if (typeof bytes === 'string' || bytes instanceof Uint8Array) await handle.writeFile(bytes);
    else for (const chunk of bytes) await handle.writeFile(chunk);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

/** Writes `bytes` to `path` atomically (temp + fsync + rename + fsync of the folder). */
export async function writeFileAtomic(path: string, bytes: FileBytes): Promise<void> {
  await rename(await writeTempSynced(path, bytes), path);
  await fsyncDirectory(join(path, '..'));
}

/**
 * Writes several files of one folder atomically: the temp files are written and fsynced in
 * parallel, renamed in order, and the folder is fsynced once for all of them.
 */
export async function writeFilesAtomic(directory: string, files: readonly { name: string; bytes: FileBytes }[]): Promise<void> {
  const temps = await Promise.all(files.map((file) => writeTempSynced(join(directory, file.name), file.bytes)));
  await Promise.all(files.map((file, i) => rename(temps[i]!, join(directory, file.name))));
  await fsyncDirectory(directory);
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
    try {
      await mkdir(dir, { recursive: false });
    } catch (error) {
      // A folder without run.json is what a failed first write of a never-stored run left
      // behind (putFinished with isNew): the run does not exist yet, so it is created in it.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || (await readJson(path)) !== undefined) throw error;
    }
    await rename(await writeTempSynced(path, JSON.stringify(record)), path);
    // The new folder's entry in runs/ must be durable too, not only run.json inside it.
    await Promise.all([fsyncDirectory(dir), fsyncDirectory(this.root)]);
    if (record.idempotency_key === null) return record.run_id;
    const owner = await this.#claimIdempotencyKey(record.idempotency_key, record.run_id);
    // Another run holds the key: this one never existed.
    if (owner !== record.run_id) await this.delete(record.run_id);
    return owner;
  }

  async get(runId: string): Promise<RunRecord | null> {
    if (!RUN_ID.test(runId)) return null;
    const raw = await readJson(join(this.#dir(runId), 'run.json'));
    if (raw === undefined) return null;
    const parsed = RunRecordSchema.safeParse(raw);
    if (!parsed.success) throw new ServiceError('RUN_STORE_CORRUPT', `run record ${runId} does not match the schema`);
    return parsed.data;
  }

  async put(record: RunRecord): Promise<void> {
    await writeFileAtomic(join(this.#dir(record.run_id), 'run.json'), JSON.stringify(record));
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
    if (options.isNew) await mkdir(dir, { recursive: false });
    const files: { name: string; bytes: FileBytes }[] = ARTIFACTS.map((name) => ({ name: `${name}.json`, bytes: JSON.stringify(artifacts[name]) }));
    if (options.dataset) files.push({ name: 'dataset.ndjson', bytes: options.dataset });
    // A new folder's entry in runs/ is made durable along with the files in it.
    await Promise.all([writeFilesAtomic(dir, files), ...(options.isNew ? [fsyncDirectory(this.root)] : [])]);
    await writeFileAtomic(join(dir, 'run.json'), JSON.stringify(record));
  }

  async getArtifact(runId: string, name: ArtifactName): Promise<unknown> {
    if (!RUN_ID.test(runId)) return undefined;
    return readJson(join(this.#dir(runId), `${name}.json`));
  }

  async openDatasetWriter(runId: string): Promise<DatasetWriter> {
    const dir = this.#dir(runId);
    const path = join(dir, 'dataset.ndjson');
    const temp = `${path}${TEMP_MARK}${randomUUID()}`;
    const handle = await open(temp, 'w');
    let closed = false;
    return {
      write: async (chunk) => {
        let offset = 0;
        while (offset < chunk.byteLength) {
          const { bytesWritten } = await handle.write(chunk, offset);
          offset += bytesWritten;
        }
      },
      commit: async () => {
        await handle.sync();
        await handle.close();
        closed = true;
        await rename(temp, path);
        await fsyncDirectory(dir);
      },
      abort: async () => {
        if (!closed) await handle.close().catch(() => undefined);
        closed = true;
        await rm(temp, { force: true });
      },
    };
  }

  async openDatasetReader(runId: string): Promise<Readable | null> {
    if (!RUN_ID.test(runId)) return null;
    const path = join(this.#dir(runId), 'dataset.ndjson');
    try {
      await stat(path);
    } catch {
      return null;
    }
    return createReadStream(path);
  }

  async discardIncomplete(runId: string): Promise<number> {
    const dir = this.#dir(runId);
    const partial = (await readdir(dir).catch(() => [])).filter((name) => name.includes(TEMP_MARK));
    await Promise.all(partial.map((name) => rm(join(dir, name), { force: true })));
    return partial.length;
  }

  async delete(runId: string): Promise<void> {
    if (!RUN_ID.test(runId)) return;
    await rm(this.#dir(runId), { recursive: true, force: true });
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
      } finally {
        await handle.close();
      }
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
      await writeFileAtomic(join(this.root, '.probe'), String(process.pid));
      return true;
    } catch {
      return false;
    }
  }
}
