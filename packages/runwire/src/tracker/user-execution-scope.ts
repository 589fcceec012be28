import { InvalidArgumentError, RunNotFoundError } from '../errors.js';
import { describeValue, idProblem, type RunId, type ThreadId, type UserId } from '../ids.js';
import { type RunRecord, type RunSnapshot, toRunSnapshot } from './run-record.js';
import type { StartRunInput, TrackedRuns } from './tracked-runs.js';

/** What `createExecution` takes: the user is implied by the scope. */
export interface ScopedCreateExecutionInput {
  readonly agentName: string;
  readonly threadId: ThreadId | string;
  readonly timeoutMs?: number;
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Optional; when given it must be the scope's own user. */
  readonly userId?: string;
}

/**
 * One user's view of the tracker. It can only create, read, list, heartbeat and cancel that user's executions;
 * another user's run reads as absent (and is counted as a denied cross-user access). Obtain it with
 * `getExecutionTracker({ userId })`; the same user always gets the same object.
 */
export class UserExecutionScope {
  readonly userId: UserId;
  #tracker: TrackedRuns | undefined;

  /** @internal built by the tracker only */
  constructor(tracker: TrackedRuns, userId: UserId) {
    this.#tracker = tracker;
    this.userId = userId;
    Object.freeze(this);
  }

  /**
   * Starts a run of this user that executes, exactly as `start_agent` (with `input`) or `user_message` (with
   * `content`) would: the agent name and input are checked, the run is scheduled, and its events go to the user's
   * sockets and the event log.
   * @throws BadRequestError for an unknown agent or input the agent refuses; ThreadBusyError, TooManyRunsError.
   */
  startRun(input: StartRunInput): RunSnapshot {
    if (input === null || typeof input !== 'object' || typeof input.agent !== 'string') {
      throw new InvalidArgumentError(
        `startRun expects { agent, input? | content?, threadId? }, got ${describeValue(input)}`,
      );
    }
    if (input.content !== undefined && input.input !== undefined) {
      throw new InvalidArgumentError(
        "startRun takes either input (the agent's input) or content (a message), not both",
      );
    }
    return this.#live().startRun(this.userId, input);
  }

  /**
   * Creates a `pending` record of this user and returns its snapshot. A record only: nothing executes it and the
   * agent name is not checked (for runs executed elsewhere that report through `heartbeat`/`cancel`). To run an
   * agent, use `startRun`.
   */
  createExecution(input: ScopedCreateExecutionInput): RunSnapshot {
    if (input === null || typeof input !== 'object') {
      throw new InvalidArgumentError(
        `createExecution expects { agentName, threadId, timeoutMs?, metadata? }, got ${describeValue(input)}`,
      );
    }
    if (input.userId !== undefined && input.userId !== this.userId) {
      throw new InvalidArgumentError(
        `createExecution: userId '${String(input.userId)}' does not match this scope's user; omit userId, the scope implies it`,
      );
    }
    const problem = idProblem(input.threadId);
    if (problem !== undefined)
      throw new InvalidArgumentError(`createExecution: threadId is not a valid id: ${problem}`);
    const record = this.#live().create({
      userId: this.userId,
      agentName: input.agentName,
      threadId: input.threadId as ThreadId,
      ...(input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs }),
      ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
    });
    return toRunSnapshot(record);
  }

  /** The snapshot of one of this user's runs; `undefined` for an unknown run and for another user's run alike. */
  getExecution(runId: RunId | string): RunSnapshot | undefined {
    const record = this.#own(runId);
    return record === undefined ? undefined : toRunSnapshot(record);
  }

  /** The full record of one of this user's runs (for the runtime), or `undefined`. */
  getRecord(runId: RunId | string): RunRecord | undefined {
    return this.#own(runId);
  }

  /** This user's executions held by the tracker, newest first. */
  getUserExecutions(): RunSnapshot[] {
    return this.#live().recordsOf(this.userId).map(toRunSnapshot);
  }

  /**
   * Records a heartbeat of one of this user's running runs. Returns `false` when the run has ended.
   * @throws RunNotFoundError for an unknown run or another user's run.
   */
  heartbeat(runId: RunId | string): boolean {
    if (this.#own(runId) === undefined) throw new RunNotFoundError(String(runId));
    return this.#live().heartbeat(runId);
  }

  /**
   * Cancels one of this user's runs (idempotent) and returns its snapshot after the change.
   * @throws RunNotFoundError for an unknown run or another user's run.
   */
  cancel(runId: RunId | string): RunSnapshot {
    if (this.#own(runId) === undefined) throw new RunNotFoundError(String(runId));
    return toRunSnapshot(this.#live().cancel(runId, 'user'));
  }

  /** @internal called by `cleanupUserData`: a freed scope refuses further use. */
  detach(): void {
    this.#tracker = undefined;
  }

  #live(): TrackedRuns {
    if (this.#tracker === undefined) {
      throw new InvalidArgumentError(
        `The scope of user '${this.userId}' was released by cleanupUserData(); call getExecutionTracker({ userId }) again`,
      );
    }
    return this.#tracker;
  }

  #own(runId: RunId | string): RunRecord | undefined {
    const tracker = this.#live();
    if (typeof runId !== 'string') return undefined;
    const record = tracker.get(runId);
    if (record === undefined) return undefined;
    if (record.userId !== this.userId) {
      tracker.countDeniedAccess();
      return undefined;
    }
    return record;
  }
}
