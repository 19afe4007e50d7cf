import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('lets calls through while closed', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1000 });
    expect(breaker.tryAcquire(0)).toBe(true);
    breaker.recordFailure(0);
    expect(breaker.state(0)).toBe('closed');
    expect(breaker.tryAcquire(1)).toBe(true);
  });

  it('opens at the failure threshold and refuses calls until the cool-down ends', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1000 });
    breaker.recordFailure(100);
    expect(breaker.state(100)).toBe('open');
    expect(breaker.tryAcquire(1099)).toBe(false);
    expect(breaker.state(1100)).toBe('half_open');
  });

  it('lets exactly one trial through when half-open', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1000 });
    breaker.recordFailure(0);
    expect(breaker.tryAcquire(1000)).toBe(true);
    expect(breaker.tryAcquire(1000)).toBe(false);
  });

  it('closes after a successful trial and re-opens after a failed one', () => {
    const recovering = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000 });
    for (let i = 0; i < 3; i += 1) recovering.recordFailure(0);
    expect(recovering.tryAcquire(1000)).toBe(true);
    recovering.recordSuccess();
    expect(recovering.state(1000)).toBe('closed');

    const failing = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000 });
    for (let i = 0; i < 3; i += 1) failing.recordFailure(0);
    expect(failing.tryAcquire(1000)).toBe(true);
    failing.recordFailure(1000); // a failed trial re-opens at once, whatever the threshold
    expect(failing.state(1500)).toBe('open');
    expect(failing.state(2000)).toBe('half_open');
  });

  it('resets the failure count on success', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1000 });
    breaker.recordFailure(0);
    breaker.recordSuccess();
    breaker.recordFailure(0);
    expect(breaker.state(0)).toBe('closed');
  });

  it('rejects a threshold below 1', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0, cooldownMs: 1 })).toThrow(RangeError);
  });
});
