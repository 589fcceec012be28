import type { AgentExecutionTracker, RunChange } from '../tracker/execution-tracker.js';
import type { RunRecord } from '../tracker/run-record.js';
import { isTerminal } from '../tracker/run-status.js';
import type { AgentRunner } from './agent-runner.js';
import type { RunLeaseKeeper } from './run-lease-keeper.js';
import type { RunScheduler } from './run-scheduler.js';
import type { RunStoreWriter } from './run-store-writer.js';

/** What a run's life touches besides the tracker; `leases` only with stores shared by many nodes. */
export interface RunLifecycleParts {
  readonly writer: RunStoreWriter;
  readonly runner: AgentRunner;
  readonly scheduler: RunScheduler;
  readonly leases?: RunLeaseKeeper;
}

/**
 * The one subscriber of the tracker's changes on the run path. Every change of a run is written to the run store;
 * a new run of this node is leased; and a run's ending, whoever causes it (the agent returning or throwing, a cancel,
 * the sweeper, shutdown), is one explicit step with a fixed order:
 *
 * 1. the record is queued for the store (before anything else, so a reader of the store is never behind the log);
 * 2. the runner stops the agent, closes its open tool calls and emits the one terminal event;
 * 3. the lease is given back (Redis), so no other node takes the run for dead;
 * 4. the scheduler frees the run's thread and user slot and starts what waited for them;
 * 5. observers (metrics) are told.
 *
 * The order used to be the order in which these parts happened to subscribe to the tracker.
 */
export class RunLifecycle {
  readonly #parts: RunLifecycleParts;
  readonly #observers = new Set<(record: RunRecord) => void>();
  readonly #unsubscribe: () => void;

  constructor(tracker: AgentExecutionTracker, parts: RunLifecycleParts) {
    this.#parts = parts;
    this.#unsubscribe = tracker.onChange((change) => this.#onChange(change));
  }

  /** Calls `observer` at the end of every run, after every other step of the ending. Returns the unsubscribe. */
  onEnded(observer: (record: RunRecord) => void): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  close(): void {
    this.#unsubscribe();
  }

  #onChange(change: RunChange): void {
    const { record } = change;
    if (change.previous === undefined) {
      void this.#parts.writer.write(record);
      this.#parts.leases?.runCreated(record);
    } else if (isTerminal(record.status)) {
      this.#end(record);
    } else {
      void this.#parts.writer.write(record);
    }
  }

  #end(record: RunRecord): void {
    void this.#parts.writer.write(record);
    this.#parts.runner.runEnded(record);
    this.#parts.leases?.runEnded(record);
    this.#parts.scheduler.runEnded(record);
    for (const observer of this.#observers) observer(record);
  }
}
