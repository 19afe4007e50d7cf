/**
 * The `llm` provider (SPEC §7): any OpenAI-compatible `POST {baseUrl}/chat/completions`.
 *
 *   generateNarrative ─► semaphore (concurrency) ─► chat call ─► assess ─┬─► served / withheld
 *                                                    ▲                  └─► one repair call ─► assess
 *   chat call = circuit breaker (shared by every run) ─► undici request on one dispatcher:
 *               base agent ∘ interceptors.retry (POST listed; 429/5xx and network errors;
 *               backoff honouring Retry-After), per-attempt headers/body timeout, one overall
 *               deadline of `timeoutMs` for the whole call (retries and waits included), the
 *               run's AbortSignal.
 *
 * The breaker counts calls that time out or find the endpoint unreachable or failing (5xx/429
 * after retries); after `breaker.failureThreshold` in a row, calls fail at once with
 * LLM_CIRCUIT_OPEN until one probe, after `breaker.cooldownMs`, gets an answer. A stalled
 * endpoint then costs each run about one deadline, instead of one per persona.
 *
 * Every outcome resolves as a narrative (served, withheld, failed); only cancellation rejects.
 * A failing endpoint never falls back to the template: the persona's narrative is `failed`.
 * The API key goes only into the Authorization header; error messages and details are built
 * here, and any text from outside is scrubbed of the key before it is kept.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { CircuitBreaker } from '../../circuit-breaker.js';
import { ServiceError, hasErrorCode } from '../../errors.js';
import type { Persona } from '../../domain/persona.js';
import { createRng } from '../../rng.js';
import {
  MAX_ASSESSED_ANSWER_CHARS,
  assessNarrativeText,
  assessOversizedAnswer,
  failedNarrative,
  narrativeFromAssessment,
  type NarrativeAssessment,
} from '../assess.js';
import { buildNarrativePrompt, buildRepairMessages, PROMPT_VERSION, type ChatMessage } from '../prompt.js';
import type { NarrativeContext, NarrativeProvider, NarrativeResult } from '../provider.js';
import type { NarrativeIssue } from '../reasons.js';
import { onAbort } from './abort-fanout.js';
import { Semaphore } from './semaphore.js';
import { untilAborted } from '../../until-aborted.js';

const LlmProviderOptionsSchema = z.strictObject({
  /** OpenAI-compatible API base, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`. */
  baseUrl: z.url(),
  /** Bearer key; empty sends no Authorization header (local servers). */
  apiKey: z.string(),
  model: z.string().min(1),
  concurrency: z.number().int().min(1).max(256),
  /**
   * Deadline of one call, ms: every attempt and every back-off wait included. Each attempt's
   * response headers and each gap in its body are also bounded by it.
   */
  timeoutMs: z.number().int().min(1).max(600_000),
  retry: z
    .strictObject({
      /** Retries after the first attempt (undici counts the same way). */
      maxRetries: z.number().int().min(0).max(10).default(3),
      minDelayMs: z.number().int().min(0).max(60_000).default(500),
      /** Upper bound of one wait, Retry-After included. */
      maxDelayMs: z.number().int().min(0).max(300_000).default(30_000),
    })
    .default({ maxRetries: 3, minDelayMs: 500, maxDelayMs: 30_000 }),
  breaker: z
    .strictObject({
      /** Consecutive timed-out or unreachable/failing calls that open the circuit. */
      failureThreshold: z.number().int().min(1).max(1_000).default(5),
      /** How long the circuit stays open before one probe call, ms. */
      cooldownMs: z.number().int().min(0).max(3_600_000).default(30_000),
    })
    .default({ failureThreshold: 5, cooldownMs: 30_000 }),
  temperature: z.number().min(0).max(2).default(0.7),
  maxTokens: z.number().int().min(64).max(32_768).default(2_000),
});

/** The circuit opened (calls now fail at once) or closed again (a probe got an answer). */
export type LlmCircuitEvent = { readonly state: 'open' } | { readonly state: 'closed' };

export type LlmProviderOptions = z.input<typeof LlmProviderOptionsSchema> & {
  /** Base transport; the retry interceptor is composed on top. Default: a new undici Agent. */
  readonly dispatcher?: Dispatcher;
  /** Told when the circuit opens or closes (the service logs it for on-call). */
  readonly onCircuit?: (event: LlmCircuitEvent) => void;
};

