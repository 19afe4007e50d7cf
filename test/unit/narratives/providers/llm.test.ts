import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { narrativeRunStats } from '../../../../src/narratives/narrative-stats.js';
import { PROMPT_VERSION } from '../../../../src/narratives/prompt.js';
import { createLlmProvider, type LlmNarrativeProvider, type LlmProviderOptions } from '../../../../src/narratives/providers/llm.js';
import { makePersona } from '../../../fixtures/personas.js';
import { startFakeLlm, type FakeLlm, type FakeLlmReply, type FakeLlmScript } from '../../../servers/fake-llm.js';
import { deepAnswer } from '../../../servers/hostile-llm.js';

const API_KEY = 'sk-test-7f3a9c1e5b';
const persona = makePersona();

let server: FakeLlm | undefined;
let agent: Agent | undefined;
let provider: LlmNarrativeProvider | undefined;

afterEach(async () => {
  await provider?.close();
  await agent?.close();
  await server?.close();
  provider = undefined;
  agent = undefined;
  server = undefined;
});

async function setUp(script?: FakeLlmScript, options: Partial<LlmProviderOptions> = {}) {
  server = await startFakeLlm(script);
  // Short keep-alive so the suite exits promptly (undici's test advice).
  agent = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });
  provider = createLlmProvider({
    baseUrl: server.baseUrl,
    apiKey: API_KEY,
    model: 'fake-model',
    concurrency: 4,
    timeoutMs: 5_000,
    retry: { maxRetries: 2, minDelayMs: 5, maxDelayMs: 50 },
    dispatcher: agent,
    ...options,
  });
  return { server, provider };
}

