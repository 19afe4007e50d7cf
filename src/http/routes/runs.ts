/**
 * The runs resource (SPEC §11): start a generation, read it back, fetch its trust payload,
 * dataset, report and manifest, cancel and delete it. Handlers stay thin: they parse headers,
 * call the runs service and shape the answer.
 */
import { finished } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ServiceError, withoutServerPaths } from '../../errors.js';
import { PersonaSchema } from '../../domain/persona.js';
import { RUN_ID, RUN_STATUSES, RunRecordSchema, type RunRecord } from '../../runs/run-store.js';
import type { RunsService, Settled } from '../../runs/runs-service.js';
import { syncBody } from '../../runs/dataset-formats.js';
import { ROW_GROUP_ROWS } from '../../runs/dataset-parquet.js';
import { runRequestSchema } from '../../runs/run-request.js';
import { CARD_MEDIA_TYPE, runCard } from '../../runs/dataset-card.js';
import { REPORT_HTML_CSP, REPORT_HTML_MEDIA_TYPE, runReportHtml } from '../../runs/report-html/trust-report-html.js';
import { isStorageErrorCode, STORAGE_RETRY_AFTER_SECONDS } from '../../runs/storage-error.js';
import { GradientTrustPayloadSchema } from '../../trust/payload-schema.js';
import { RunManifestSchema } from '../../trust/manifest.js';
import { TrustReportSchema, type TrustReport } from '../../trust/report-schema.js';
import {
  baseMediaType,
  DATASET_MEDIA_TYPES,
  datasetBody,
  datasetEtag,
  datasetRangeBody,
  ifRangeHolds,
  negotiateDatasetType,
  negotiateMediaType,
  negotiateEncoding,
  noneMatchHits,
  parseRange,
} from '../dataset-response.js';
import { BEARER_AUTH, problemResponses, type ZodApp } from '../route-schema.js';

/** The persona record as a named component (its example: openapi/examples/persona.json). */
const PersonaComponent = PersonaSchema.meta({ id: 'Persona', description: 'One synthetic person; docs/fields.md says what each field means.' });

const RunIdParams = z.strictObject({ run_id: z.string().describe('UUIDv7 of the run (any case; answered in lower case)') });

export const RunLinksSchema = z
  .strictObject({
    self: z.string(),
    trust_payload: z.string(),
    dataset: z.string(),
    report: z.string(),
    manifest: z.string(),
    card: z.string(),
  })
  .meta({ id: 'RunLinks', description: 'Where to find the parts of a run.' });

/**
 * The run resource: the stored record without the store's bookkeeping, plus links. The contract
 * pins `run_id` as a plain string and `effective_request` as an open object, as first served.
 */
export const RunSchema = RunRecordSchema.omit({ request_hash: true, idempotency_key: true, attempts: true })
  .extend({
    run_id: z.string(),
    effective_request: z.record(z.string(), z.unknown()).describe('The request after defaults (what ran; feeds config_hash).'),
    links: RunLinksSchema,
  })
  .strict()
  .meta({ id: 'Run', description: 'A generation run.' });

const RunCreatedSchema = z
  .strictObject({
    run_id: z.string(),
    status: z.enum(RUN_STATUSES),
    trust_payload: GradientTrustPayloadSchema,
    links: RunLinksSchema,
    dataset: z.array(PersonaComponent).optional().describe('The personas; absent when the dataset is withheld.'),
  })
  .meta({ id: 'RunCreated', description: 'A synchronous run, finished.' });

const RunAcceptedSchema = z
  .strictObject({ run_id: z.string(), status: z.enum(RUN_STATUSES), links: RunLinksSchema })
  .meta({ id: 'RunAccepted', description: 'An asynchronous run, queued.' });

const RunPageSchema = z
  .strictObject({ runs: z.array(RunSchema), next_cursor: z.string().nullable() })
  .meta({ id: 'RunPage', description: 'Runs, newest first.' });

/** A run id as callers may write it: any case (RFC 9562 §4: UUIDs compare case-insensitively). */
const RUN_ID_ANY_CASE = new RegExp(RUN_ID.source, 'i');
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function linksOf(runId: string): z.infer<typeof RunLinksSchema> {
  const self = `/v1/runs/${runId}`;
  return {
    self,
    trust_payload: `${self}/trust-payload`,
    dataset: `${self}/dataset`,
    report: `${self}/report`,
    manifest: `${self}/manifest`,
    card: `${self}/card`,
  };
}

