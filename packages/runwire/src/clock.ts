/** A timer started by a `Clock`; `cancel()` is idempotent. */
export interface Timer {
  cancel(): void;
}

/**
 * The source of time for every timer, heartbeat and deadline. Production uses `systemClock`; tests use
 * `FakeClock` and advance it instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once after `ms`. */
  setTimeout(fn: () => void, ms: number): Timer;
  /** Calls `fn` every `ms` until cancelled. */
  setInterval(fn: () => void, ms: number): Timer;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

function sleepWith(clock: Pick<Clock, 'setTimeout'>, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      timer.cancel();
      reject(abortReason(signal as AbortSignal));
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The real clock. Its timers do not keep the process alive (`unref`). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
  setInterval(fn, ms) {
    const handle = setInterval(fn, ms);
    handle.unref();
    return { cancel: () => clearInterval(handle) };
  },
  sleep(ms, signal) {
    return sleepWith(systemClock, ms, signal);
  },
};

interface FakeTimer {
  readonly id: number;
  at: number;
  readonly every: number | undefined;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told. `advance(ms)` fires every due timer in time order and lets the promise
 * jobs they start settle between timers, so awaited work proceeds as it would in real time.
 */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers: FakeTimer[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    return this.#add(fn, ms, undefined);
  }

  setInterval(fn: () => void, ms: number): Timer {
    return this.#add(fn, ms, Math.max(1, ms));
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }

  /** Number of timers still scheduled. */
  get pendingTimers(): number {
    return this.#timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (;;) {
      const due = this.#timers
        .filter((t) => !t.cancelled && t.at <= target)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.#now = Math.max(this.#now, due.at);
      if (due.every === undefined) due.cancelled = true;
      else due.at += due.every;
      due.fn();
      this.#timers = this.#timers.filter((t) => !t.cancelled);
      await settle();
    }
    this.#now = target;
    await settle();
  }

  #add(fn: () => void, ms: number, every: number | undefined): Timer {
    const timer: FakeTimer = { id: this.#nextId++, at: this.#now + Math.max(0, ms), every, fn, cancelled: false };
    this.#timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }
}

/** Lets pending promise jobs and immediates run. */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Waits for `work`, but at most `ms` on `clock`. Resolves `true` when the work settled in time (whether it succeeded
 * or failed), `false` when time ran out first. Never rejects.
 */
export async function within(clock: Pick<Clock, 'setTimeout'>, work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: Timer | undefined;
  const settled = await Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = clock.setTimeout(() => resolve(false), ms);
    }),
  ]);
  timer?.cancel();
  return settled;
}
