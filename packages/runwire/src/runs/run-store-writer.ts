import { KeyedQueue } from '../keyed-queue.js';
import type { RunStore } from '../stores/run-store.js';
import type { RunRecord } from '../tracker/run-record.js';

/**
 * Writes every tracker change (handed to it by `RunLifecycle`) through to the `RunStore`, in order per run. Heartbeats are not written (they are
 * in-memory liveness); state changes, final responses and errors are.
 */
export class RunStoreWriter {
  readonly #store: RunStore;
  /** Per run: its record writes, in order. */
  readonly #queue = new KeyedQueue();
  readonly #onError: (error: unknown, record: RunRecord) => void;

  #closed = false;

  constructor(store: RunStore, onError: (error: unknown, record: RunRecord) => void) {
    this.#store = store;
    this.#onError = onError;
  }

  /** Queues one record write after the earlier writes of the same run. */
  write(record: RunRecord): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return this.#queue.run(record.runId, () =>
      this.#store.put(record).catch((error: unknown) => this.#onError(error, record)),
    );
  }

  /** Resolves when every queued write is done. */
  flush(): Promise<void> {
    return this.#queue.drain();
  }

  close(): void {
    this.#closed = true;
  }
}
