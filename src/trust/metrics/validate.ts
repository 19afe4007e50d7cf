/**
 * Argument checks shared by the metric functions: each metric validates once at its entry and
 * names itself in the error, so a caller sees which statistic refused which input.
 */
import { ServiceError } from '../../errors.js';

/** Throws `STATS_LENGTH_MISMATCH` unless both arrays are non-empty and equally long. */
export function requireSameLength(name: string, p: readonly number[], q: readonly number[]): void {
  if (p.length !== q.length || p.length === 0) {
    throw new ServiceError('STATS_LENGTH_MISMATCH', `${name} requires two non-empty arrays of equal length`, {
      details: { function: name, lengths: [p.length, q.length] },
    });
  }
}

/** Throws `STATS_INVALID_ARGUMENT` unless every value is finite and non-negative. */
export function requireNonNegative(name: string, values: readonly number[]): void {
  for (const value of values) {
    if (!Number.isFinite(value) || value < 0) {
      throw new ServiceError('STATS_INVALID_ARGUMENT', `${name} requires finite non-negative values, got ${value}`, {
        details: { function: name, value },
      });
    }
  }
}

/** Throws `STATS_INVALID_ARGUMENT` unless the values are shares: non-negative and summing to 1 (±1e-9). */
export function requireShares(name: string, shares: readonly number[]): void {
  requireNonNegative(name, shares);
  const total = shares.reduce((sum, share) => sum + share, 0);
  if (Math.abs(total - 1) > 1e-9) {
    throw new ServiceError('STATS_INVALID_ARGUMENT', `${name} requires shares summing to 1, got ${total}`, {
      details: { function: name, total },
    });
  }
}

export function invalidArgument(name: string, message: string, details: Record<string, unknown> = {}): ServiceError {
  return new ServiceError('STATS_INVALID_ARGUMENT', `${name} ${message}`, { details: { function: name, ...details } });
}
