import type { RunId, ThreadId, UserId } from '../ids.js';
import type { CancelReason, RunStatus } from './run-status.js';

/** `{code, message}` of a run that ended in `failed`, `timeout` or `dead`. */
export interface RunFailure {
  readonly code: string;
  readonly message: string;
  /** Only with `llm_stalled`: where the model went silent. */
  readonly phase?: 'first_token' | 'between_chunks' | undefined;
}

/**
 * Everything known about one run. Times are epoch milliseconds. Records are owned by the tracker and stores;
 * everyone else gets copies.
 */
export interface RunRecord {
  readonly runId: RunId;
  readonly userId: UserId;
  readonly threadId: ThreadId;
  readonly agent: string;
  status: RunStatus;
  readonly createdAt: number;
  startedAt?: number;
  endedAt?: number;
  /** Last heartbeat (or start), for dead-run detection. */
  lastHeartbeatAt: number;
  /** Per-run deadline, measured from start. */
  readonly timeoutMs: number;
  deadlineAt?: number;
  /** Newest `seq` among this run's events (0 before the first). */
  lastSeq: number;
  error?: RunFailure;
  finalResponse?: string;
  cancelReason?: CancelReason;
  /** The node that executes the run. */
  readonly nodeId: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** The run as clients see it (docs/protocol.md §2, "run snapshot"). */
export interface RunSnapshot {
  readonly runId: RunId;
  readonly threadId: ThreadId;
  readonly agent: string;
  readonly status: RunStatus;
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly lastSeq: number;
  readonly error?: RunFailure;
  readonly finalResponse?: string;
}

/** How long a run took: from start (or creation, if it never started) to its end. */
export function runDurationMs(record: Pick<RunRecord, 'createdAt' | 'startedAt' | 'endedAt'>, now: number): number {
  return Math.max(0, (record.endedAt ?? now) - (record.startedAt ?? record.createdAt));
}

/** The wire snapshot of a record. */
export function toRunSnapshot(record: RunRecord): RunSnapshot {
  return {
    runId: record.runId,
    threadId: record.threadId,
    agent: record.agent,
    status: record.status,
    createdAt: new Date(record.createdAt).toISOString(),
    ...(record.startedAt === undefined ? {} : { startedAt: new Date(record.startedAt).toISOString() }),
    ...(record.endedAt === undefined ? {} : { endedAt: new Date(record.endedAt).toISOString() }),
    ...(record.endedAt === undefined ? {} : { durationMs: runDurationMs(record, record.endedAt) }),
    lastSeq: record.lastSeq,
    ...(record.error === undefined ? {} : { error: { code: record.error.code, message: record.error.message } }),
    ...(record.finalResponse === undefined ? {} : { finalResponse: record.finalResponse }),
  };
}

/** A deep-enough copy: records hold only primitives and one level of plain objects. */
export function copyRunRecord(record: RunRecord): RunRecord {
  return {
    ...record,
    ...(record.error === undefined ? {} : { error: { ...record.error } }),
  };
}
