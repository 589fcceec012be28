import type { AgentExecutionTracker } from '../tracker/execution-tracker.js';
import type { RunRecord } from '../tracker/run-record.js';
import type { RunStore } from './run-store.js';

/**
 * Writes every tracker change through to the `RunStore`, in order per run. Heartbeats are not written (they are
 * in-memory liveness); state changes, final responses and errors are.
 */
export class RunStoreWriter {
  readonly #store: RunStore;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #onError: (error: unknown, record: RunRecord) => void;
  readonly #unsubscribe: () => void;

  constructor(tracker: AgentExecutionTracker, store: RunStore, onError: (error: unknown, record: RunRecord) => void) {
    this.#store = store;
    this.#onError = onError;
    this.#unsubscribe = tracker.onChange(({ record }) => this.write(record));
  }

  /** Queues one record write after the earlier writes of the same run. */
  write(record: RunRecord): Promise<void> {
    const previous = this.#chains.get(record.runId) ?? Promise.resolve();
    const next = previous.then(() => this.#store.put(record)).catch((error: unknown) => this.#onError(error, record));
    this.#chains.set(record.runId, next);
    void next.then(() => {
      if (this.#chains.get(record.runId) === next) this.#chains.delete(record.runId);
    });
    return next;
  }

  /** Resolves when every queued write is done. */
  async flush(): Promise<void> {
    while (this.#chains.size > 0) await Promise.all([...this.#chains.values()]);
  }

  close(): void {
    this.#unsubscribe();
  }
}
