/**
 * Reading persona records out of NDJSON bytes split anywhere (mid-line, mid-UTF-8 character), for
 * the dataset converters: only the unfinished line is held, so memory stays constant whatever n
 * is. Lines are split on the byte 0x0A, which never occurs inside a multi-byte UTF-8 character,
 * and decoded whole.
 */
import { ServiceError } from '../errors.js';

/**
 * Longest NDJSON line a converter buffers (16 MiB). A persona with narratives is a few KiB; a
 * longer line means the input is not a persona dataset, and holding it would defeat constant memory.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** Splits bytes into lines (without their `\n` or `\r\n`), skipping empty lines. */
export class LineSplitter {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #lineNumber = 0;

  /** Calls `onLine` for every line `chunk` completes. */
  push(chunk: Uint8Array, onLine: (line: Buffer, lineNumber: number) => void): void {
    const bytes = asBuffer(chunk);
    let start = 0;
    for (let end = bytes.indexOf(NEWLINE, start); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
      const tail = bytes.subarray(start, end);
      const line = this.#pending.length === 0 ? tail : Buffer.concat([...this.#pending, tail]);
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#emit(line, onLine);
      start = end + 1;
    }
    if (start < bytes.length) {
      this.#pendingBytes += bytes.length - start;
      this.#checkLength(this.#pendingBytes);
      // A copy: keeping a view would pin the whole (shard-sized) chunk in memory.
      this.#pending.push(Buffer.from(bytes.subarray(start)));
    }
  }

  /** Calls `onLine` for a last line that had no newline. */
  finish(onLine: (line: Buffer, lineNumber: number) => void): void {
    if (this.#pendingBytes > 0) this.#emit(Buffer.concat(this.#pending), onLine);
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  #emit(line: Buffer, onLine: (line: Buffer, lineNumber: number) => void): void {
    this.#lineNumber += 1;
    this.#checkLength(line.length);
    const content = line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.subarray(0, -1) : line;
    if (content.length > 0) onLine(content, this.#lineNumber);
  }

  #checkLength(bytes: number): void {
    if (bytes > MAX_LINE_BYTES) {
      throw new ServiceError('INTERNAL', `dataset line ${this.#lineNumber + 1} is longer than ${MAX_LINE_BYTES} bytes`);
    }
  }
}

/** One line's JSON value; a line that is not JSON fails with INTERNAL naming it. */
export function parseLine(line: Buffer, lineNumber: number): unknown {
  try {
    return JSON.parse(line.toString('utf8'));
  } catch (error) {
    throw new ServiceError('INTERNAL', `dataset line ${lineNumber} is not valid JSON`, { cause: error });
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