export interface LlmNarrativeProvider extends NarrativeProvider {
  /**
   * A fresh session for one run: `LLM_CONCURRENCY` calls at most and its own fatal-answer memory,
   * sharing this provider's connections. `generateNarrative` on the provider itself is one
   * long-lived session (tests and one-off callers).
   */
  forRun(): NarrativeProvider;
  /** Closes the agent this provider created (a dispatcher passed in is the caller's to close). */
  close(): Promise<void>;
}

const RETRIED_NETWORK_ERRORS = ['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'ENETDOWN', 'ENETUNREACH', 'EHOSTDOWN', 'EHOSTUNREACH', 'EPIPE', 'UND_ERR_SOCKET'];
const TIMEOUT_ERRORS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
/** Statuses after which every later call would fail the same way: stop calling. */
const FATAL_STATUSES = new Set([401, 403, 404]);
const MAX_RESPONSE_BYTES = 2_000_000;

const ChatCompletionSchema = z.object({
  choices: z
    .array(z.object({ message: z.object({ content: z.string().nullable().optional() }), finish_reason: z.string().nullable().optional() }))
    .min(1),
});

async function readLimited(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy();
      throw new ServiceError('LLM_BAD_RESPONSE', `LLM response larger than ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

interface CallOptions {
  readonly signal: AbortSignal | undefined;
  readonly seed: number;
}

/** Failures that say the endpoint cannot serve calls now: they count towards opening the circuit. */
function isUpstreamFailure(error: ServiceError): boolean {
  if (error.code === 'LLM_TIMEOUT' || error.code === 'LLM_UNREACHABLE') return true;
  const status = error.details?.status;
  return error.code === 'LLM_HTTP_ERROR' && typeof status === 'number' && (status >= 500 || status === 429);
}

/** The provider's HTTP edge: one chat-completions call (retries inside), returning the content. */
class ChatClient {
  private readonly url: string;
  /** One call's deadline: not timeoutMs × (retries + 1) + waits, which let one persona take minutes. */
  private readonly deadlineMs: number;
  /** Shared by every session: one endpoint, one judgement of whether it is up. */
  private readonly breaker: CircuitBreaker;

  constructor(
    private readonly options: z.output<typeof LlmProviderOptionsSchema>,
    private readonly dispatcher: Dispatcher,
    private readonly onCircuit: (event: LlmCircuitEvent) => void = () => undefined,
  ) {
    this.url = new URL('chat/completions', options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`).href;
    this.deadlineMs = options.timeoutMs;
    this.breaker = new CircuitBreaker(options.breaker);
  }

  /** Records the outcome of one call, telling `onCircuit` when that changes the circuit. */
  private record(failure: boolean): void {
    const now = Date.now();
    const wasClosed = this.breaker.state(now) === 'closed';
    if (failure) this.breaker.recordFailure(now);
    else this.breaker.recordSuccess();
    const isClosed = this.breaker.state(now) === 'closed';
    if (wasClosed && !isClosed) this.onCircuit({ state: 'open' });
    else if (!wasClosed && isClosed) this.onCircuit({ state: 'closed' });
  }

  /** Removes the API key from any text that came from outside (a server may echo headers). */
  scrub(text: string): string {
    const key = this.options.apiKey;
    return key.length === 0 ? text : text.split(key).join('[redacted]');
  }

  /** Breaker bookkeeping around one call; what the call throws is passed on unchanged. */
  async complete(messages: readonly ChatMessage[], options: CallOptions): Promise<string> {
    if (options.signal?.aborted === true) throw new ServiceError('RUN_CANCELLED', 'narrative generation was cancelled');
    const now = Date.now();
    const probe = this.breaker.state(now) === 'half_open';
    if (!this.breaker.tryAcquire(now)) {
      const { failureThreshold, cooldownMs } = this.options.breaker;
      throw new ServiceError(
        'LLM_CIRCUIT_OPEN',
        `LLM calls are failing (${failureThreshold} in a row): calls fail at once until a probe succeeds, at most ${cooldownMs} ms after the last failure`,
      );
    }
    try {
      const content = await this.call(messages, options);
      this.record(false);
      return content;
    } catch (error) {
      const coded = error instanceof ServiceError ? error : new ServiceError('LLM_UNREACHABLE', 'LLM call failed');
      // A cancelled probe proves nothing; re-opening lets the next cool-down send another one.
      if (coded.code === 'RUN_CANCELLED') {
        if (probe) this.record(true);
      } else this.record(isUpstreamFailure(coded));
      throw error;
    }
  }

  private async call(messages: readonly ChatMessage[], { signal, seed }: CallOptions): Promise<string> {
    // One controller per call, tied to the run's signal through one shared listener (`onAbort`),
    // and a deadline timer cleared afterwards: AbortSignal.any() would keep every call's signal
    // alive as long as the run's signal lives (nodejs/node#55351).
    const call = new AbortController();
    let deadlineReached = false;
    const leaveRun = signal === undefined ? undefined : onAbort(signal, () => call.abort(signal.reason));
    const deadline = setTimeout(() => {
      deadlineReached = true;
      call.abort(new ServiceError('LLM_TIMEOUT', `LLM call exceeded its ${this.deadlineMs} ms deadline`));
    }, this.deadlineMs);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.options.apiKey.length > 0) headers.authorization = `Bearer ${this.options.apiKey}`;
    const body = JSON.stringify({
      model: this.options.model,
      messages,
      response_format: { type: 'json_object' },
      temperature: this.options.temperature,
      max_tokens: this.options.maxTokens,
      seed,
    });
    try {
      const response = await untilAborted(
        request(this.url, {
          method: 'POST',
          headers,
          body,
          dispatcher: this.dispatcher,
          signal: call.signal,
          headersTimeout: this.options.timeoutMs,
          bodyTimeout: this.options.timeoutMs,
        }),
        call.signal,
      );
      const text = await untilAborted(readLimited(response.body), call.signal);
      if (response.statusCode >= 300) {
        throw new ServiceError('LLM_HTTP_ERROR', `LLM endpoint answered ${response.statusCode}`, {
          details: { status: response.statusCode, body: this.scrub(text.slice(0, 500)) },
        });
      }
      return this.contentOf(text);
    } catch (error) {
      throw this.classify(error, signal, deadlineReached);
    } finally {
      clearTimeout(deadline);
      leaveRun?.();
    }
  }

  private contentOf(text: string): string {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ServiceError('LLM_BAD_RESPONSE', 'LLM response body is not JSON');
    }
    const parsed = ChatCompletionSchema.safeParse(json);
    const content = parsed.success ? parsed.data.choices[0]?.message.content : undefined;
    if (typeof content !== 'string') {
      throw new ServiceError('LLM_BAD_RESPONSE', 'LLM response has no choices[0].message.content');
    }
    return content;
  }

  /** Maps whatever was thrown to a coded error; the run's cancellation stays RUN_CANCELLED. */
  private classify(error: unknown, signal: AbortSignal | undefined, deadlineReached: boolean): ServiceError {
    if (signal?.aborted === true) return new ServiceError('RUN_CANCELLED', 'narrative generation was cancelled');
    if (error instanceof ServiceError) return error;
    const code = typeof error === 'object' && error !== null ? String((error as { code?: unknown }).code ?? '') : '';
    const message = this.scrub(error instanceof Error ? error.message : String(error));
    if (deadlineReached || TIMEOUT_ERRORS.has(code)) {
      return new ServiceError('LLM_TIMEOUT', `LLM call timed out (${code || 'deadline'})`, { details: { error_code: code } });
    }
    if (code === 'UND_ERR_REQ_RETRY') {
      const status = Number((error as { statusCode?: unknown }).statusCode);
      return new ServiceError('LLM_HTTP_ERROR', `LLM endpoint answered ${status} after retries`, { details: { status } });
    }
    return new ServiceError('LLM_UNREACHABLE', `LLM endpoint unreachable: ${message}`, { details: { error_code: code } });
  }
}

