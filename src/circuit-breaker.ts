/**
 * A small circuit breaker for one upstream (PxWeb, the LLM endpoint), so a dead upstream costs one
 * timeout per run rather than one per table or persona (and nothing at all while it is open).
 *
 *   closed ──(failureThreshold consecutive unreachable failures)──► open
 *   open ──(cooldownMs elapsed)──► half-open: one trial call allowed
 *   half-open ──success──► closed        half-open ──failure──► open (cooldown restarts)
 *
 * Only "upstream unreachable" failures count (network errors, timeouts, 5xx/429 after retries);
 * a 4xx or a schema drift means the upstream answered. Time is an argument (epoch ms).
 */

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive unreachable failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long the circuit stays open before one trial call, ms. */
  readonly cooldownMs: number;
}

export const DEFAULT_CIRCUIT_BREAKER_OPTIONS: CircuitBreakerOptions = { failureThreshold: 1, cooldownMs: 5 * 60_000 };

export class CircuitBreaker {
  readonly #options: CircuitBreakerOptions;
  #consecutiveFailures = 0;
  #openedAtMs: number | null = null;
  #trialInFlight = false;

  constructor(options: CircuitBreakerOptions = DEFAULT_CIRCUIT_BREAKER_OPTIONS) {
    if (!Number.isInteger(options.failureThreshold) || options.failureThreshold < 1) {
      throw new RangeError(`CircuitBreaker requires failureThreshold >= 1, got ${options.failureThreshold}`);
    }
    if (!(options.cooldownMs >= 0)) throw new RangeError(`CircuitBreaker requires cooldownMs >= 0, got ${options.cooldownMs}`);
    this.#options = { ...options };
  }

  state(nowMs: number): CircuitState {
    if (this.#openedAtMs === null) return 'closed';
    return nowMs - this.#openedAtMs >= this.#options.cooldownMs ? 'half_open' : 'open';
  }

  /** May a call go out now? In half-open state only one trial call is let through. */
  tryAcquire(nowMs: number): boolean {
    const state = this.state(nowMs);
    if (state === 'closed') return true;
    if (state === 'open' || this.#trialInFlight) return false;
    this.#trialInFlight = true;
    return true;
  }

  /** The upstream answered (a success, but also a 4xx or a changed schema): it is reachable. */
  recordSuccess(): void {
    this.#consecutiveFailures = 0;
    this.#openedAtMs = null;
    this.#trialInFlight = false;
  }

  /** An unreachable-upstream failure; opens the circuit at the threshold (or on a failed trial). */
  recordFailure(nowMs: number): void {
    this.#consecutiveFailures += 1;
    if (this.#trialInFlight || this.#consecutiveFailures >= this.#options.failureThreshold) this.#openedAtMs = nowMs;
    this.#trialInFlight = false;
  }
}
