// The stored documents (manifest, payload, report) of a real run, as a reader gets them back
// (JSON round trip): executeRun on the given pool and snapshot, the dataset discarded.
import type { InputSnapshot } from '../../src/census/census-table.js';
import type { CardInputs } from '../../src/runs/dataset-card.js';
import { executeRun, type PipelinePool, type RunSink } from '../../src/runs/run-pipeline.js';
import { effectiveRequestOf, type RunRequest } from '../../src/runs/run-request.js';
import { testPipelineDeps } from './runs-service.js';
import { TEST_NOW } from './snapshot.js';

const discard = (): RunSink => ({ write: () => undefined, commit: async () => undefined, abort: async () => undefined });

export async function runDocuments(pool: PipelinePool, snapshot: InputSnapshot, request: RunRequest, seed: number, runId: string): Promise<CardInputs> {
  const result = await executeRun(testPipelineDeps(pool), {
    runId,
    request: effectiveRequestOf(request, seed),
    requestReceived: { ...request },
    createdAt: TEST_NOW.toISOString(),
    snapshot,
    sink: discard(),
  });
  return JSON.parse(JSON.stringify({ manifest: result.manifest, payload: result.payload, report: result.report })) as CardInputs;
}