/** Assesses an answer; one too long to be a narrative piecewise, yielding between pieces. */
async function assessAnswer(answer: string, persona: Persona): Promise<NarrativeAssessment> {
  if (answer.length <= MAX_ASSESSED_ANSWER_CHARS) return assessNarrativeText(answer, persona);
  const steps = assessOversizedAnswer(answer);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done === true) return step.value;
    await yieldToEventLoop();
  }
}

function providerFailure(error: ServiceError): NarrativeIssue {
  return { code: 'NARRATIVE_PROVIDER_FAILED', detail: error.message, error_code: error.code };
}

/** Creates the llm provider; options are validated once here (`LLM_NOT_CONFIGURED` otherwise). */
export function createLlmProvider(options: LlmProviderOptions): LlmNarrativeProvider {
  const { dispatcher: base, onCircuit, ...rest } = options;
  const parsed = LlmProviderOptionsSchema.safeParse(rest);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ServiceError('LLM_NOT_CONFIGURED', `invalid llm provider options: ${problems.join('; ')}`, { details: { problems } });
  }
  const config = parsed.data;
  const transport: Dispatcher = base ?? new Agent({ keepAliveTimeout: 10_000 });
  const ownsTransport = base === undefined;
  const dispatcher = transport.compose(
    interceptors.retry({
      methods: ['POST'],
      statusCodes: [429, 500, 502, 503, 504],
      errorCodes: RETRIED_NETWORK_ERRORS,
      maxRetries: config.retry.maxRetries,
      minTimeout: config.retry.minDelayMs,
      maxTimeout: config.retry.maxDelayMs,
      timeoutFactor: 2,
      retryAfter: true,
    }),
  );
  const client = new ChatClient(config, dispatcher, onCircuit);
  const label = { source: 'llm', prompt_version: PROMPT_VERSION, served_status: 'generated' } as const;

  const failed = (error: ServiceError, attempts: number, earlier: readonly NarrativeIssue[] = []): NarrativeResult => {
    const issue = providerFailure(error);
    return { narrative: failedNarrative([...earlier, issue], label), issues: [...earlier, issue], attempts };
  };
  const settle = (assessment: NarrativeAssessment, attempts: number): NarrativeResult => {
    const narrative = narrativeFromAssessment(assessment, label);
    return { narrative, issues: narrative.status === 'generated' ? [] : assessment.issues, attempts };
  };

  /**
   * One run's view of the provider: its own concurrency bound and its own memory of a fatal
   * answer, over the shared connection pool. A 401 in one run (a key being rotated, a model
   * not pulled yet) must not fail every later run of the process uncalled.
   */
  function session(): NarrativeProvider {
    const semaphore = new Semaphore(config.concurrency);
    // After a 401/403/404 every call would fail alike: later personas fail at once, uncalled.
    let fatal: ServiceError | undefined;
    const remember = (error: unknown): ServiceError => rethrowCancellation(error, (status) => (fatal = status));

    async function narrate(persona: Persona, context: NarrativeContext): Promise<NarrativeResult> {
      const seed = Math.floor(createRng(context.seed, 'narrative', persona.index).next() * 2 ** 31);
      const call = { signal: context.signal, seed };
      const messages = buildNarrativePrompt(persona);
      let answer: string;
      try {
        answer = await client.complete(messages, call);
      } catch (error) {
        return failed(remember(error), 1);
      }
      const first = await assessAnswer(answer, persona);
      // PII is never repaired: the model produced it, the run counts it and the text is withheld.
      // Nor is an answer far too long to be a narrative: it would be sent back whole.
      if (first.pii.length > 0 || first.issues.length === 0 || answer.length > MAX_ASSESSED_ANSWER_CHARS) return settle(first, 1);
      let repaired: string;
      try {
        repaired = await client.complete(buildRepairMessages(messages, answer, first.issues, persona), call);
      } catch (error) {
        return failed(remember(error), 2, first.issues);
      }
      return settle(await assessAnswer(repaired, persona), 2);
    }

    return {
      name: 'llm',
      promptVersion: PROMPT_VERSION,
      async generateNarrative(persona, context) {
        if (fatal !== undefined) return failed(fatal, 0);
        try {
          await semaphore.acquire(context.signal);
        } catch {
          throw new ServiceError('RUN_CANCELLED', 'narrative generation was cancelled');
        }
        try {
          if (fatal !== undefined) return failed(fatal, 0);
          return await narrate(persona, context);
        } catch (error) {
          // One persona's unusable answer (whatever the checks threw on) fails that persona only.
          if (hasErrorCode(error) && error.code === 'RUN_CANCELLED') throw error;
          return failed(new ServiceError('INTERNAL', 'the answer could not be assessed'), 1);
        } finally {
          semaphore.release();
        }
      },
    };
  }

  const shared = session();
  return {
    ...shared,
    forRun: session,
    close: async () => {
      if (ownsTransport) await transport.close();
    },
  };
}

/** Rethrows cancellation; returns any other coded error, remembering one that is fatal. */
function rethrowCancellation(error: unknown, markFatal: (error: ServiceError) => void): ServiceError {
  if (hasErrorCode(error) && error.code === 'RUN_CANCELLED') throw error;
  const coded = error instanceof ServiceError ? error : new ServiceError('LLM_UNREACHABLE', 'LLM call failed');
  const status = coded.details?.status;
  if (coded.code === 'LLM_HTTP_ERROR' && typeof status === 'number' && FATAL_STATUSES.has(status)) markFatal(coded);
  return coded;
}
