import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressBar, formatProgress, progressBarFor } from '../../../src/cli/progress-bar.js';

function recorder() {
  const writes: string[] = [];
  return { writes, stream: { write: (text: string) => writes.push(text) } };
}

describe('formatProgress', () => {
  it('draws the bar, percentage, counts, rate and time left', () => {
    // 310,000 in 3.15 s: 98,412.7/s; 690,000 left at that rate: 7.01 s.
    expect(formatProgress(310_000, 1_000_000, 3_150)).toBe(
      '[#########.....................]  31% 310,000/1,000,000 · 98,413/s · ETA 7s',
    );
  });

  it('says done at the end and shows minutes for long waits', () => {
    expect(formatProgress(50_000, 50_000, 2_000)).toBe(`[${'#'.repeat(30)}] 100% 50,000/50,000 · 25,000/s · done`);
    expect(formatProgress(1_000, 1_000_000, 1_000)).toContain('ETA 16m39s');
  });
});

describe('createProgressBar', () => {
  it('redraws at most every 100 ms but always draws the last update', () => {
    let now = 0;
    const { writes, stream } = recorder();
    const bar = createProgressBar({ stream, nowMs: () => now });
    for (const [at, done] of [
      [0, 10],
      [50, 20],
      [99, 30],
      [100, 40],
      [150, 50],
      [160, 100],
    ] as const) {
      now = at;
      bar.update(done, 100);
    }
    bar.finish();
    expect(writes.map((text) => text.match(/ (\d+)\/100 /)?.[1] ?? text)).toEqual(['10', '40', '100', '\n']);
    expect(writes[0]).toMatch(/^\r\[/);
    expect(writes[0]?.endsWith('\u001b[K')).toBe(true);
  });

  it('writes nothing on finish when it never drew', () => {
    const { writes, stream } = recorder();
    createProgressBar({ stream, nowMs: () => 0 }).finish();
    expect(writes).toEqual([]);
  });
});

describe('progressBarFor', () => {
  const tty = Object.assign(new PassThrough(), { isTTY: true });
  it('draws only on a terminal and only for n ≥ 50,000', () => {
    expect(progressBarFor(50_000, tty, () => 0)).not.toBeNull();
    expect(progressBarFor(49_999, tty, () => 0)).toBeNull();
    expect(progressBarFor(1_000_000, new PassThrough(), () => 0)).toBeNull();
  });
});
