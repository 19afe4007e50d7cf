/**
 * A local OpenAI-compatible chat-completions server for tests: `POST /v1/chat/completions` on
 * 127.0.0.1, port 0. Each request is answered by a script: a well-formed Romanian narrative
 * built from the persona facts in the prompt (optionally edited: PII, other gender), raw content
 * (non-JSON), an HTTP status with headers (429 + Retry-After, 500), a stall (never answers),
 * a trickle (headers, then one byte of white space per interval, never finishing), a huge body
 * streamed in chunks, or a dropped connection. Every request is recorded (headers, body, parsed
 * persona, attempt) unless `keepCalls` is false (long runs: 100,000 prompts would fill the heap).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** The persona facts the prompt states, as the fake model reads them. */
export interface PromptPersona {
  readonly givenName: string;
  readonly sex: 'female' | 'male';
  /** "34 de ani", "5 ani", "un an" — as written in the prompt. */
  readonly agePhrase: string;
  /** "raionul Orhei", "municipiul Chișinău". */
  readonly district: string;
}

export interface FakeLlmCall {
  /** 0-based arrival order. */
  readonly index: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: { model?: unknown; messages?: { role: string; content: string }[]; response_format?: unknown; seed?: unknown } | undefined;
  readonly persona: PromptPersona | undefined;
  /** 1-based count of requests for this persona's given name so far (retries and repairs included). */
  readonly attempt: number;
  /** Whether the request carries a repair message (more than system + user). */
  readonly isRepair: boolean;
}

export type FakeLlmReply =
  | { readonly kind: 'narrative'; readonly writeAs?: 'female' | 'male'; readonly edit?: (sections: Record<string, string>) => Record<string, unknown> }
  | { readonly kind: 'content'; readonly content: string }
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Record<string, string>; readonly body?: string }
  | { readonly kind: 'stall' }
  /** 200 and headers at once, then one space every `intervalMs` for ever (each gap is short). */
  | { readonly kind: 'trickle'; readonly intervalMs: number }
  /** 200 and a body of `bytes` bytes (the start of a completion, then padding), streamed in 64 KB chunks. */
  | { readonly kind: 'huge'; readonly bytes: number }
  | { readonly kind: 'drop' };

export type FakeLlmScript = (call: FakeLlmCall) => FakeLlmReply | Promise<FakeLlmReply>;

export interface FakeLlmOptions {
  /** Keep every call in `calls` (default true); false keeps only the count. */
  readonly keepCalls?: boolean;
  /**
   * How long an idle connection is kept, ms (default 100, so suites exit promptly). Below 1 s
   * Node announces `Keep-Alive: timeout=0` and undici opens a connection per call; long runs
   * want what a real endpoint does.
   */
  readonly keepAliveMs?: number;
}

export interface FakeLlm {
  /** `http://127.0.0.1:<port>/v1` — what `LLM_BASE_URL` would be. */
  readonly baseUrl: string;
  readonly calls: readonly FakeLlmCall[];
  /** Requests received so far (also when `keepCalls` is false). */
  readonly callCount: number;
  /** Most requests in flight at once so far. */
  readonly maxInFlight: number;
  /** Resolves once at least `count` requests have arrived. */
  waitForCalls(count: number): Promise<void>;
  close(): Promise<void>;
}

function parsePersona(prompt: string): PromptPersona | undefined {
  const field = (label: string) => new RegExp(`^- ${label}: (.+)$`, 'mu').exec(prompt)?.[1]?.trim();
  const givenName = field('Prenume');
  const sex = field('Sex');
  const agePhrase = field('Vârsta');
  const district = field('Raionul sau municipiul de reședință');
  if (givenName === undefined || sex === undefined || agePhrase === undefined || district === undefined) return undefined;
  return { givenName, sex: sex === 'masculin' ? 'male' : 'female', agePhrase, district };
}