export function runResourceOf(record: RunRecord): z.infer<typeof RunSchema> {
  const { request_hash: _hash, idempotency_key: _key, attempts: _attempts, ...shown } = record;
  // Records stored before paths were kept out of messages still hold them.
  const error = shown.error === null ? null : { ...shown.error, message: withoutServerPaths(shown.error.message) };
  // A run whose stored record is unreadable has no effective request to show: an empty object.
  return { ...shown, effective_request: shown.effective_request ?? {}, error, links: linksOf(record.run_id) };
}

function badHeader(header: string, message: string): ServiceError {
  return new ServiceError('REQUEST_VALIDATION', `Invalid ${header} header: ${message}`, {
    details: { errors: [{ path: `/headers/${header}`, message }] },
  });
}

/**
 * `Prefer: respond-async` (RFC 7240). A preference is its token, up to `=` or `;`; anything we do
 * not recognise, empty or malformed alike, is ignored (§2: a server MUST ignore preferences it does
 * not recognise, and empty values count as none), so no Prefer header fails a request.
 */
export function prefersAsync(value: string | string[] | undefined): boolean {
  if (value === undefined) return false;
  return (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .some((preference) => preference.split(/[=;]/, 1)[0]!.trim().toLowerCase() === 'respond-async');
}

function idempotencyKeyOf(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) || !IDEMPOTENCY_KEY.test(value)) throw badHeader('idempotency-key', 'expected 1 to 255 visible ASCII characters');
  return value;
}

/** The run id in its stored (lower-case) form; not a UUID: no such run. */
function requireRunId(runId: string): string {
  if (!RUN_ID_ANY_CASE.test(runId)) throw new ServiceError('RUN_NOT_FOUND', `no run ${runId.slice(0, 80)}`);
  return runId.toLowerCase();
}

const RUN_TAGS = ['runs'];
/** The report's representations, the default first. */
const REPORT_TYPES = ['application/json', 'text/html'] as const;
const security = BEARER_AUTH;

