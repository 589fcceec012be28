import type { RunContext } from '../run-context.js';

/**
 * Sends text deltas as `partial_result` without holding up the model's stream: the first delta goes at once, and
 * deltas that arrive while an earlier one is still being published (or in the same turn of the event loop) go
 * together in the next event. The user gets
 * the same text in the same order, in fewer frames when the model is faster than the event path.
 */
export class PartialCoalescer {
  readonly #ctx: RunContext;
  #pending = '';
  #pump: Promise<void> | undefined;
  #failure: { error: unknown } | undefined;

  constructor(ctx: RunContext) {
    this.#ctx = ctx;
  }

  /** Queues a delta. @throws what publishing an earlier delta threw (e.g. the run ended). */
  push(delta: string): void {
    if (this.#failure !== undefined) throw this.#failure.error;
    this.#pending += delta;
    this.#pump ??= this.#drain();
  }

  /** Resolves when every queued delta is published. @throws what publishing threw. */
  async flush(): Promise<void> {
    while (this.#pump !== undefined) await this.#pump;
    if (this.#failure !== undefined) throw this.#failure.error;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const delta = this.#pending;
        this.#pending = '';
        await this.#ctx.partial(delta);
        // One turn of the event loop: the rest of the network read the model's stream is in is parsed meanwhile,
        // and its deltas go out together.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      this.#failure = { error };
    } finally {
      this.#pump = undefined;
    }
  }
}
