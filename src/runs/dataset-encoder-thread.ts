/**
 * A dataset conversion in a worker thread of its own, as a Transform: for the encoders whose
 * work comes in long synchronous steps (Parquet encodes a whole row group in one call, 0.1–0.8 s
 * on the server's main thread, during which /health/live and every other request would wait).
 * One chunk is in flight at a time, so back-pressure is the worker's pace; destroying the stream
 * (the caller went away) terminates the worker.
 */
import { fileURLToPath } from 'node:url';
import { Transform } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { isErrorCode, ServiceError } from '../errors.js';
import type { DatasetFormat } from './dataset-formats.js';

/** To the worker: a chunk to convert, or no chunk for the end. */
export interface EncoderRequest {
  readonly chunk?: Uint8Array;
}

export type EncoderReply = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly code: string; readonly message: string };

/** The compiled worker entry (from the sources, under vitest: the build's). */
export function defaultEncoderWorkerFile(): string {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = 'dataset-encoder-worker.js';
  return fileURLToPath(new URL(fromSource ? `../../dist/runs/${entry}` : `./${entry}`, import.meta.url));
}

/**
 * Encoder threads at once, process-wide. Each holds about 40 MB and a row group; without a cap,
 * a burst of Parquet downloads would spawn one thread each. Past it a download is refused before
 * its first byte (503, Retry-After), never queued behind the others.
 */
export const MAX_ENCODER_THREADS = 4;
let threadsInUse = 0;

/** Encoder threads running now (for tests and metrics). */
export function encoderThreadsInUse(): number {
  return threadsInUse;
}

export function createEncoderThreadTransform(format: DatasetFormat, workerFile = defaultEncoderWorkerFile()): Transform {
  if (threadsInUse >= MAX_ENCODER_THREADS) {
    throw new ServiceError('SERVICE_UNAVAILABLE', `All ${MAX_ENCODER_THREADS} ${format} encoders are busy with other downloads; retry shortly, or ask for NDJSON.`, {
      details: { retryAfterSeconds: 5 },
    });
  }
  const worker = new Worker(workerFile, { workerData: { format } });
  threadsInUse += 1;
  let waiting: ((reply: EncoderReply) => void) | undefined;
  let finished = false;
  // Called on every way out (end, destroy, a worker that died); the slot is given back once.
  const stop = () => {
    if (finished) return;
    finished = true;
    threadsInUse -= 1;
    void worker.terminate();
  };
  const ask = (request: EncoderRequest, callback: (error: Error | null, bytes?: Uint8Array) => void) => {
    waiting = (reply) => {
      waiting = undefined;
      if (reply.ok) return callback(null, reply.bytes.byteLength === 0 ? undefined : Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength));
      callback(new ServiceError(isErrorCode(reply.code) ? reply.code : 'INTERNAL', reply.message));
    };
    worker.postMessage(request);
  };
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      ask({ chunk }, callback);
    },
    flush(callback) {
      ask({}, (error, bytes) => {
        stop();
        callback(error, bytes);
      });
    },
    destroy(error, callback) {
      stop();
      callback(error);
    },
  });
  worker.on('message', (reply: EncoderReply) => waiting?.(reply));
  worker.on('error', (error) => transform.destroy(new ServiceError('INTERNAL', `the ${format} encoder failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => {
    if (!finished) transform.destroy(new ServiceError('INTERNAL', `the ${format} encoder stopped (exit ${code})`));
  });
  return transform;
}