/** A plain, correct Romanian narrative for the persona (written in `writeAs` gender when asked). */
export function fakeNarrative(persona: PromptPersona, writeAs: 'female' | 'male' = persona.sex): Record<string, string> {
  const g = (masculine: string, feminine: string) => (writeAs === 'male' ? masculine : feminine);
  const name = persona.givenName;
  return {
    descriere_generala: `${name} are ${persona.agePhrase} și locuiește în ${persona.district}. ${g('El', 'Ea')} este ${g('harnic', 'harnică')} și ${g('curios', 'curioasă')}, iar în timpul liber îi place să citească. Este ${g('mulțumit', 'mulțumită')} de viața sa de zi cu zi.`,
    profil_profesional: `${name} își face treaba cu seriozitate și răbdare, iar cei din jur îi apreciază calmul.`,
    hobby_sport: 'Îi place să meargă pe jos și să facă mișcare în aer liber.',
    hobby_arta_cultura: 'Ascultă muzică populară și citește cărți în limba română.',
    hobby_calatorii: 'Visează să viziteze mai multe orașe din Europa.',
    hobby_culinar: 'Gătește cu plăcere plăcinte și sarmale pentru cei dragi.',
    career_goals_and_ambitions: 'Își dorește o viață liniștită și să învețe lucruri noi în fiecare an.',
    persona_summary: `Pe scurt, ${name} este ${g('un om calm', 'o femeie calmă')} din ${persona.district}, ${g('atent', 'atentă')} la cei dragi.`,
  };
}

function completion(index: number, model: unknown, content: string): string {
  return JSON.stringify({
    id: `chatcmpl-fake-${index}`,
    object: 'chat.completion',
    created: 0,
    model: typeof model === 'string' ? model : 'fake-model',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 100, completion_tokens: Math.ceil(content.length / 4), total_tokens: 100 + Math.ceil(content.length / 4) },
  });
}

function answer(response: ServerResponse, call: FakeLlmCall, reply: FakeLlmReply): void {
  switch (reply.kind) {
    case 'narrative': {
      if (call.persona === undefined) {
        response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"no persona in prompt"}}');
        return;
      }
      const sections = fakeNarrative(call.persona, reply.writeAs);
      const content = JSON.stringify(reply.edit === undefined ? sections : reply.edit(sections));
      response.writeHead(200, { 'content-type': 'application/json' }).end(completion(call.index, call.body?.model, content));
      return;
    }
    case 'content':
      response.writeHead(200, { 'content-type': 'application/json' }).end(completion(call.index, call.body?.model, reply.content));
      return;
    case 'status':
      response
        .writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
        .end(reply.body ?? JSON.stringify({ error: { message: `status ${reply.status}` } }));
      return;
    case 'drop':
      response.socket?.destroy();
      return;
    case 'stall':
      return;
    case 'trickle': {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.flushHeaders();
      const timer = setInterval(() => response.write(' '), reply.intervalMs);
      response.on('close', () => clearInterval(timer));
      return;
    }
    case 'huge': {
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(65_536, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < reply.bytes && !response.destroyed) {
          const size = Math.min(chunk.length, reply.bytes - sent);
          sent += size;
          if (!response.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
            response.once('drain', pump);
            return;
          }
        }
        if (!response.destroyed) response.end();
      };
      response.write('{"choices":[{"message":{"content":"');
      pump();
      return;
    }
  }
}

/** Starts the server; `script` decides each reply (default: a well-formed narrative). */
export async function startFakeLlm(script: FakeLlmScript = () => ({ kind: 'narrative' }), options: FakeLlmOptions = {}): Promise<FakeLlm> {
  const keepCalls = options.keepCalls ?? true;
  const calls: FakeLlmCall[] = [];
  let callCount = 0;
  const attempts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const waiters: { count: number; resolve: () => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      let body: FakeLlmCall['body'];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FakeLlmCall['body'];
      } catch {
        body = undefined;
      }
      const prompt = body?.messages?.find((message) => message.role === 'user')?.content ?? '';
      const persona = parsePersona(prompt);
      const key = persona?.givenName ?? '(none)';
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      const call: FakeLlmCall = { index: callCount, headers: request.headers, body, persona, attempt, isRepair: (body?.messages?.length ?? 0) > 2 };
      callCount += 1;
      if (keepCalls) calls.push(call);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // 'finish' (handed to the OS) precedes the client's next request; 'close' covers stalls and drops.
      let done = false;
      const settle = () => {
        if (!done) inFlight -= 1;
        done = true;
      };
      response.on('finish', settle);
      response.on('close', settle);
      for (const waiter of waiters.filter((w) => callCount >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      void Promise.resolve(script(call)).then((reply) => answer(response, call, reply));
    });
  });
  server.keepAliveTimeout = options.keepAliveMs ?? 100;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    calls,
    get callCount() {
      return callCount;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    waitForCalls: (count) =>
      callCount >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error === undefined ? resolve() : reject(error))));
    },
  };
}
