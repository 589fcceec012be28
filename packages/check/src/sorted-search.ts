/**
 * Binary searches over ascending offsets, shared by every index of offsets the front ends keep (line starts, cuts,
 * quoted ranges, `new` sites).
 *
 * @param stride - read every `stride`-th entry: ranges kept flat as `[start, end, start, end, …]` are searched by
 * their starts with 2; the index returned is into the whole array
 * @example
 * firstAtOrAfter([2, 4, 4, 9], 4); // 1
 * firstAfter([2, 4, 4, 9], 4); // 3
 * firstAtOrAfter([0, 3, 5, 8], 4, 2); // 2 (the range [5, 8))
 */
export function firstAtOrAfter(sorted: readonly number[], value: number, stride = 1): number {
  let low = 0;
  let high = Math.floor(sorted.length / stride);
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((sorted[mid * stride] ?? 0) < value) low = mid + 1;
    else high = mid;
  }
  return low * stride;
}

/** The index of the first entry of `sorted` (ascending) greater than `value`: how many are at or below it. */
export function firstAfter(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((sorted[mid] ?? 0) <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}