describe('llm provider against the fake server', () => {
  it('serves a well-formed answer as generated and sends the bearer key, model and JSON mode', async () => {
    const { server, provider } = await setUp();
    const result = await provider.generateNarrative(persona, { seed: 1 });
    expect(result.narrative).toMatchObject({ status: 'generated', source: 'llm', prompt_version: PROMPT_VERSION });
    expect(result.narrative.sections?.descriere_generala).toContain('Maria');
    expect(result.issues).toEqual([]);
    expect(result.attempts).toBe(1);
    const [call] = server.calls;
    expect(call?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(call?.body?.model).toBe('fake-model');
    expect(call?.body?.response_format).toEqual({ type: 'json_object' });
    expect(call?.body?.messages?.[1]?.content).toContain(`Versiunea promptului: ${PROMPT_VERSION}`);
  });

  it('sends a per-persona seed derived from (run seed, index)', async () => {
    const { server, provider } = await setUp();
    await provider.generateNarrative(persona, { seed: 1 });
    await provider.generateNarrative(persona, { seed: 1 });
    await provider.generateNarrative({ ...persona, index: 1 }, { seed: 1 });
    const seeds = server.calls.map((call) => call.body?.seed);
    expect(seeds[0]).toBe(seeds[1]);
    expect(seeds[2]).not.toBe(seeds[0]);
  });

  it.each([
    ['an IDNP', 'Codul personal (IDNP) al Mariei este 2002001234563.', 'idnp'],
    ['a +373 phone number', 'O puteți suna la +373 69 123 456 oricând.', 'phone'],
    ['an e-mail address', 'Îi puteți scrie la maria.rusu@example.md pentru detalii.', 'email'],
    ['an IBAN', 'Salariul îi vine în contul MD24AG000225100013104168.', 'iban'],
  ])('withholds an answer containing %s, without a repair', async (_label, sentence, piiType) => {
    const { server, provider } = await setUp(() => ({
      kind: 'narrative',
      edit: (sections) => ({ ...sections, descriere_generala: `${sections.descriere_generala ?? ''} ${sentence}` }),
    }));
    const result = await provider.generateNarrative(persona, { seed: 1 });
    expect(result.narrative.status).toBe('withheld');
    expect(result.narrative.sections).toBeUndefined();
    expect(result.narrative.reasons).toContain('NARRATIVE_PII_DETECTED');
    expect(result.issues).toContainEqual(expect.objectContaining({ code: 'NARRATIVE_PII_DETECTED', pii_type: piiType, section: 'descriere_generala' }));
    expect(JSON.stringify(result)).not.toContain(sentence.slice(-20, -1));
    expect(server.calls).toHaveLength(1);
  });

  it('reports wrong pronouns, repairs once, and fails when the repair is wrong too', async () => {
    const { server, provider } = await setUp(() => ({ kind: 'narrative', writeAs: 'male' }));
    const result = await provider.generateNarrative(persona, { seed: 1 });
    expect(result.narrative).toMatchObject({ status: 'failed', reasons: ['NARRATIVE_PRONOUN_MISMATCH'] });
    expect(result.attempts).toBe(2);
    expect(server.calls.map((call) => call.isRepair)).toEqual([false, true]);
    const repair = server.calls[1]?.body?.messages?.at(-1)?.content ?? '';
    expect(repair).toContain('acordul nu corespunde sexului persoanei');
  });

  it('serves the repaired answer when the repair fixes the pronouns', async () => {
    const { provider } = await setUp((call) => ({ kind: 'narrative', ...(call.isRepair ? {} : { writeAs: 'male' as const }) }));
    const result = await provider.generateNarrative(persona, { seed: 1 });
    expect(result.narrative.status).toBe('generated');
    expect(result.attempts).toBe(2);
  });

  it('repairs a non-JSON answer once and serves the valid repair', async () => {
    const { server, provider } = await setUp((call) => (call.isRepair ? { kind: 'narrative' } : { kind: 'content', content: 'Desigur! Iată profilul: Maria are 34 de ani.' }));
    const result = await provider.generateNarrative(persona, { seed: 1 });
    expect(result.narrative.status).toBe('generated');
    expect(server.calls).toHaveLength(2);
    expect(server.calls[1]?.body?.messages?.at(-1)?.content).toContain('nu este un singur obiect JSON valid');
  });

  it('fails with a parse failure when the repair is not JSON either', async () => {
    const { server, provider } = await setUp(() => ({ kind: 'content', content: 'nu pot răspunde în JSON' }));
    const result = await provider.generateNarrative(persona, { seed: 1 });
    expect(result.narrative).toMatchObject({ status: 'failed', reasons: ['NARRATIVE_PARSE_FAILURE'] });
    expect(server.calls).toHaveLength(2);
  });

  it('waits for Retry-After on 429 and then succeeds', async () => {
    // The backoff without Retry-After would be 60 s, past the test timeout: only honouring the
    // header (1 s) lets the test finish.
    const { server, provider } = await setUp(
      (call) => (call.index === 0 ? { kind: 'status', status: 429, headers: { 'retry-after': '1' } } : { kind: 'narrative' }),
      { retry: { maxRetries: 2, minDelayMs: 60_000, maxDelayMs: 60_000 } },
    );
    const result = await provider.generateNarrative(persona, { seed: 1 });
    expect(result.narrative.status).toBe('generated');
    expect(server.calls).toHaveLength(2);
  }, 15_000);

  it('fails after persistent 500s, retrying maxRetries times, and the failure counts in the mock ratio', async () => {
    const { server, provider } = await setUp(() => ({ kind: 'status', status: 500 }));
    const result = await provider.generateNarrative(persona, { seed: 1 });
    expect(result.narrative).toMatchObject({ status: 'failed', source: 'llm', reasons: ['NARRATIVE_PROVIDER_FAILED'] });
    expect(result.issues).toEqual([expect.objectContaining({ code: 'NARRATIVE_PROVIDER_FAILED', error_code: 'LLM_HTTP_ERROR' })]);
    expect(server.calls).toHaveLength(3);
    const stats = narrativeRunStats('llm', [result.narrative, undefined]);
    expect(stats.mock_ratio).toBeCloseTo(1, 12);
    expect(stats.failed).toBe(1);
    expect(stats.missing).toBe(1);
  });

  it('does not retry a 400 and keeps no trace of the key the server echoed back', async () => {
    const { server, provider } = await setUp((call) => ({
      kind: 'status',
      status: 400,
      body: JSON.stringify({ error: { message: `bad request from ${String(call.headers.authorization)}` } }),
    }));
    const result = await provider.generateNarrative(persona, { seed: 1 });
    expect(result.narrative.status).toBe('failed');
    expect(server.calls).toHaveLength(1);
    expect(JSON.stringify(result)).not.toContain(API_KEY);
  });

  it('times out on a server that never answers, bounded by the client timeout', async () => {
    const { server, provider } = await setUp(() => ({ kind: 'stall' }), { timeoutMs: 200 });
    const result = await provider.generateNarrative(persona, { seed: 1 });
    expect(result.issues).toEqual([expect.objectContaining({ code: 'NARRATIVE_PROVIDER_FAILED', error_code: 'LLM_TIMEOUT' })]);
    expect(server.calls).toHaveLength(1);
  }, 10_000);

  it('stops calling after a 401 and fails later personas at once', async () => {
    const { server, provider } = await setUp(() => ({ kind: 'status', status: 401 }));
    const first = await provider.generateNarrative(persona, { seed: 1 });
    const second = await provider.generateNarrative({ ...persona, index: 1 }, { seed: 1 });
    expect(first.narrative.status).toBe('failed');
    expect(second).toMatchObject({ attempts: 0, narrative: { status: 'failed' } });
    expect(server.calls).toHaveLength(1);
  });

  it('never puts the key into the failure of an unreachable endpoint', async () => {
    const closed = await startFakeLlm();
    const baseUrl = closed.baseUrl;
    await closed.close();
    agent = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });
    provider = createLlmProvider({
      baseUrl,
      apiKey: API_KEY,
      model: 'm',
      concurrency: 1,
      timeoutMs: 1_000,
      retry: { maxRetries: 1, minDelayMs: 1, maxDelayMs: 5 },
      dispatcher: agent,
    });
    const result = await provider.generateNarrative(persona, { seed: 1 });
    expect(result.issues).toEqual([expect.objectContaining({ error_code: 'LLM_UNREACHABLE' })]);
    expect(JSON.stringify(result)).not.toContain(API_KEY);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const releases: (() => void)[] = [];
    const { server, provider } = await setUp(
      () => new Promise((resolve) => releases.push(() => resolve({ kind: 'narrative' }))),
      { concurrency: 2 },
    );
    const personas = ['Ana', 'Elena', 'Olga', 'Doina', 'Cristina'].map((given_name, index) => makePersona({ given_name, index }));
    const results = Promise.all(personas.map((p) => provider.generateNarrative(p, { seed: 1 })));
    for (let answered = 0; answered < personas.length; answered += 1) {
      await server.waitForCalls(Math.min(answered + 2, personas.length));
      expect(server.calls.length).toBeLessThanOrEqual(answered + 2);
      releases[answered]?.();
    }
    expect((await results).map((r) => r.narrative.status)).toEqual(Array(5).fill('generated'));
    expect(server.maxInFlight).toBe(2);
  });

  it('rejects with RUN_CANCELLED when the run is aborted mid-call, and for callers still queued', async () => {
    const { server, provider } = await setUp(() => ({ kind: 'stall' }), { concurrency: 1, timeoutMs: 60_000 });
    const controller = new AbortController();
    const running = provider.generateNarrative(persona, { seed: 1, signal: controller.signal });
    const queued = provider.generateNarrative({ ...persona, index: 1 }, { seed: 1, signal: controller.signal });
    await server.waitForCalls(1);
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'RUN_CANCELLED' });
    await expect(queued).rejects.toMatchObject({ code: 'RUN_CANCELLED' });
  });

  it('refuses options it cannot use with LLM_NOT_CONFIGURED', () => {
    expect(() => createLlmProvider({ baseUrl: '', apiKey: '', model: 'm', concurrency: 1, timeoutMs: 1000 })).toThrow(
      expect.objectContaining({ code: 'LLM_NOT_CONFIGURED' }),
    );
    expect(() => createLlmProvider({ baseUrl: 'http://127.0.0.1:1/v1', apiKey: '', model: 'm', concurrency: 0, timeoutMs: 1000 })).toThrow(
      expect.objectContaining({ code: 'LLM_NOT_CONFIGURED' }),
    );
  });
});

