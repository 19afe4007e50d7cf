/**
 * The progress bar `generate` draws on stderr for long runs — only when stderr is a terminal, so
 * pipes and log files stay clean — redrawn in place at most every `PROGRESS_INTERVAL_MS`.
 */

/** Runs smaller than this finish too fast for a bar to help. */
export const PROGRESS_MIN_N = 50_000;
/** At most ten redraws a second. */
export const PROGRESS_INTERVAL_MS = 100;
const BAR_WIDTH = 30;

const grouped = new Intl.NumberFormat('en-US');

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const whole = Math.round(seconds);
  return whole >= 60 ? `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s` : `${whole}s`;
}

/** "[#########.....]  31% 310,000/1,000,000 · 98,400/s · ETA 7s" */
export function formatProgress(done: number, total: number, elapsedMs: number): string {
  const share = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(share * BAR_WIDTH);
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = done >= total ? 'done' : rate > 0 ? `ETA ${duration((total - done) / rate)}` : 'ETA ?';
  const percent = `${Math.floor(share * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${percent} ${grouped.format(done)}/${grouped.format(total)} · ${grouped.format(Math.round(rate))}/s · ${eta}`;
}

export interface ProgressBar {
  update(done: number, total: number): void;
  /** Ends the bar's line (if one was drawn), so what follows starts on a new line. */
  finish(): void;
}

export interface ProgressBarOptions {
  readonly stream: { write(text: string): unknown };
  /** Monotonic milliseconds (performance.now in production). */
  readonly nowMs: () => number;
}

export function createProgressBar(options: ProgressBarOptions): ProgressBar {
  const { stream, nowMs } = options;
  const startedMs = nowMs();
  let lastDrawMs = Number.NEGATIVE_INFINITY;
  let drawn = false;
  let finished = false;
  return {
    update(done, total) {
      if (finished) return;
      const now = nowMs();
      if (done < total && now - lastDrawMs < PROGRESS_INTERVAL_MS) return;
      lastDrawMs = now;
      drawn = true;
      // \r returns to the line start; ESC[K clears what a longer previous line left behind.
      stream.write(`\r${formatProgress(done, total, now - startedMs)}\u001b[K`);
    },
    finish() {
      if (finished) return;
      finished = true;
      if (drawn) stream.write('\n');
    },
  };
}

/** True when `stream` is a terminal (process.stderr in an interactive shell). */
export function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

/** A bar for a run of `n` on `stream`, or null when it should stay quiet. */
export function progressBarFor(n: number, stream: NodeJS.WritableStream, nowMs: () => number): ProgressBar | null {
  return n >= PROGRESS_MIN_N && isTerminal(stream) ? createProgressBar({ stream, nowMs }) : null;
}