export function runsRoutes(service: RunsService, maxN: number) {
  const RunRequestSchema = runRequestSchema(maxN);

  return async function register(v1: ZodApp): Promise<void> {
    v1.post(
      '/runs',
      {
        schema: {
          operationId: 'createRun',
          summary: 'Start a generation run',
          description:
            'Synchronous (201, with the payload and the dataset) when n ≤ SYNC_MAX_N and no `Prefer: respond-async`; otherwise queued (202). Other, empty or malformed preferences are ignored (RFC 7240). `Idempotency-Key`: the same key and body give the same run (a sync retry waits for it and gets the same 201); the same key with another body is a 422. A strict run that is rejected answers 422 with its run_id, decision and gate codes. A sync run cancelled (DELETE) before it finished answers 409; one that failed, 500; one interrupted by a shutdown, 503 (it runs again at the next start). A full run store (`DATA_DIR`) answers 507 `SERVICE_STORAGE_FULL`, a read-only one 503 `SERVICE_STORAGE_UNAVAILABLE`, both with `Retry-After`; nothing is stored then.',
          tags: RUN_TAGS,
          security,
          headers: z.looseObject({
            prefer: z.string().optional().describe('`respond-async` queues the run (RFC 7240); other preferences are ignored.'),
            'idempotency-key': z.string().optional().describe('1 to 255 visible ASCII characters.'),
          }),
          body: RunRequestSchema,
          response: {
            201: {
              description: 'The run finished (sync).',
              headers: { Location: { schema: { type: 'string' } } },
              content: { 'application/json': { schema: RunCreatedSchema } },
            },
            202: {
              description: 'The run is queued (async); poll Location.',
              headers: { Location: { schema: { type: 'string' } } },
              content: { 'application/json': { schema: RunAcceptedSchema } },
            },
            ...problemResponses([400, 401, 409, 413, 415, 422, 500, 503, 507]),
          },
        },
      },
      async (request, reply) => {
        const preferAsync = prefersAsync(request.headers.prefer);
        const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key']);
        const submitted = await service.submit(request.body, { preferAsync, idempotencyKey });
        const location = `/v1/runs/${submitted.record.run_id}`;
        reply.header('location', location);
        if (!submitted.sync) {
          const record = submitted.replayed ? ((await service.get(submitted.record.run_id)) ?? submitted.record) : submitted.record;
          return reply.code(202).send({ run_id: record.run_id, status: record.status, links: linksOf(record.run_id) });
        }
        return answerSync(service, await submitted.done, reply);
      },
    );

    v1.get(
      '/runs',
      {
        schema: {
          operationId: 'listRuns',
          summary: 'Recent runs, newest first',
          tags: RUN_TAGS,
          security,
          querystring: z.strictObject({
            limit: z.coerce.number().int().min(1).max(100).default(20),
            cursor: z.string().regex(RUN_ID_ANY_CASE).transform((id) => id.toLowerCase()).optional().describe('`next_cursor` of the previous page.'),
          }),
          response: {
            200: { description: 'A page of runs', content: { 'application/json': { schema: RunPageSchema } } },
            ...problemResponses([400, 401, 500, 503]),
          },
        },
      },
      async (request) => {
        const page = await service.list(request.query.limit, request.query.cursor);
        return { runs: page.runs.map(runResourceOf), next_cursor: page.next_cursor };
      },
    );

    v1.get(
      '/runs/:run_id',
      {
        schema: {
          operationId: 'getRun',
          summary: 'A run: status, progress, decision, links',
          tags: RUN_TAGS,
          security,
          params: RunIdParams,
          response: {
            200: { description: 'The run', content: { 'application/json': { schema: RunSchema } } },
            ...problemResponses([400, 401, 404, 500, 503]),
          },
        },
      },
      async (request) => {
        const runId = requireRunId(request.params.run_id);
        const record = await service.get(runId);
        if (!record) throw new ServiceError('RUN_NOT_FOUND', `no run ${runId}`);
        return runResourceOf(record);
      },
    );

    const artifactRoute = (path: string, name: 'payload' | 'report' | 'manifest', schema: z.ZodType, summary: string, operationId: string) =>
      v1.get(
        `/runs/:run_id/${path}`,
        {
          schema: {
            operationId,
            summary,
            tags: RUN_TAGS,
            security,
            params: RunIdParams,
            response: {
              200: { description: summary, content: { 'application/json': { schema } } },
              ...problemResponses([400, 401, 404, 409, 500, 503]),
            },
          },
        },
        async (request) => service.artifact(requireRunId(request.params.run_id), name),
      );
    artifactRoute('trust-payload', 'payload', GradientTrustPayloadSchema, 'The Gradient trust payload (409 while unfinished)', 'getTrustPayload');
    v1.get(
      '/runs/:run_id/report',
      {
        schema: {
          operationId: 'getTrustReport',
          summary: 'The full trust report, JSON or one HTML page (409 while unfinished)',
          description:
            'JSON by default (also for `*/*`). With `Accept: text/html`, one self-contained page rendered on the server from the stored manifest, payload and report: the verdict with every gate code, the population pyramid (age group × sex), the 35 units ranked with their share above retirement age, every checked field and joint check as generated against target with its 95% sampling envelope, calibration, provenance of every table, the request and the manifest essentials. Charts are inline SVG with tables beside them; no script and nothing fetched at view time (`Content-Security-Policy: ' +
            REPORT_HTML_CSP +
            '`). The same run always gives the same bytes. 406 when Accept allows neither. Also written by `generate --report FILE.html`.',
          tags: RUN_TAGS,
          security,
          params: RunIdParams,
          response: {
            200: {
              description: 'The full trust report',
              content: {
                'application/json': { schema: TrustReportSchema },
                'text/html': { schema: z.string().describe('A self-contained HTML5 page (inline SVG and styles, no script).') },
              },
            },
            ...problemResponses([400, 401, 404, 406, 409, 500, 503]),
          },
        },
      },
      async (request, reply) => {
        const runId = requireRunId(request.params.run_id);
        const type = negotiateMediaType(request.headers.accept, REPORT_TYPES);
        if (type === null) throw new ServiceError('REQUEST_NOT_ACCEPTABLE', `The report is available as ${REPORT_TYPES.join(' or ')}.`);
        void reply.header('vary', 'Accept');
        if (type === 'application/json') return (await service.artifact(runId, 'report')) as TrustReport;
        const page = await runReportHtml(service, runId);
        return reply.type(REPORT_HTML_MEDIA_TYPE).header('content-security-policy', REPORT_HTML_CSP).header('x-content-type-options', 'nosniff').send(page);
      },
    );
    artifactRoute('manifest', 'manifest', RunManifestSchema, 'The run manifest (409 while unfinished)', 'getRunManifest');

    v1.get(
      '/runs/:run_id/card',
      {
        schema: {
          operationId: 'getDatasetCard',
          summary: 'The dataset card, Markdown (409 while unfinished)',
          description:
            'A Hugging Face-style dataset card rendered from the stored manifest, trust payload and report: YAML front matter (pretty_name, license, language, size_categories, tags), then what the data is and is not for, every field with its type and meaning (docs/fields.md), every table with its id and vintage, the licence and attribution of the NBS source data, the method in short, the known limits, the verdict, the request (with its `where` condition) and how to reproduce it. The same run always gives the same bytes. Also written by `generate --card FILE.md`.',
          tags: RUN_TAGS,
          security,
          params: RunIdParams,
          response: {
            200: { description: 'The dataset card', content: { 'text/markdown': { schema: z.string().describe('CommonMark with GFM tables, after YAML front matter.') } } },
            ...problemResponses([400, 401, 404, 409, 500, 503]),
          },
        },
      },
      async (request, reply) => reply.type(CARD_MEDIA_TYPE).send(await runCard(service, requireRunId(request.params.run_id))),
    );

    v1.get(
      '/runs/:run_id/dataset',
      {
        schema: {
          operationId: 'getDataset',
          summary: 'The dataset, streamed',
          description:
            'NDJSON by default (also for `*/*` and `application/*`); `text/csv`, `application/json` or `application/vnd.apache.parquet` by `Accept`. Parquet: typed columns (codes as dictionary-encoded UTF-8 strings, `index` and `age` INT32, traits as five nullable DOUBLE `traits_<name>` columns, `narrative` as JSON text), row groups of at most ' +
            String(ROW_GROUP_ROWS) +
            ' rows, and the dataset_sha256 in the footer key-value metadata. The text formats are compressed on request (`Accept-Encoding: gzip` or `br`, streamed; `Content-Encoding` says which; Parquet is sent as it is). `ETag` is strong and per representation: the dataset_sha256 (of the NDJSON bytes) for NDJSON, that digest with `-csv`, `-json` or `-parquet` appended for the other formats, then `-gzip` or `-br` for a compressed one; `Vary: Accept, Accept-Encoding`. `If-None-Match` with the representation\'s ETag (or `*`) answers 304 with no body. Uncompressed NDJSON has a `Content-Length` and takes one byte range (`Range: bytes=a-b`, `bytes=a-`, `bytes=-n`; `If-Range` with its ETag): 206 with `Content-Range`, 416 for a range past the end; several ranges, or a Range on another representation, get the whole answer (200). A stored dataset whose bytes no longer match its record is never served: 500 `RUN_STORE_CORRUPT` before the body, or a connection cut before its end (a range is checked against the file size, not the hash, which covers the whole file). 409 while the run is unfinished, 410 when the dataset was withheld (strict rejection) or never made.',
          tags: RUN_TAGS,
          security,
          params: RunIdParams,
          response: {
            200: {
              description: 'The personas',
              content: {
                [baseMediaType('ndjson')]: { schema: z.string().describe('One persona (Persona schema) per line.') },
                [baseMediaType('csv')]: { schema: z.string().describe('RFC 4180 CSV with a header row (traits flattened, narrative as JSON text).') },
                [baseMediaType('json')]: { schema: z.array(PersonaComponent) },
                [baseMediaType('parquet')]: {
                  schema: z.string().meta({ contentMediaType: baseMediaType('parquet'), description: 'An Apache Parquet file (binary); columns as for CSV, typed.' }),
                },
              },
            },
            206: {
              description: 'One byte range of the uncompressed NDJSON',
              content: { [baseMediaType('ndjson')]: { schema: z.string().describe('Bytes a..b of the NDJSON (not necessarily whole lines).') } },
            },
            304: z.null().describe('Not modified: If-None-Match names this representation (its ETag is sent again, no body)'),
            ...problemResponses([400, 401, 404, 406, 409, 410, 416, 500, 503]),
          },
        },
      },
      async (request, reply) => {
        // The representation depends on Accept and Accept-Encoding: caches must key on both (RFC 9110 §12.5.5).
        reply.header('vary', 'Accept, Accept-Encoding');
        const runId = requireRunId(request.params.run_id);
        const type = negotiateDatasetType(request.headers.accept);
        const encoding = negotiateEncoding(request.headers['accept-encoding'], type);
        const record = await service.datasetRecord(runId);
        const etag = datasetEtag(record.dataset, type, encoding);
        // No body at all (RFC 9110 §15.4.5): send() without a payload, not a serialised null.
        if (noneMatchHits(request.headers['if-none-match'], etag)) return reply.code(304).header('etag', etag).send(undefined as unknown as null);
        const contentType = type === 'ndjson' ? `${DATASET_MEDIA_TYPES.ndjson}; charset=utf-8` : DATASET_MEDIA_TYPES[type];
        const whole = type === 'ndjson' && encoding === 'identity';
        reply.header('accept-ranges', whole ? 'bytes' : 'none');
        // Repeated If-Range headers cannot be read as one validator: answer in full.
        const ifRange = request.headers['if-range'];
        const rangeAllowed = whole && !Array.isArray(ifRange) && ifRangeHolds(ifRange, etag);
        const range = rangeAllowed ? parseRange(request.headers.range, record.dataset.bytes) : null;
        if (range === 'unsatisfiable') {
          reply.header('content-range', `bytes */${record.dataset.bytes}`);
          throw new ServiceError('REQUEST_RANGE_NOT_SATISFIABLE', `The dataset has ${record.dataset.bytes} bytes; the range asked for starts past its end.`);
        }
        if (range) {
          const body = await datasetRangeBody(await service.openDataset(record, range), record.dataset, range);
          // The ETag only once the body is ready: a refused file (500) must not carry one.
          reply.code(206).header('etag', etag).header('content-type', contentType).header('content-length', range.end - range.start + 1);
          reply.header('content-range', `bytes ${range.start}-${range.end}/${record.dataset.bytes}`);
          return reply.send(body as unknown as string);
        }
        const body = await datasetBody(await service.openDataset(record), type, record.dataset, encoding);
        reply.header('etag', etag).header('content-type', contentType);
        if (encoding !== 'identity') reply.header('content-encoding', encoding);
        if (whole) reply.header('content-length', record.dataset.bytes);
        // A stream body: fastify pipes it; the typed reply only knows the documented JSON shapes.
        return reply.send(body as unknown as string);
      },
    );

    v1.delete(
      '/runs/:run_id',
      {
        schema: {
          operationId: 'deleteRun',
          summary: 'Cancel a run if unfinished, then delete everything stored for it',
          tags: RUN_TAGS,
          security,
          params: RunIdParams,
          response: { 204: z.null().describe('Deleted'), ...problemResponses([400, 401, 404, 413, 415, 500, 503]) },
        },
      },
      async (request, reply) => {
        await service.cancelAndDelete(requireRunId(request.params.run_id));
        return reply.code(204).send(null);
      },
    );
  };
}

