import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  classifyEventLoopDelay,
  EVENT_LOOP_DELAY_FAIL_MS,
  EVENT_LOOP_DELAY_WARN_MS,
  eventLoopDelayCheck,
  runReadinessChecks,
  worstStatus,
  type ReadinessCheck,
} from '../../../src/http/readiness.js';

const NOW = new Date('2026-05-01T12:00:00.000Z');
const now = () => NOW;

describe('worstStatus', () => {
  it('orders pass < warn < fail, and an empty list passes', () => {
    expect(worstStatus([])).toBe('pass');
    expect(worstStatus(['pass', 'warn', 'pass'])).toBe('warn');
    expect(worstStatus(['warn', 'fail', 'pass'])).toBe('fail');
  });
});

describe('runReadinessChecks', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports each check under its name with the observation time', async () => {
    const report = await runReadinessChecks(
      [
        { name: 'a:one', check: async () => ({ status: 'pass', observedValue: 1, observedUnit: 'ms' }) },
        { name: 'b:two', check: async () => ({ status: 'warn', output: 'slow' }) },
      ],
      { now },
    );
    expect(report).toEqual({
      status: 'warn',
      checks: {
        'a:one': [{ status: 'pass', observedValue: 1, observedUnit: 'ms', time: '2026-05-01T12:00:00.000Z' }],
        'b:two': [{ status: 'warn', output: 'slow', time: '2026-05-01T12:00:00.000Z' }],
      },
    });
  });

  it('fails a check that does not answer within the timeout', async () => {
    vi.useFakeTimers();
    const hanging: ReadinessCheck = { name: 'pool:up', check: () => new Promise(() => undefined) };
    const pending = runReadinessChecks([hanging], { now, timeoutMs: 250 });
    await vi.advanceTimersByTimeAsync(250);
    await expect(pending).resolves.toEqual({
      status: 'fail',
      checks: { 'pool:up': [{ status: 'fail', output: 'no answer within 250 ms', time: NOW.toISOString() }] },
    });
  });

  it('fails a check that throws, with the error message as output', async () => {
    const report = await runReadinessChecks(
      [{ name: 'x:y', check: () => Promise.reject(new Error('store closed')) }],
      { now },
    );
    expect(report.checks?.['x:y']?.[0]).toMatchObject({ status: 'fail', output: 'store closed' });
  });
});

describe('classifyEventLoopDelay', () => {
  it('passes below the warn threshold, warns from it, fails from the fail threshold', () => {
    expect(classifyEventLoopDelay(0)).toBe('pass');
    expect(classifyEventLoopDelay(EVENT_LOOP_DELAY_WARN_MS - 0.01)).toBe('pass');
    expect(classifyEventLoopDelay(EVENT_LOOP_DELAY_WARN_MS)).toBe('warn');
    expect(classifyEventLoopDelay(EVENT_LOOP_DELAY_FAIL_MS - 0.01)).toBe('warn');
    expect(classifyEventLoopDelay(EVENT_LOOP_DELAY_FAIL_MS)).toBe('fail');
  });
});

describe('eventLoopDelayCheck', () => {
  it('observes a delay in milliseconds and releases its histogram on close', async () => {
    const check = eventLoopDelayCheck();
    try {
      const result = await check.check();
      expect(result.observedUnit).toBe('ms');
      expect(typeof result.observedValue).toBe('number');
      expect(result.observedValue as number).toBeGreaterThanOrEqual(0);
    } finally {
      check.close?.();
    }
  });
});
