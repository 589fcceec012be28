import type { Clock, Timer } from '../../clock.js';
import { ModelStalledError } from '../../errors.js';

/**
 * Watches one model stream for silence: from the request to the first chunk (`first_token`), and between chunks
 * (`between_chunks`). On a stall it aborts its signal with a `ModelStalledError`, which cancels the HTTP request.
 * A chunk only notes the time; the one timer re-arms itself when it fires early, so a chunk costs no timer work.
 */
export class StreamWatchdog {
  readonly #clock: Clock;
  readonly #firstTokenMs: number;
  readonly #idleMs: number;
  readonly #controller = new AbortController();
  #timer: Timer | undefined;
  /** When the last chunk arrived (undefined: none yet). */
  #lastChunkAt: number | undefined;
  #closed = false;

  constructor(clock: Clock, limits: { firstTokenTimeoutMs: number; idleTimeoutMs: number }) {
    this.#clock = clock;
    this.#firstTokenMs = limits.firstTokenTimeoutMs;
    this.#idleMs = limits.idleTimeoutMs;
    this.#timer = clock.setTimeout(() => this.#check(), this.#firstTokenMs);
  }

  /** Aborted with a `ModelStalledError` when the stream stalls. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Whether any chunk arrived. */
  get received(): boolean {
    return this.#lastChunkAt !== undefined;
  }

  /** The stall, once there was one. */
  get stall(): ModelStalledError | undefined {
    const reason: unknown = this.#controller.signal.reason;
    return reason instanceof ModelStalledError ? reason : undefined;
  }

  /** A chunk arrived: the silence starts again. */
  chunk(): void {
    const first = this.#lastChunkAt === undefined;
    this.#lastChunkAt = this.#clock.now();
    if (first && !this.#closed) {
      // From now on the idle timeout applies, however long the first-token timeout still had to go.
      this.#timer?.cancel();
      this.#timer = this.#clock.setTimeout(() => this.#check(), this.#idleMs);
    }
  }

  /** Stops watching (idempotent). */
  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
  }

  #check(): void {
    if (this.#closed) return;
    const last = this.#lastChunkAt;
    if (last === undefined) {
      this.#controller.abort(new ModelStalledError('first_token', this.#firstTokenMs));
      return;
    }
    const silentFor = this.#clock.now() - last;
    if (silentFor >= this.#idleMs) {
      this.#controller.abort(new ModelStalledError('between_chunks', this.#idleMs));
      return;
    }
    this.#timer = this.#clock.setTimeout(() => this.#check(), this.#idleMs - silentFor);
  }
}
