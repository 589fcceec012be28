import type { RunId, ThreadId, UserId } from '../ids.js';
import type { RunRecord } from './run-record.js';
import type { CancelReason } from './run-status.js';

/** What the tracker's `create` takes. */
export interface CreateExecutionInput {
  readonly userId: UserId;
  readonly agentName: string;
  readonly threadId: ThreadId;
  readonly timeoutMs?: number;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

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
}