describe('llm provider against hostile servers (issue #14, items 7 and 8)', () => {
  it('fails only the persona whose answer is 6,000 levels deep, instead of rejecting', async () => {
    const { provider } = await setUp((call) => (call.persona?.givenName === 'Ion' ? { kind: 'content', content: deepAnswer(6_000) } : { kind: 'narrative' }));
    const ion = makePersona({ given_name: 'Ion', family_name: 'Rusu', sex: 'male', index: 1 });
    const [deep, fine] = await Promise.all([provider.generateNarrative(ion, { seed: 1 }), provider.generateNarrative(persona, { seed: 1 })]);
    expect(deep.narrative).toMatchObject({ status: 'failed', reasons: ['NARRATIVE_SCHEMA_INVALID'] });
    expect(fine.narrative.status).toBe('generated');
  });

  it('fails an answer far too long to be a narrative without sending it back for repair', async () => {
    const { server, provider } = await setUp(() => ({ kind: 'content', content: JSON.stringify({ descriere_generala: 'Maria e harnică. '.repeat(10_000) }) }));
    const result = await provider.generateNarrative(persona, { seed: 1 });
    expect(result.narrative).toMatchObject({ status: 'failed', reasons: ['NARRATIVE_TOO_LONG'] });
    expect(server.calls).toHaveLength(1);
  });

  it('ends a call at timeoutMs, retries and back-off included, however slowly the body trickles', async () => {
    // Before: a deadline of timeoutMs × (retries + 1) + maxDelayMs × retries = 53 s here.
    const { provider } = await setUp(() => ({ kind: 'trickle', intervalMs: 50 }), {
      timeoutMs: 500,
      retry: { maxRetries: 5, minDelayMs: 10_000, maxDelayMs: 10_000 },
    });
    const started = performance.now();
    const result = await provider.generateNarrative(persona, { seed: 1 });
    expect(result.issues).toEqual([expect.objectContaining({ code: 'NARRATIVE_PROVIDER_FAILED', error_code: 'LLM_TIMEOUT' })]);
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 60_000);

  it('cannot be stretched past timeoutMs by 503s with a long Retry-After', async () => {
    const { server, provider } = await setUp(() => ({ kind: 'status', status: 503, headers: { 'retry-after': '10' } }), {
      timeoutMs: 1_000,
      retry: { maxRetries: 3, minDelayMs: 5, maxDelayMs: 20_000 },
    });
    const started = performance.now();
    const result = await provider.generateNarrative(persona, { seed: 1 });
    expect(result.issues).toEqual([expect.objectContaining({ error_code: 'LLM_TIMEOUT' })]);
    expect(performance.now() - started).toBeLessThan(8_000);
    expect(server.calls).toHaveLength(1);
  }, 60_000);

  it('opens the circuit after repeated timeouts: later calls fail at once, uncalled, until a probe after the cool-down succeeds', async () => {
    let reply: FakeLlmReply = { kind: 'stall' };
    const events: string[] = [];
    const { server, provider } = await setUp(() => reply, {
      concurrency: 2,
      timeoutMs: 300,
      breaker: { failureThreshold: 3, cooldownMs: 1_000 },
      onCircuit: (event) => events.push(event.state),
    });
    const outcomes: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      const result = await provider.generateNarrative({ ...persona, index }, { seed: 1 });
      outcomes.push(result.issues[0]?.error_code ?? result.narrative.status);
    }
    expect(outcomes).toEqual(['LLM_TIMEOUT', 'LLM_TIMEOUT', 'LLM_TIMEOUT', 'LLM_CIRCUIT_OPEN', 'LLM_CIRCUIT_OPEN']);
    expect(server.calls).toHaveLength(3);
    reply = { kind: 'narrative' };
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // Half-open: one probe goes out; its success closes the circuit for everyone.
    const probes = await Promise.all([0, 1].map((index) => provider.generateNarrative({ ...persona, index }, { seed: 2 })));
    expect(probes.map((result) => result.narrative.status).sort()).toEqual(['failed', 'generated']);
    expect(server.calls).toHaveLength(4);
    expect((await provider.generateNarrative(persona, { seed: 3 })).narrative.status).toBe('generated');
    expect(events).toEqual(['open', 'closed']);
  }, 30_000);

  it('shares the circuit between runs: one run’s timeouts spare the next run the wait', async () => {
    const { server, provider } = await setUp(() => ({ kind: 'stall' }), { concurrency: 4, timeoutMs: 300, breaker: { failureThreshold: 4, cooldownMs: 60_000 } });
    const first = provider.forRun();
    await Promise.all([0, 1, 2, 3].map((index) => first.generateNarrative({ ...persona, index }, { seed: 1 })));
    const started = performance.now();
    const next = await provider.forRun().generateNarrative(persona, { seed: 1 });
    expect(next.issues).toEqual([expect.objectContaining({ error_code: 'LLM_CIRCUIT_OPEN' })]);
    expect(performance.now() - started).toBeLessThan(250);
    expect(server.calls).toHaveLength(4);
  });

  it('lets a new probe out after a cancelled one, instead of staying half-open for good', async () => {
    let reply: FakeLlmReply = { kind: 'stall' };
    const { server, provider } = await setUp(() => reply, { concurrency: 1, timeoutMs: 300, breaker: { failureThreshold: 1, cooldownMs: 300 } });
    await provider.generateNarrative(persona, { seed: 1 });
    await new Promise((resolve) => setTimeout(resolve, 350));
    const controller = new AbortController();
    const probe = provider.generateNarrative(persona, { seed: 1, signal: controller.signal });
    await server.waitForCalls(2);
    controller.abort();
    await expect(probe).rejects.toMatchObject({ code: 'RUN_CANCELLED' });
    reply = { kind: 'narrative' };
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await provider.generateNarrative(persona, { seed: 1 })).narrative.status).toBe('generated');
  });
});
