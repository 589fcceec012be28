import type { Timer } from '../clock.js';
import { FactoryOnlyError, InvalidArgumentError, InvalidTransitionError, RunNotFoundError } from '../errors.js';
import { describeValue, idProblem, newRunId, type RunId, type UserId } from '../ids.js';
import { copyRunRecord, type RunFailure, type RunRecord, type RunSnapshot } from './run-record.js';
import { type CancelReason, canTransition, isTerminal, RUN_STATUSES, type RunStatus } from './run-status.js';
import type { CreateExecutionInput, RunStarter, StartRunInput, TrackedRuns } from './tracked-runs.js';
import type { TrackerOptions } from './tracker-options.js';
import { UserExecutionScope } from './user-execution-scope.js';

/** What changed on a run: the record after the change and the status before it. */
export interface RunChange {
  readonly record: Readonly<RunRecord>;
  readonly previous: RunStatus | undefined;
}

export type RunChangeListener = (change: RunChange) => void;

/** Fields that may accompany a transition. */
export interface TransitionDetails {
  readonly error?: RunFailure;
  readonly finalResponse?: string;
  readonly cancelReason?: CancelReason;
}

/** The fields of a new execution. */
/** Counters of the tracker, for `/metrics` and tests. */
export interface TrackerStats {
  /** Records held now, by state. */
  readonly byState: Readonly<Record<RunStatus, number>>;
  /** Runs that ever reached each terminal state. */
  readonly ended: Readonly<Record<'completed' | 'failed' | 'timeout' | 'dead' | 'cancelled', number>>;
  /** completed / all ended runs (0 when none ended). */
  readonly successRate: number;
  /** (failed + timeout + dead) / all ended runs (0 when none ended). */
  readonly failureRate: number;
  /** Reads or writes of another user's run through a user scope, answered as absent. */
  readonly deniedCrossUserAccesses: number;
  /** `new AgentExecutionTracker()` attempts blocked in this process. */
  readonly blockedConstructions: number;
}

const constructToken = Symbol('AgentExecutionTracker.construct');
let blockedConstructions = 0;

/** `new AgentExecutionTracker()` attempts blocked in this process (all runtimes). */
export function blockedTrackerConstructions(): number {
  return blockedConstructions;
}

let construct: (options: TrackerOptions) => AgentExecutionTracker;

/**
 * The one record of every run's state: states and the transition table, heartbeats, deadlines, dead-run and timeout
 * detection, cancellation, retention and counters. Factory-only: obtain it with `getExecutionTracker()` (or from a
 * runtime made by `createRuntime()`); user code works through `getExecutionTracker({ userId })`, a scope that only
 * sees that user's runs.
 *
 * @factoryOnly getExecutionTracker
 */
export class AgentExecutionTracker implements TrackedRuns {
  static {
    construct = (options) => new AgentExecutionTracker(constructToken, options);
  }

  readonly #options: TrackerOptions;
  readonly #runs = new Map<RunId, RunRecord>();
  readonly #byUser = new Map<UserId, Set<RunId>>();
  /** Finished runs in the order they ended, for retention. */
  readonly #finished = new Map<RunId, number>();
  readonly #scopes = new Map<UserId, UserExecutionScope>();
  readonly #listeners = new Set<RunChangeListener>();
  readonly #beforeCancel = new Set<(runId: RunId) => void>();
  readonly #ended = { completed: 0, failed: 0, timeout: 0, dead: 0, cancelled: 0 };
  #deniedCrossUser = 0;
  #sweeper: Timer | undefined;
  #starter: RunStarter | undefined;

  private constructor(token?: unknown, options?: TrackerOptions) {
    if (token !== constructToken || options === undefined) {
      blockedConstructions++;
      throw new FactoryOnlyError('AgentExecutionTracker', 'getExecutionTracker()');
    }
    this.#options = options;
  }

  /** The options this tracker was built with. */
  get options(): TrackerOptions {
    return this.#options;
  }

  /** @internal `createRuntime` installs its scheduler here, for `UserExecutionScope.startRun`. */
  setRunStarter(starter: RunStarter): void {
    this.#starter = starter;
  }

