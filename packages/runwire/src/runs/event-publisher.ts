import type { Clock } from '../clock.js';
import { KeyedQueue } from '../keyed-queue.js';
import type { RunEvent, RunEventBody, UnsequencedRunEvent } from '../protocol/run-events.js';
import type { Bus } from '../stores/bus.js';
import type { EventLog } from '../stores/event-log.js';
import type { AgentExecutionTracker } from '../tracker/execution-tracker.js';
import type { RunRecord } from '../tracker/run-record.js';

export type RunIdentity = Pick<RunRecord, 'runId' | 'threadId' | 'userId' | 'agent'>;

/**
 * Turns what happened in a run into a logged, sequenced, delivered event. Events of one user are appended strictly
 * in the order `emit` is called (a chain per user), so a user's `seq` order is the order things happened.
 */
export class EventPublisher {
  readonly #log: EventLog;
  readonly #bus: Bus;
  readonly #tracker: AgentExecutionTracker;
  readonly #clock: Clock;
  readonly #onError: (error: unknown, event: UnsequencedRunEvent) => void;
  /** Per user: what follows each append (notes, listeners, publish), in seq order. */
  readonly #queue = new KeyedQueue();
  readonly #listeners = new Set<(event: RunEvent) => void>();

  constructor(options: {
    log: EventLog;
    bus: Bus;
    tracker: AgentExecutionTracker;
    clock: Clock;
    onError: (error: unknown, event: UnsequencedRunEvent) => void;
  }) {
    this.#log = options.log;
    this.#bus = options.bus;
    this.#tracker = options.tracker;
    this.#clock = options.clock;
    this.#onError = options.onError;
  }

  /** Observes every event after it is logged (metrics). */
  onPublished(listener: (event: RunEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Logs and delivers one event of a run. Resolves with the event and its `seq` once it is in the log. A failure is
   * reported to `onError`; the returned promise rejects then, but never as an unhandled rejection, so callers that
   * do not need the seq may ignore it (`void publisher.emit(…)`).
   */
  emit(run: RunIdentity, body: RunEventBody): Promise<RunEvent> {
    const event = {
      ...body,
      runId: run.runId,
      threadId: run.threadId,
      userId: run.userId,
      agent: run.agent,
      ts: new Date(this.#clock.now()).toISOString(),
    } as UnsequencedRunEvent;
    // The log assigns seqs in call order (the EventLog contract), so the append starts now and can share a commit
    // with the user's other pending appends; only what follows it (notes, listeners, publish) is chained in order.
    const appended = this.#log.append(event);
    // Handled below, possibly after earlier events: mark it handled now so a failure is not an unhandled rejection.
    appended.catch(() => undefined);
    return this.#queue.run(run.userId, () => this.#afterAppend(appended, event));
  }

  /** Resolves when every event emitted so far is logged and published. */
  flush(): Promise<void> {
    return this.#queue.drain();
  }

  async #afterAppend(appended: Promise<RunEvent>, event: UnsequencedRunEvent): Promise<RunEvent> {
    let logged: RunEvent;
    try {
      logged = await appended;
    } catch (error) {
      this.#onError(error, event);
      throw error;
    }
    this.#tracker.noteEvent(logged.runId as RunRecord['runId'], logged.seq);
    for (const listener of this.#listeners) listener(logged);
    // Delivery is best effort: a lost publish is recovered by connections from the log by seq.
    this.#bus.publish(logged).catch((error: unknown) => this.#onError(error, event));
    return logged;
  }
}
