/**
 * Where `generate` puts the dataset. A `RunSink` (what `executeRun` writes the NDJSON bytes to)
 * that converts them to the chosen format and hands them to a target:
 *
 *   file    a temp file beside FILE, renamed onto FILE on commit and deleted on abort, so a
 *           failed, cancelled or withheld run never leaves a partial or withheld file;
 *   stdout  streamed as generated (with back-pressure) — or, for a strict run, spooled to a temp
 *           file and copied to stdout only on commit, since a strict rejection must not release
 *           any of the dataset and bytes already written to a pipe cannot be taken back.
 *
 * A write or open failure is kept as `failure` so the command can name the destination, whatever
 * the pool wrapped it in.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, rmSync } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { RunSink } from '../runs/run-pipeline.js';
import { createDatasetEncoder, type DatasetFormat } from '../runs/dataset-formats.js';

/** Where converted bytes go. */
export interface OutputTarget {
  /** What to call it in messages: the file's path or "stdout". */
  readonly label: string;
  write(bytes: Uint8Array): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
  /** Last-resort cleanup when the process exits without awaiting `abort` (second signal). */
  abortSync(): void;
}

/** Thrown (and kept) when the destination cannot be opened or written. */
export class OutputError extends Error {
  constructor(
    readonly label: string,
    cause: unknown,
  ) {
    super(`cannot write ${label}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'OutputError';
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset);
    offset += bytesWritten;
  }
}

/** A temp file in `directory` (hidden, named after `name`), opened now so a bad path fails before the run. */
/** A target's `write` to an open file: an I/O failure becomes an OutputError naming the file. */
function guardedWrite(label: string, handle: FileHandle): (bytes: Uint8Array) => Promise<void> {
  return async (bytes) => {
    try {
      await writeAll(handle, bytes);
    } catch (error) {
      throw new OutputError(label, error);
    }
  };
}

async function openTempFile(directory: string, name: string): Promise<{ path: string; handle: FileHandle }> {
  const path = join(directory, `.${name}.tmp-${randomUUID()}`);
  return { path, handle: await open(path, 'wx') };
}

/** A file written through a temp file beside it; visible under `path` only after commit. */
export async function openFileTarget(path: string): Promise<OutputTarget> {
  const label = path;
  let temp: { path: string; handle: FileHandle };
  try {
    // The rename at commit would fail on a folder; say so now rather than after the run.
    if ((await stat(path).catch(() => null))?.isDirectory() === true) throw new Error('it is a directory');
    temp = await openTempFile(dirname(path), basename(path));
  } catch (error) {
    throw new OutputError(label, error);
  }
  let closed = false;
  let finished = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await temp.handle.close();
    }
  };
  return {
    label,
    write: guardedWrite(label, temp.handle),
    async commit() {
      try {
        await close();
        await rename(temp.path, path);
        finished = true;
      } catch (error) {
        throw new OutputError(label, error);
      }
    },
    async abort() {
      if (finished) return;
      finished = true;
      await close().catch(() => undefined);
      await rm(temp.path, { force: true });
    },
    abortSync() {
      if (!finished) rmSync(temp.path, { force: true });
    },
  };
}

/** Resolves once `stream` can take more, or rejects with the error that closed it. */
function drained(stream: NodeJS.WritableStream, failure: () => Error | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('error', done);
      stream.off('close', done);
      const error = failure();
      if (error === null) resolve();
      else reject(error);
    };
    stream.on('drain', done);
    stream.on('error', done);
    stream.on('close', done);
  });
}

/** An open stream (stdout), written as bytes arrive; nothing can be taken back on abort. */
export function streamTarget(stream: NodeJS.WritableStream, label = 'stdout'): OutputTarget {
  let failure: Error | null = null;
  // Without a listener, an EPIPE (reader gone) would be an uncaught exception.
  const onError = (error: Error) => {
    failure ??= new OutputError(label, error);
  };
  stream.on('error', onError);
  const detach = () => stream.off('error', onError);
  return {
    label,
    async write(bytes) {
      if (failure !== null) throw failure;
      if (bytes.byteLength === 0) return;
      if (!stream.write(bytes)) await drained(stream, () => failure);
      if (failure !== null) throw failure;
    },
    async commit() {
      detach();
      if (failure !== null) throw failure;
    },
    async abort() {
      detach();
    },
    abortSync() {},
  };
}

/** Spooled to a temp file in `tempDirectory`, copied to `stream` on commit. */
export async function openSpooledTarget(stream: NodeJS.WritableStream, tempDirectory: string): Promise<OutputTarget> {
  const label = 'stdout';
  let temp: { path: string; handle: FileHandle };
  try {
    temp = await openTempFile(tempDirectory, 'moldova-personas-stdout');
  } catch (error) {
    throw new OutputError(`a spool file in ${tempDirectory}`, error);
  }
  let closed = false;
  let finished = false;
  const cleanUp = async () => {
    finished = true;
    if (!closed) {
      closed = true;
      await temp.handle.close().catch(() => undefined);
    }
    await rm(temp.path, { force: true });
  };
  return {
    label,
    write: guardedWrite(`the spool file ${temp.path}`, temp.handle),
    async commit() {
      await temp.handle.close();
      closed = true;
      const out = streamTarget(stream, label);
      try {
        for await (const chunk of createReadStream(temp.path)) await out.write(chunk as Buffer);
        await out.commit();
      } finally {
        await out.abort();
        await cleanUp();
      }
    },
    async abort() {
      if (!finished) await cleanUp();
    },
    abortSync() {
      if (!finished) rmSync(temp.path, { force: true });
    },
  };
}

/** A `RunSink` that converts NDJSON to `format` into `target`. `abort` is safe to call again. */
export interface FormatSink extends RunSink {
  readonly target: OutputTarget;
  /** The destination's own failure, if writing to it failed (not a generation failure). */
  readonly failure: OutputError | null;
  readonly committed: boolean;
}

export function formatSink(format: DatasetFormat, target: OutputTarget): FormatSink {
  const encoder = createDatasetEncoder(format);
  let failure: OutputError | null = null;
  let committed = false;
  let aborted = false;
  const guard = async (step: () => Promise<void>) => {
    try {
      await step();
    } catch (error) {
      if (error instanceof OutputError) failure ??= error;
      throw error;
    }
  };
  return {
    target,
    // Every encoder copies what it keeps (a split line, the CSV or JSON it makes), and targets
    // have written a chunk when `write` resolves: spent shard buffers can go back to the workers,
    // so a 10⁶ run does not churn 440 MB through this heap.
    releasesChunks: true,
    get failure() {
      return failure;
    },
    get committed() {
      return committed;
    },
    write: (chunk) => guard(() => target.write(encoder.write(chunk))),
    commit: () =>
      guard(async () => {
        await target.write(encoder.end());
        await target.commit();
        committed = true;
      }),
    async abort() {
      if (committed || aborted) return;
      aborted = true;
      await target.abort();
    },
  };
}