  /** Starts a run that executes, through the runtime's scheduler (agent name and input checked). */
  startRun(userId: UserId, input: StartRunInput): RunSnapshot {
    if (this.#starter === undefined) {
      throw new InvalidArgumentError('This tracker has no runtime to run agents; build it with createRuntime()');
    }
    return this.#starter(userId, input);
  }

  /** Starts the sweeper (idempotent). */
  start(): void {
    this.#sweeper ??= this.#options.clock.setInterval(() => this.sweep(), this.#options.sweepIntervalMs);
  }

  /** Stops the sweeper (idempotent). Records stay. */
  close(): void {
    this.#sweeper?.cancel();
    this.#sweeper = undefined;
  }

  /** Subscribes to every change of every run. Returns the unsubscribe function. */
  onChange(listener: RunChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Subscribes to "a `pending` run is about to be cancelled". The scheduler uses it to start or announce a run it
   * accepted on this turn first, so the run's events begin as docs/protocol.md §3 rule 1 says whoever cancels it.
   * Returns the unsubscribe function.
   */
  beforeCancelPending(listener: (runId: RunId) => void): () => void {
    this.#beforeCancel.add(listener);
    return () => this.#beforeCancel.delete(listener);
  }

  /**
   * The scope of one user: the same object for the same user while the tracker holds records of that user (or
   * until `cleanupUserData`). Prefer `getExecutionTracker({ userId })`.
   * @throws InvalidArgumentError for a missing, placeholder or malformed user id.
   */
  forUser(userId: UserId | string): UserExecutionScope {
    const problem = idProblem(userId);
    if (problem !== undefined) throw new InvalidArgumentError(`Expected a user id: ${problem}`);
    const id = userId as UserId;
    let scope = this.#scopes.get(id);
    if (scope === undefined) {
      scope = new UserExecutionScope(this, id);
      this.#scopes.set(id, scope);
    }
    return scope;
  }

  /** Creates a `pending` run. Ids are never created implicitly anywhere else. */
  create(input: CreateExecutionInput): RunRecord {
    const problem = idProblem(input.userId) ?? idProblem(input.threadId);
    if (problem !== undefined) throw new InvalidArgumentError(`createExecution: ${problem}`);
    if (typeof input.agentName !== 'string' || input.agentName.length === 0) {
      throw new InvalidArgumentError(
        `createExecution: agentName must be a non-empty string, got ${describeValue(input.agentName)}`,
      );
    }
    const timeoutMs = input.timeoutMs ?? this.#options.defaultRunTimeoutMs;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new InvalidArgumentError(
        `createExecution: timeoutMs must be a positive integer, got ${describeValue(timeoutMs)}`,
      );
    }
    const now = this.#options.clock.now();
    const record: RunRecord = {
      runId: newRunId(),
      userId: input.userId,
      threadId: input.threadId,
      agent: input.agentName,
      status: 'pending',
      createdAt: now,
      lastHeartbeatAt: now,
      timeoutMs,
      lastSeq: 0,
      nodeId: this.#options.nodeId,
      ...(input.metadata === undefined ? {} : { metadata: Object.freeze(structuredClone(input.metadata)) }),
    };
    this.#hold(record);
    this.#emit(record, undefined);
    return copyRunRecord(record);
  }

  /**
   * Takes over a record found in a store (recovery at start, or a run of a dead node). The record keeps its state;
   * the caller then ends it with `transition`. Ignored when the tracker already holds the run.
   */
  adopt(record: RunRecord): void {
    if (this.#runs.has(record.runId)) return;
    const copy = copyRunRecord(record);
    this.#hold(copy);
    if (isTerminal(copy.status)) this.#finished.set(copy.runId, copy.endedAt ?? this.#options.clock.now());
  }

  /** A copy of the run's record, or `undefined`. Unscoped: for the runtime, not for user code. */
  get(runId: RunId | string): RunRecord | undefined {
    const record = this.#runs.get(runId as RunId);
    return record === undefined ? undefined : copyRunRecord(record);
  }

  /** Whether the tracker holds the run. */
  has(runId: RunId | string): boolean {
    return this.#runs.has(runId as RunId);
  }

  /** Records of one user, newest first. */
  recordsOf(userId: UserId): RunRecord[] {
    const ids = this.#byUser.get(userId);
    if (ids === undefined) return [];
    const out: RunRecord[] = [];
    for (const id of ids) {
      const record = this.#runs.get(id);
      if (record !== undefined) out.push(copyRunRecord(record));
    }
    return out.sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Records that are not terminal, on this node. */
  activeRecords(): RunRecord[] {
    const out: RunRecord[] = [];
    for (const record of this.#runs.values()) if (!isTerminal(record.status)) out.push(copyRunRecord(record));
    return out;
  }

  /**
   * Moves a run to `to`, following the transition table.
   * @throws RunNotFoundError for an unknown id; InvalidTransitionError for an illegal change.
   */
  transition(runId: RunId | string, to: RunStatus, details: TransitionDetails = {}): RunRecord {
    const record = this.#runs.get(runId as RunId);
    if (record === undefined) throw new RunNotFoundError(runId);
    const from = record.status;
    if (!canTransition(from, to)) throw new InvalidTransitionError(runId, from, to);
    const now = this.#options.clock.now();
    record.status = to;
    if (to === 'starting') {
      record.startedAt = now;
      record.lastHeartbeatAt = now;
      record.deadlineAt = now + record.timeoutMs;
    }
    if (details.error !== undefined) {
      const { code, message, phase } = details.error;
      record.error = phase === undefined ? { code, message } : { code, message, phase };
    }
    if (details.finalResponse !== undefined) record.finalResponse = details.finalResponse;
    if (details.cancelReason !== undefined) record.cancelReason = details.cancelReason;
    if (isTerminal(to)) {
      record.endedAt = now;
      this.#ended[to]++;
      this.#finished.set(record.runId, now);
      this.#enforceRetention(now);
    }
    this.#emit(record, from);
    return copyRunRecord(record);
  }

  /**
   * Records that the run is alive. Returns `false` (and changes nothing) for a run that has ended.
   * @throws RunNotFoundError for an unknown id.
   */
  heartbeat(runId: RunId | string): boolean {
    const record = this.#runs.get(runId as RunId);
    if (record === undefined) throw new RunNotFoundError(runId);
    if (isTerminal(record.status)) return false;
    record.lastHeartbeatAt = this.#options.clock.now();
    return true;
  }

  /** Notes the newest event `seq` of a run (for snapshots). */
  noteEvent(runId: RunId, seq: number): void {
    const record = this.#runs.get(runId);
    if (record !== undefined && seq > record.lastSeq) record.lastSeq = seq;
  }

  /**
   * Cancels a run that has not ended; returns its record after the change, or as it is when it had already ended.
   * @throws RunNotFoundError for an unknown id.
   */
  cancel(runId: RunId | string, reason: CancelReason = 'user'): RunRecord {
    const record = this.#runs.get(runId as RunId);
    if (record === undefined) throw new RunNotFoundError(runId);
    if (record.status === 'pending') for (const listener of this.#beforeCancel) listener(record.runId);
    if (isTerminal(record.status)) return copyRunRecord(record);
    return this.transition(runId, 'cancelled', { cancelReason: reason });
  }

  /**
   * Marks runs that stopped heartbeating `dead` and runs past their deadline `timeout`. Runs on a fake clock in
   * tests; the sweeper calls it every `sweepIntervalMs`. Returns the runs it ended.
   */
  sweep(): RunRecord[] {
    const now = this.#options.clock.now();
    const ended: RunRecord[] = [];
    for (const record of [...this.#runs.values()]) {
      if (record.status === 'pending' || isTerminal(record.status)) continue;
      if (record.deadlineAt !== undefined && now >= record.deadlineAt) {
        ended.push(
          this.transition(record.runId, 'timeout', {
            error: {
              code: 'deadline_exceeded',
              message: `Run '${record.runId}' overran its deadline of ${record.timeoutMs} ms`,
            },
          }),
        );
      } else if (now - record.lastHeartbeatAt > this.#options.heartbeatTimeoutMs) {
        ended.push(
          this.transition(record.runId, 'dead', {
            error: {
              code: 'heartbeat_lost',
              message: `Run '${record.runId}' sent no heartbeat for ${now - record.lastHeartbeatAt} ms (limit ${this.#options.heartbeatTimeoutMs} ms)`,
            },
          }),
        );
      }
    }
    this.#enforceRetention(now);
    return ended;
  }

  /**
   * Frees a user's finished records and cached scope. Runs that have not ended stay (and keep their scope's user
   * reachable through a new scope). Returns how many records were removed and how many active ones were kept.
   */
  cleanupUserData(userId: UserId | string): { removed: number; kept: number } {
    const problem = idProblem(userId);
    if (problem !== undefined) throw new InvalidArgumentError(`cleanupUserData expects a user id: ${problem}`);
    const ids = this.#byUser.get(userId as UserId);
    let removed = 0;
    let kept = 0;
    if (ids !== undefined) {
      for (const id of [...ids]) {
        const record = this.#runs.get(id);
        if (record !== undefined && !isTerminal(record.status)) {
          kept++;
          continue;
        }
        this.#remove(id);
        removed++;
      }
    }
    this.#scopes.get(userId as UserId)?.detach();
    this.#scopes.delete(userId as UserId);
    return { removed, kept };
  }

  /** Counts one denied cross-user access (called by scopes). */
  countDeniedAccess(): void {
    this.#deniedCrossUser++;
  }

  /**
   * Denied cross-user accesses since start, as `stats()` reports them, without its walk over every held record:
   * the quality recorder and the metrics endpoint read it on every flush and scrape.
   */
  get deniedCrossUserAccesses(): number {
    return this.#deniedCrossUser;
  }

  stats(): TrackerStats {
    const byState = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<RunStatus, number>;
    for (const record of this.#runs.values()) byState[record.status]++;
    const e = this.#ended;
    const total = e.completed + e.failed + e.timeout + e.dead + e.cancelled;
    return {
      byState,
      ended: { ...e },
      successRate: total === 0 ? 0 : e.completed / total,
      failureRate: total === 0 ? 0 : (e.failed + e.timeout + e.dead) / total,
      deniedCrossUserAccesses: this.#deniedCrossUser,
      blockedConstructions,
    };
  }

  /** Number of records held (active and retained finished ones). */
  get size(): number {
    return this.#runs.size;
  }

  /** Holds a record and indexes it under its user. */
  #hold(record: RunRecord): void {
    this.#runs.set(record.runId, record);
    let ids = this.#byUser.get(record.userId);
    if (ids === undefined) {
      ids = new Set();
      this.#byUser.set(record.userId, ids);
    }
    ids.add(record.runId);
  }

  #remove(runId: RunId): void {
    const record = this.#runs.get(runId);
    if (record === undefined) return;
    this.#runs.delete(runId);
    this.#finished.delete(runId);
    const ids = this.#byUser.get(record.userId);
    ids?.delete(runId);
    if (ids !== undefined && ids.size === 0) {
      // The user's last record is gone: so is the cached scope (it keeps working for whoever holds it), so that
      // every user who ever ran does not stay in memory for the life of the process.
      this.#byUser.delete(record.userId);
      this.#scopes.delete(record.userId);
    }
  }

  #enforceRetention(now: number): void {
    const { maxFinishedRecords, finishedRecordTtlMs } = this.#options;
    for (const [runId, endedAt] of this.#finished) {
      if (this.#finished.size <= maxFinishedRecords && now - endedAt <= finishedRecordTtlMs) break;
      this.#remove(runId);
    }
  }

  #emit(record: RunRecord, previous: RunStatus | undefined): void {
    if (this.#listeners.size === 0) return;
    const change: RunChange = { record: copyRunRecord(record), previous };
    for (const listener of this.#listeners) listener(change);
  }
}

/**
 * Builds a tracker. Only `createRuntime()` calls this; everyone else uses `getExecutionTracker()`.
 * @internal
 */
export function constructExecutionTracker(options: TrackerOptions): AgentExecutionTracker {
  return construct(options);
}
