/**
 * A hostile OpenAI-compatible server for reliability tests, on top of the fake one: the mode says
 * how every call is answered, and a test switches it while the service runs.
 *
 *   fast      a correct Romanian narrative at once
 *   slow      the same after a fixed delay
 *   stall     headers never come
 *   trickle   headers at once, then one space every `intervalMs`, never finishing
 *   huge      a body of `bytes` bytes
 *   deep      a JSON answer nested `depth` levels deep (≈ 2 bytes a level)
 *   pii       a correct narrative with one of `forms` appended to its description (cycled per call)
 *   repeated  a narrative whose description is `pattern` repeated to `bytes` characters
 *
 * A mode may also be a function of the call, so one persona can get a different answer.
 */
import { startFakeLlm, type FakeLlm, type FakeLlmCall, type FakeLlmReply } from './fake-llm.js';

export type HostileMode =
  | { readonly kind: 'fast' }
  | { readonly kind: 'slow'; readonly delayMs: number }
  | { readonly kind: 'stall' }
  | { readonly kind: 'trickle'; readonly intervalMs: number }
  | { readonly kind: 'huge'; readonly bytes: number }
  | { readonly kind: 'deep'; readonly depth: number }
  | { readonly kind: 'pii'; readonly forms: readonly string[] }
  | { readonly kind: 'repeated'; readonly pattern: string; readonly bytes: number };

export interface HostileLlm extends FakeLlm {
  /** How calls are answered from now on. */
  mode: HostileMode | ((call: FakeLlmCall) => HostileMode);
}

/** `{"descriere_generala":[[[…"x"…]]]}`: valid JSON, `depth` arrays deep. */
export function deepAnswer(depth: number): string {
  return `{"descriere_generala":${'['.repeat(depth)}"x"${']'.repeat(depth)}}`;
}

function replyFor(mode: HostileMode, call: FakeLlmCall): FakeLlmReply | Promise<FakeLlmReply> {
  switch (mode.kind) {
    case 'fast':
      return { kind: 'narrative' };
    case 'slow':
      return new Promise((resolve) => setTimeout(() => resolve({ kind: 'narrative' }), mode.delayMs));
    case 'stall':
      return { kind: 'stall' };
    case 'trickle':
      return { kind: 'trickle', intervalMs: mode.intervalMs };
    case 'huge':
      return { kind: 'huge', bytes: mode.bytes };
    case 'deep':
      return { kind: 'content', content: deepAnswer(mode.depth) };
    case 'pii': {
      const form = mode.forms[call.index % mode.forms.length] ?? '';
      return { kind: 'narrative', edit: (sections) => ({ ...sections, descriere_generala: `${sections['descriere_generala']} ${form}` }) };
    }
    case 'repeated': {
      const text = mode.pattern.repeat(Math.ceil(mode.bytes / mode.pattern.length)).slice(0, mode.bytes);
      return { kind: 'narrative', edit: (sections) => ({ ...sections, descriere_generala: text }) };
    }
  }
}

/** Starts the server in `mode` (default fast); calls are counted, not kept, and connections kept alive (long runs). */
export async function startHostileLlm(mode: HostileLlm['mode'] = { kind: 'fast' }): Promise<HostileLlm> {
  const state: { mode: HostileLlm['mode'] } = { mode };
  const fake = await startFakeLlm((call) => replyFor(typeof state.mode === 'function' ? state.mode(call) : state.mode, call), {
    keepCalls: false,
    keepAliveMs: 10_000,
  });
  return Object.defineProperties(fake as HostileLlm, {
    mode: {
      get: () => state.mode,
      set: (next: HostileLlm['mode']) => void (state.mode = next),
      enumerable: true,
    },
  });
}
