/**
 * Worker entry (a thin adapter) for a dataset conversion off the main thread: one encoder per
 * worker (`workerData.format`), fed chunk by chunk over `parentPort`; each reply carries what
 * that chunk completed. Errors cross as `{ ok: false, code, message }` (structured clone drops an
 * error's class and code); `dataset-encoder-thread.ts` rebuilds the ServiceError.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { hasErrorCode } from '../errors.js';
import { createDatasetEncoder, type DatasetFormat } from './dataset-formats.js';
import type { EncoderReply, EncoderRequest } from './dataset-encoder-thread.js';

const port = parentPort!;
const encoder = createDatasetEncoder((workerData as { format: DatasetFormat }).format);

port.on('message', (request: EncoderRequest) => {
  let reply: EncoderReply;
  try {
    const out = request.chunk === undefined ? encoder.end() : encoder.write(request.chunk);
    // A copy with its own buffer, which can be transferred: `out` may sit in Node's shared pool.
    const bytes = new Uint8Array(out);
    port.postMessage({ ok: true, bytes } satisfies EncoderReply, [bytes.buffer]);
    return;
  } catch (error) {
    reply = { ok: false, code: hasErrorCode(error) ? error.code : 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
