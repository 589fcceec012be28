import type { Percentiles } from '../protocol/quality-frames.js';

/**
 * Upper bounds (ms) of the fixed latency buckets of the quality rollups, for time to first event and run duration.
 * Fixed so that the histograms of every day, user and node add up. Never reorder or drop a bound: stored counters
 * name buckets by index (`duration_b3`); a new bound may only be appended before the overflow bucket in a new
 * metric name.
 */
export const LATENCY_BUCKETS_MS = [
  1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 900_000, 3_600_000,
] as const;

/** The index of the bucket of `ms`: the first bound ≥ it, or `LATENCY_BUCKETS_MS.length` (overflow) above the last. */
export function bucketIndex(ms: number): number {
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
    if (ms <= (LATENCY_BUCKETS_MS[i] as number)) return i;
  }
  return LATENCY_BUCKETS_MS.length;
}

/**
 * Percentiles of a bucketed histogram (`counts[i]` = samples in bucket i), each as the upper bound of the bucket
 * that holds it: never below the true value, at most one bucket above. A percentile in the overflow bucket reads as
 * the last bound (its true value is larger). `undefined` when there is no sample.
 */
export function percentilesOf(counts: readonly number[]): Percentiles | undefined {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total === 0) return undefined;
  const at = (q: number): number => {
    const rank = Math.ceil(q * total);
    let seen = 0;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i] ?? 0;
      if (seen >= rank) return LATENCY_BUCKETS_MS[Math.min(i, LATENCY_BUCKETS_MS.length - 1)] as number;
    }
    return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1] as number;
  };
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}
