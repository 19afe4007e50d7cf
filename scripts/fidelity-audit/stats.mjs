// Pure statistics of the fidelity audit: one published figure against its generated counterpart,
// with the envelope sampling alone explains at this n plus the published rounding. No I/O.
//
// Envelope of a share:        tolerance = 3·SE + h,  SE = √(p(1−p)/n_sub)
// Envelope of a distribution: tolerance = 3·E[TVD] + ½·Σ h_k
// where h is half the last printed digit of the published figure (0.05 pp for one decimal), and
// E[TVD] the expected total variation distance of a multinomial sample of n_sub from the target
// (exact, de Moivre: E|X − np| = 2(f+1)·C(n, f+1)·p^(f+1)·(1−p)^(n−f), f = ⌊np⌋; tends to
// Σ_k √(p_k(1−p_k)/(2πn)) for large n). A row is flagged when |generated − target| > tolerance.

/** Multiplier of the sampling error in the envelope (about 0.3% of honest binary cells fire by chance). */
export const SIGMAS = 3;

// Lanczos approximation of ln Γ (g = 7, nine coefficients; relative error ~1e-15 for x > 0).
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** Natural log of the gamma function, x > 0. */
export function logGamma(x) {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i += 1) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** E|X − np| for X ~ Binomial(n, p), de Moivre's closed form. */
export function binomialMeanAbsoluteDeviation(n, p) {
  if (!(p > 0) || !(p < 1) || n < 1) return 0;
  const f = Math.min(Math.floor(n * p), n - 1);
  const k = f + 1;
  const logC = logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
  return Math.exp(Math.log(2 * k) + logC + k * Math.log(p) + (n - f) * Math.log1p(-p));
}

/** Expected TVD of a multinomial sample of size n from `shares` (shares sum to 1). */
export function expectedTvd(shares, n) {
  if (n < 1) return null;
  let l1 = 0;
  for (const p of shares) l1 += binomialMeanAbsoluteDeviation(n, p);
  return l1 / n / 2;
}

/** Total variation distance between two share vectors of equal length. */
export function totalVariation(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs(a[i] - b[i]);
  return sum / 2;
}

/** One standard error of a sample share at n_sub, from the target share. */
export function standardError(p, n) {
  return n > 0 ? Math.sqrt((p * (1 - p)) / n) : null;
}

/** Half a unit of the last printed digit, as a share: 1 decimal of a percent → 0.0005. */
export function roundingHalfUnit(decimals, unit = 'percent') {
  const half = 0.5 * 10 ** -decimals;
  return unit === 'percent' ? half / 100 : half;
}

function outcome(diff, tolerance) {
  if (tolerance === null || diff === null) return 'n/a';
  return Math.abs(diff) > tolerance ? 'OUT' : 'ok';
}

/** Fewer expected records than this in a cell (or its complement): the normal envelope does not hold. */
export const MIN_EXPECTED = 5;

/**
 * A published share against the generated one. A cell expecting fewer than MIN_EXPECTED records
 * (or non-records) at this n is `sparse`: shown, not counted, since √(p(1−p)/n) is no envelope
 * there; it still counts in its distribution's TVD. `structural: true` (a census zero the output
 * must keep, e.g. no urban Dubăsari) is never sparse.
 * @param {object} spec - { target (share), hits, n, floor (share, default 0), structural, ...labels }
 * @returns a result row: generated, diff (share), se, tolerance, z, flag, sparse
 * @example shareCheck({ target: 0.5, hits: 60, n: 100 }) // generated 0.6, se 0.05, tolerance 0.15, flag 'ok'
 */
export function shareCheck({ target, hits, n, floor = 0, ...labels }) {
  const generated = n > 0 ? hits / n : null;
  const se = standardError(target, n);
  const diff = generated === null ? null : generated - target;
  const tolerance = se === null ? null : SIGMAS * se + floor;
  const sparse = !labels.structural && n > 0 && Math.min(n * target, n * (1 - target)) < MIN_EXPECTED;
  return {
    ...labels,
    kind: labels.kind ?? 'share',
    sparse,
    target,
    generated,
    diff,
    n,
    se,
    floor,
    tolerance,
    z: diff !== null && se ? diff / se : null,
    flag: outcome(diff, tolerance),
  };
}

/**
 * A published distribution against generated counts: one TVD row plus one share row per cell.
 * `targets` need not sum to 1 exactly (published rounding); they are used as printed for the
 * cells and renormalised for the TVD. `floors` are per-cell rounding half-units (shares).
 */
