import { DEFAULTS } from '../config/defaults.js';
import type { RunEvent, UnsequencedRunEvent } from '../protocol/run-events.js';

/** How long and how many events a user's log keeps (docs/protocol.md §4). */
export interface EventRetention {
  /** Events older than this are dropped. @default 86_400_000 (24 h) */
  readonly maxAgeMs: number;
  /** At most this many newest events are kept per user. @default 10_000 */
  readonly maxEventsPerUser: number;
}

export const DEFAULT_EVENT_RETENTION: EventRetention = {
  maxAgeMs: DEFAULTS.eventRetentionMs,
  maxEventsPerUser: DEFAULTS.eventRetentionCount,
};

/** The retained window of a user's log. */
export interface LogBounds {
  /** Seq of the oldest retained event; `lastSeq + 1` when none is retained. */
  readonly oldestSeq: number;
  /** Newest seq ever assigned to the user (0 if none). Seqs are never reused, even after pruning. */
  readonly lastSeq: number;
}

/**
 * The per-user, gap-free, ordered log of run events. `append` assigns the user's next `seq` atomically with the
 * write; reads return events in `seq` order. Every implementation passes the shared conformance suite.
 */
export interface EventLog {
  /** Appends one event and returns it with its `seq`. Appends of one user are assigned seqs in call order. */
  append(event: UnsequencedRunEvent): Promise<RunEvent>;
  /** Retained events of a user with `seq > afterSeq`, ascending, at most `limit` (default: all). */
  read(userId: string, afterSeq: number, limit?: number): Promise<RunEvent[]>;
  /** Retained events of one run of a user, ascending. */
  readRun(userId: string, runId: string): Promise<RunEvent[]>;
  /** The retained window of a user's log. */
  bounds(userId: string): Promise<LogBounds>;
  /** Applies the retention policy at time `now`; returns how many events were dropped. */
  prune(now: number): Promise<number>;
  /** Flushes pending writes and releases resources (idempotent). */
  close(): Promise<void>;
}
