/** Reconnect delays: exponential from `initialMs`, capped at `maxMs`, with jitter. */
export interface BackoffOptions {
  /** @default 250 */
  initialMs?: number;
  /** @default 10000 */
  maxMs?: number;
}

/**
 * The delay before reconnect attempt `attempt` (0-based): a random point in the upper half of the exponential step
 * ("equal jitter"), so many clients dropped at once do not come back in lockstep, yet none retries instantly.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const initial = options.initialMs ?? 250;
  const max = options.maxMs ?? 10_000;
  const step = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + random() * (step / 2));
}