export function distributionCheck({ id, categories, targets, counts, floors, ...labels }) {
  const n = counts.reduce((a, b) => a + b, 0);
  const sum = targets.reduce((a, b) => a + b, 0);
  const shares = targets.map((t) => (sum > 0 ? t / sum : 0));
  const generated = counts.map((c) => (n > 0 ? c / n : 0));
  const tvd = n > 0 ? totalVariation(generated, shares) : null;
  const expected = expectedTvd(shares, n);
  const floorSum = (floors ?? []).reduce((a, b) => a + b, 0) / 2;
  const tolerance = expected === null ? null : SIGMAS * expected + floorSum;
  const summary = {
    ...labels,
    id: `${id}:tvd`,
    kind: 'tvd',
    what: `${labels.what ?? id} (TVD over ${categories.length} cells)`,
    target: 0,
    generated: tvd,
    diff: tvd,
    n,
    se: expected,
    floor: floorSum,
    tolerance,
    z: tvd !== null && expected ? tvd / expected : null,
    flag: outcome(tvd, tolerance),
  };
  const cells = categories.map((category, k) =>
    shareCheck({ ...labels, id: `${id}:${category}`, what: `${labels.what ?? id}: ${category}`, target: targets[k], hits: counts[k], n, floor: floors?.[k] ?? 0 }),
  );
  return [summary, ...cells];
}

/** A published mean (e.g. mean age) against the generated mean of `values`; SE = sd/√n. */
export function meanCheck({ target, values, floor = 0, ...labels }) {
  const n = values.length;
  if (n === 0) return { ...labels, kind: 'mean', target, generated: null, diff: null, n, se: null, floor, tolerance: null, z: null, flag: 'n/a' };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  const se = n > 1 ? Math.sqrt(squares / (n - 1) / n) : null;
  const diff = mean - target;
  const tolerance = se === null ? null : SIGMAS * se + floor;
  return { ...labels, kind: 'mean', target, generated: mean, diff, n, se, floor, tolerance, z: se ? diff / se : null, flag: outcome(diff, tolerance) };
}

/**
 * A published range [low, high] for a share (e.g. "mostly between 10 and 15%"): the distance to
 * the nearest bound is the difference; inside the range it is 0.
 */
export function rangeCheck({ low, high, hits, n, ...labels }) {
  const generated = n > 0 ? hits / n : null;
  const mid = (low + high) / 2;
  const se = standardError(mid, n);
  const diff = generated === null ? null : generated < low ? generated - low : generated > high ? generated - high : 0;
  const tolerance = se === null ? null : SIGMAS * se;
  return { ...labels, kind: 'range', target: mid, low, high, generated, diff, n, se, floor: 0, tolerance, z: diff !== null && se ? diff / se : null, flag: outcome(diff, tolerance) };
}

/**
 * Median by linear interpolation within five-year age groups (the way the reference's unit
 * medians were made), and its standard error 1 / (2·f(m)·√n) with the density f(m) of the
 * median's group.
 */
export function groupedMedian(ages, width = 5) {
  const n = ages.length;
  if (n === 0) return { median: null, se: null };
  const bins = new Map();
  for (const age of ages) {
    const bin = Math.floor(age / width);
    bins.set(bin, (bins.get(bin) ?? 0) + 1);
  }
  const order = [...bins.keys()].sort((a, b) => a - b);
  let below = 0;
  for (const bin of order) {
    const count = bins.get(bin);
    if (below + count >= n / 2) {
      const median = bin * width + ((n / 2 - below) / count) * width;
      const density = count / n / width;
      return { median, se: 1 / (2 * density * Math.sqrt(n)) };
    }
    below += count;
  }
  return { median: null, se: null };
}

/** A published (grouped) median against the generated one. */
export function medianCheck({ target, ages, floor = 0, ...labels }) {
  const { median, se } = groupedMedian(ages);
  const diff = median === null ? null : median - target;
  const tolerance = se === null ? null : SIGMAS * se + floor;
  return { ...labels, kind: 'median', target, generated: median, diff, n: ages.length, se, floor, tolerance, z: se ? diff / se : null, flag: outcome(diff, tolerance) };
}

/** Counts of `key(record)` over the records passing `filter`, in `categories` order (others ignored). */
export function countBy(records, filter, key, categories) {
  const at = new Map(categories.map((c, i) => [c, i]));
  const counts = new Array(categories.length).fill(0);
  for (const record of records) {
    if (!filter(record)) continue;
    const i = at.get(key(record));
    if (i !== undefined) counts[i] += 1;
  }
  return counts;
}

/** Counts of (row, col) pairs over the records passing `filter`: a rows × cols matrix. */
export function crossCount(records, filter, rowKey, rows, colKey, cols) {
  const rowAt = new Map(rows.map((c, i) => [c, i]));
  const colAt = new Map(cols.map((c, i) => [c, i]));
  const matrix = rows.map(() => new Array(cols.length).fill(0));
  for (const record of records) {
    if (!filter(record)) continue;
    const r = rowAt.get(rowKey(record));
    const c = colAt.get(colKey(record));
    if (r !== undefined && c !== undefined) matrix[r][c] += 1;
  }
  return matrix;
}
