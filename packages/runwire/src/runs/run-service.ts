import type { UserExecutionContext } from '../context/user-execution-context.js';
import { BadRequestError, RunNotFoundError } from '../errors.js';
import type { RunEvent } from '../protocol/run-events.js';
import type { Bus } from '../stores/bus.js';
import type { EventLog } from '../stores/event-log.js';
import { decodeRunCursor, type RunQuery, type RunStore } from '../stores/run-store.js';
import type { AgentExecutionTracker } from '../tracker/execution-tracker.js';
import { type RunRecord, type RunSnapshot, toRunSnapshot } from '../tracker/run-record.js';
import { isTerminal, type RunStatus } from '../tracker/run-status.js';
import type { RunRequest, RunScheduler } from './run-scheduler.js';
import type { ThreadHistory } from './thread-history.js';

/**
 * The user-facing operations on runs, shared by the WebSocket handlers and the REST API so both enforce the same
 * isolation: another user's run is answered exactly like a missing one.
 */
export class RunService {
  readonly #tracker: AgentExecutionTracker;
  readonly #store: RunStore;
  readonly #log: EventLog;
  readonly #bus: Bus;
  readonly #scheduler: RunScheduler;
  readonly #history: ThreadHistory | undefined;

  constructor(options: {
    tracker: AgentExecutionTracker;
    store: RunStore;
    log: EventLog;
    bus: Bus;
    scheduler: RunScheduler;
    /** Records each accepted run's user message in its thread. */
    history?: ThreadHistory;
  }) {
    this.#tracker = options.tracker;
    this.#store = options.store;
    this.#log = options.log;
    this.#bus = options.bus;
    this.#scheduler = options.scheduler;
    this.#history = options.history;
  }

  /** Accepts a run for the caller; see `RunScheduler.submit`. */
  start(ctx: UserExecutionContext, request: RunRequest): RunSnapshot {
    const record = this.#scheduler.submit(ctx, request);
    this.#history?.userMessage(record, messageText(request.input));
    return toRunSnapshot(record);
  }

  /** One of the user's runs. @throws RunNotFoundError for a missing run and another user's run alike. */
  async get(userId: string, runId: string): Promise<RunSnapshot> {
    return toRunSnapshot(await this.#owned(userId, runId));
  }

  /** The user's runs, newest first. */
  async list(userId: string, query: RunQuery): Promise<{ runs: RunSnapshot[]; next?: string }> {
    if (query.before !== undefined && decodeRunCursor(query.before) === undefined) {
      throw new BadRequestError('Invalid cursor in "before"; pass the "next" value of a previous page', [
        { path: 'before', message: 'unknown cursor' },
      ]);
    }
    const page = await this.#store.list(userId, query);
    // Records of runs in flight on this node are fresher in the tracker than in the store.
    const runs = page.runs.map((r) => toRunSnapshot(this.#tracker.get(r.runId) ?? r));
    return page.next === undefined ? { runs } : { runs, next: page.next };
  }

  /**
   * Stops one of the user's runs (idempotent) and returns its status at the time of the answer. A run on another
   * node is asked to stop over the bus; its `agent_cancelled` follows from there.
   */
  async cancel(userId: string, runId: string): Promise<RunStatus> {
    const record = await this.#owned(userId, runId);
    if (isTerminal(record.status)) return record.status;
    if (this.#tracker.has(runId)) return this.#tracker.cancel(runId, 'user').status;
    await this.#bus.publishControl(record.nodeId, { type: 'cancel', runId, userId, reason: 'user' });
    return record.status;
  }

  /** The retained events of one of the user's runs, in order. */
  async events(userId: string, runId: string): Promise<RunEvent[]> {
    await this.#owned(userId, runId);
    return this.#log.readRun(userId, runId);
  }

  async #owned(userId: string, runId: string): Promise<RunRecord> {
    const local = this.#tracker.get(runId);
    const record = local ?? (await this.#store.get(runId));
    if (record === undefined) throw new RunNotFoundError(runId);
    if (record.userId !== userId) {
      this.#tracker.countDeniedAccess();
      throw new RunNotFoundError(runId);
    }
    return record;
  }
}

/** The text a thread keeps of a run's input: the message, or the input as JSON (`start_agent`). */
function messageText(input: RunRequest['input']): string {
  if (input.kind === 'message') return input.content;
  if (typeof input.value === 'string') return input.value;
  return JSON.stringify(input.value) ?? '';
}
