import { RunError } from './errors.js';
import { isTerminal, type RunEvent, type RunSnapshotFrame } from './protocol.js';

/** What a run needs from its client: a way to stop it. */
export interface RunControl {
  stop(runId: string): Promise<{ runId: string; status: RunSnapshotFrame['status'] | undefined }>;
}

/**
 * One run started by this client. `events` yields the run's events in seq order and ends after the terminal one;
 * `result` resolves with the final text, or rejects with a {@link RunError}. Iterating `events` several times (or from
 * several places) replays the run from its first event received.
 */
export class ClientRun {
  readonly runId: string;
  readonly threadId: string;
  /** The final text, or a {@link RunError}. */
  readonly result: Promise<string>;
  readonly events: AsyncIterable<RunEvent>;
  readonly #received: RunEvent[] = [];
  readonly #wake = new Set<() => void>();
  readonly #control: RunControl;
  #ended = false;
  #failure: Error | undefined;
  #resolve!: (text: string) => void;
  #reject!: (error: Error) => void;

  constructor(runId: string, threadId: string, control: RunControl) {
    this.runId = runId;
    this.threadId = threadId;
    this.#control = control;
    this.result = new Promise<string>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // An app that only iterates the events must not get an unhandled rejection for a run that failed.
    this.result.catch(() => {});
    this.events = { [Symbol.asyncIterator]: () => this.#iterate() };
  }

  /** Whether the run's terminal event arrived (or the run was given up). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Stops the run (idempotent); resolves with the server's ack. The terminal `agent_cancelled` follows on `events`. */
  cancel(): Promise<{ runId: string; status: RunSnapshotFrame['status'] | undefined }> {
    return this.#control.stop(this.runId);
  }

  /** @internal Hands the run its next event (the client has already put events in seq order and removed repeats). */
  push(event: RunEvent): void {
    if (this.#ended) return;
    this.#received.push(event);
    if (isTerminal(event)) {
      this.#ended = true;
      if (event.type === 'agent_completed') this.#resolve(event.finalResponse);
      else if (event.type === 'agent_error')
        this.#reject(new RunError(this.runId, event.status, event.error.code, event.error.message));
      else
        this.#reject(
          new RunError(this.runId, 'cancelled', 'cancelled', `Run '${this.runId}' was cancelled (${event.reason})`),
        );
    }
    this.#notify();
  }

  /** @internal Ends the run from a snapshot, when its terminal event can no longer arrive (after `resync_required`). */
  settleFrom(snapshot: RunSnapshotFrame): void {
    if (this.#ended) return;
    switch (snapshot.status) {
      case 'completed':
        this.#ended = true;
        this.#resolve(snapshot.finalResponse ?? '');
        break;
      case 'failed':
      case 'timeout':
      case 'dead':
      case 'cancelled':
        this.#ended = true;
        this.#reject(
          new RunError(
            this.runId,
            snapshot.status,
            snapshot.error?.code ?? snapshot.status,
            snapshot.error?.message ?? `Run '${this.runId}' ended '${snapshot.status}'`,
          ),
        );
        break;
      default:
        return;
    }
    this.#notify();
  }

  /** @internal Gives the run up: its events end with `error` and `result` rejects with it. */
  fail(error: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#failure = error;
    this.#reject(error);
    this.#notify();
  }

  #notify(): void {
    for (const wake of [...this.#wake]) wake();
  }

  async *#iterate(): AsyncGenerator<RunEvent> {
    let next = 0;
    for (;;) {
      while (next < this.#received.length) yield this.#received[next++]!;
      if (this.#ended) {
        if (this.#failure !== undefined) throw this.#failure;
        return;
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.#wake.delete(wake);
          resolve();
        };
        this.#wake.add(wake);
      });
    }
  }
}
