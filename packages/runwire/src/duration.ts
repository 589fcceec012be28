import { ConfigError } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration as given at the edge: milliseconds, or a string like `'250ms'`, `'10s'`, `'15m'`, `'1h'`, `'7d'`. */
export type DurationInput = number | string;

/**
 * Compiles a duration to integer milliseconds.
 * @throws ConfigError naming `what` for anything else (negative, not a number, unknown unit).
 * @example toMs('1h', 'token ttl') // 3_600_000
 */
export function toMs(value: DurationInput, what: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  } else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
    if (match !== null) return Math.round(Number(match[1]) * (UNITS[match[2] ?? 'ms'] ?? 1));
  }
  throw new ConfigError(`${what} must be a duration such as 500, '10s', '15m' or '1h', got ${JSON.stringify(value)}`);
}

/**
 * Writes milliseconds the way people give them: in the largest unit that divides them exactly.
 * @example formatDuration(15_000) // '15s'
 * @example formatDuration(1_500) // '1500ms'
 */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNITS[unit] ?? 1;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
