import type { Clock, Timer } from './clock.js';
import type { Logger } from './logger.js';

/** How long one kind of fault is logged once: the rest of the interval is only counted. */
export const DEFAULT_FAULT_LOG_INTERVAL_MS = 10_000;

/** Distinct kinds tracked at once; a flood of new kinds (none can come from clients today) shares one slot. */
const MAX_KINDS = 100;
const OVERFLOW_KIND = 'other';

interface Window {
  suppressed: number;
  readonly message: string;
  readonly timer: Timer;
}

/**
 * An error log that writes at most one line per kind per interval, so that no client can flood the log by
 * repeating what makes the server fault. The first fault of a kind is logged in full (with its error); the next ones
 * within `intervalMs` are only counted, and when the interval ends one line reports how many were suppressed.
 */
export class RateLimitedLog {
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #windows = new Map<string, Window>();

  constructor(logger: Logger, clock: Clock, intervalMs: number = DEFAULT_FAULT_LOG_INTERVAL_MS) {
    this.#logger = logger;
    this.#clock = clock;
    this.#intervalMs = intervalMs;
  }

  /** Logs `fields` and `message` at error level, unless this `kind` was already logged within the interval. */
  error(kind: string, fields: object, message: string): void {
    const key = this.#windows.has(kind) || this.#windows.size < MAX_KINDS ? kind : OVERFLOW_KIND;
    const open = this.#windows.get(key);
    if (open !== undefined) {
      open.suppressed++;
      return;
    }
    this.#logger.error({ ...fields, kind: key }, message);
    const timer = this.#clock.setTimeout(() => this.#end(key), this.#intervalMs);
    this.#windows.set(key, { suppressed: 0, message, timer });
  }

  /** Cancels the pending timers and reports what was suppressed so far. Idempotent. */
  close(): void {
    for (const key of [...this.#windows.keys()]) this.#end(key);
  }

  #end(key: string): void {
    const window = this.#windows.get(key);
    if (window === undefined) return;
    window.timer.cancel();
    this.#windows.delete(key);
    if (window.suppressed > 0) {
      this.#logger.error(
        { kind: key, suppressed: window.suppressed, intervalMs: this.#intervalMs },
        `${window.message}: ${window.suppressed} more of this kind in the last ${this.#intervalMs} ms (not logged one by one)`,
      );
    }
  }
}

/**
 * The listener of `MessageRouter.onInternalError`: logs handler faults through a `RateLimitedLog`, one kind per
 * frame type and error class.
 */
export function handlerFaultLogger(
  logger: Logger,
  clock: Clock,
  intervalMs: number = DEFAULT_FAULT_LOG_INTERVAL_MS,
): (error: unknown, frameType: string) => void {
  const log = new RateLimitedLog(logger, clock, intervalMs);
  return (error, frameType) => {
    const errorName = error instanceof Error ? error.name : typeof error;
    log.error(`${frameType}:${errorName}`, { err: error, frameType }, 'handler fault');
  };
}
