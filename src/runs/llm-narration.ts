/**
 * llm narratives for one run, streamed. The pool writes each shard's NDJSON into `sink`; each
 * shard is cut into personas as the narration window pulls them (one JSON.parse per persona,
 * never a whole shard at once), narrated `NARRATION_WINDOW` at a time, and written on to the
 * run's sink in order, in batches, hashed and counted as they pass. The pool waits for each
 * shard to be narrated before handing over the next, so memory stays flat however large n is,
 * and no step does more than one batch of work per tick.
 *
 *   pool shard (NDJSON) ─► personas, lazily ─► narrateInOrder (window) ─► batch ─► run sink
 */
import { createHash } from 'node:crypto';
import type { Narrative, NarrativeRunStats, Persona } from '../domain/persona.js';
import { mergeNarrativeRunStats, narrativeRunStats } from '../narratives/narrative-stats.js';
import { narrateInOrder, type NarrativeProvider } from '../narratives/provider.js';
import type { DatasetSink } from '../workers/shard-merge.js';

/** Lines per write to the run's sink (≈ 1 MB with narratives). */
const BATCH_LINES = 256;

export interface LlmNarrationOptions {
  /** The run's llm session; absent when LLM_BASE_URL is not configured (narratives are then missing). */
  readonly provider: NarrativeProvider | undefined;
  readonly seed: number;
  readonly signal?: AbortSignal;
  /** Where narrated records go, in order. */
  readonly sink: { write(chunk: Uint8Array): void | Promise<void> };
  readonly total: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface LlmNarration {
  /** What the pool writes its shards into. */
  readonly sink: DatasetSink;
  /** Once the pool is done: the written dataset's hash and size, and the narrative stats. */
  result(): { dataset_sha256: string; bytes: number; narratives: NarrativeRunStats };
}

/** The personas of one NDJSON shard, parsed one at a time as they are pulled. */
function* personasOf(chunk: Uint8Array): Generator<Persona> {
  const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  let start = 0;
  while (start < buffer.length) {
    let end = buffer.indexOf(0x0a, start);
    if (end < 0) end = buffer.length;
    if (end > start) yield JSON.parse(buffer.toString('utf8', start, end)) as Persona;
    start = end + 1;
  }
}

export function createLlmNarration(options: LlmNarrationOptions): LlmNarration {
  const hash = createHash('sha256');
  let bytes = 0;
  let done = 0;
  let stats = narrativeRunStats('llm', []);
  let lines: string[] = [];
  let narratives: (Narrative | undefined)[] = [];
  const context = { seed: options.seed, ...(options.signal ? { signal: options.signal } : {}) };

  const flush = async () => {
    if (lines.length === 0) return;
    const batch = Buffer.from(lines.join(''), 'utf8');
    stats = mergeNarrativeRunStats(stats, narrativeRunStats('llm', narratives));
    done += lines.length;
    lines = [];
    narratives = [];
    hash.update(batch);
    bytes += batch.byteLength;
    await options.sink.write(batch);
    options.onProgress?.(done, options.total);
  };
  const emit = async (persona: Persona, narrative: Narrative | undefined) => {
    lines.push(`${JSON.stringify(narrative ? { ...persona, narrative } : persona)}\n`);
    narratives.push(narrative);
    if (lines.length >= BATCH_LINES) await flush();
  };

  return {
    sink: {
      write: async (chunk) => {
        const { provider } = options;
        if (provider === undefined) {
          for (const persona of personasOf(chunk)) await emit(persona, undefined);
        } else {
          await narrateInOrder(personasOf(chunk), provider, context, (persona, result) => emit(persona, result.narrative));
        }
        // All of this shard is written before the pool sends the next one (and reuses this buffer).
        await flush();
      },
    },
    result: () => ({ dataset_sha256: hash.digest('hex'), bytes, narratives: stats }),
  };
}
