/** Small statistics shared by the benches: one definition, so every bench summarises rounds the same way. */

/** The median of `values` (the mean of the two middle values for an even count); `NaN` for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** A count or rate rounded and grouped for reading: `12,345`. */
export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
