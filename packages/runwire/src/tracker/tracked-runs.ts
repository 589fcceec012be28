import type { RunId, ThreadId, UserId } from '../ids.js';
import type { RunRecord, RunSnapshot } from './run-record.js';
import type { CancelReason } from './run-status.js';

/** What the tracker's `create` takes. */
export interface CreateExecutionInput {
  readonly userId: UserId;
  readonly agentName: string;
  readonly threadId: ThreadId;
  readonly timeoutMs?: number;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** What `UserExecutionScope.startRun` takes: an agent with its input, or a message for it. */
export interface StartRunInput {
  readonly agent: string;
  /** The agent's input, validated by its schema (as `start_agent.input`). */
  readonly input?: unknown;
  /** A message, shaped by the agent's `fromMessage` (as `user_message.content`); instead of `input`. */
  readonly content?: string;
  readonly threadId?: string;
}

/** Starts a run that executes (the runtime's scheduler, installed by `createRuntime`). */
export type RunStarter = (userId: UserId, input: StartRunInput) => RunSnapshot;

/**
 * The part of the tracker a `UserExecutionScope` works through. A contract of its own so that the scope depends on
 * what it uses, not on the tracker class that builds it (which would make the two modules import each other).
 */
export interface TrackedRuns {
  create(input: CreateExecutionInput): RunRecord;
  get(runId: RunId | string): RunRecord | undefined;
  recordsOf(userId: UserId): RunRecord[];
  heartbeat(runId: RunId | string): boolean;
  cancel(runId: RunId | string, reason?: CancelReason): RunRecord;
  countDeniedAccess(): void;
  /** Starts a run through the runtime's scheduler. @throws InvalidArgumentError when no runtime installed one. */
  startRun(userId: UserId, input: StartRunInput): RunSnapshot;
}