/**
 * The answer to a sync request once its run settled: 201 with the payload and the dataset spliced
 * in as already-serialised JSON lines, or the problem that says why there is none.
 */
async function answerSync(service: RunsService, settled: Settled, reply: FastifyReply): Promise<FastifyReply> {
  const { record } = settled;
  const runId = record.run_id;
  if (record.status === 'queued' || record.status === 'running') {
    throw new ServiceError('SERVICE_SHUTTING_DOWN', `Run ${runId} is not finished (the service is shutting down, or it runs on another replica); it stays queued and runs to its end. Retry with the same Idempotency-Key, or poll /v1/runs/${runId}.`, {
      details: { run_id: runId, retryAfterSeconds: 5 },
    });
  }
  if (record.status === 'cancelled') {
    throw new ServiceError('RUN_CANCELLED', `run ${runId} was cancelled before it finished`, { details: { run_id: runId } });
  }
  if (record.status === 'failed') {
    const code = record.error?.code;
    // A full or read-only disk is the instance's state, not a failure of the run: 507/503 with Retry-After.
    if (isStorageErrorCode(code)) {
      throw new ServiceError(code, record.error!.message, { details: { retryAfterSeconds: STORAGE_RETRY_AFTER_SECONDS } });
    }
    // A condition found empty when the run was planned is the request's fault: 422 naming it.
    if (code === 'REQUEST_CONDITION_EMPTY') {
      throw new ServiceError(code, record.error!.message, {
        details: { run_id: runId, errors: [{ path: '/body/where', message: record.error!.message }] },
      });
    }
    throw new ServiceError('RUN_WORKER_FAILED', record.error?.message ?? `run ${runId} failed`, { details: { run_id: runId } });
  }
  const payload = settled.payload ?? (await service.artifact(runId, 'payload'));
  if (record.dataset === null || record.dataset.withheld) {
    throw new ServiceError('RUN_REJECTED_STRICT', `run ${runId} was rejected in strict mode; its dataset is withheld`, {
      details: { run_id: runId, decision: record.decision, gate_codes: record.gate_codes, links: linksOf(runId) },
    });
  }
  // Until the client has read it, the answer's dataset is held in memory: it counts against MAX_QUEUE.
  const release = service.holdAnswer();
  try {
    // A replayed request (Idempotency-Key) after the run finished reads the dataset back from the store.
    const bytes = settled.bytes ?? [await buffer((await service.dataset(runId)).stream)];
    const head = JSON.stringify({ run_id: runId, status: record.status, trust_payload: payload, links: linksOf(runId) });
    // Finished (all bytes handed to the socket) or closed (the client went away, or an idle timeout).
    finished(reply.raw, () => release());
    reply.code(201).header('content-type', 'application/json; charset=utf-8');
    return reply.send(syncBody(head, bytes));
  } catch (error) {
    release();
    throw error;
  }
}
