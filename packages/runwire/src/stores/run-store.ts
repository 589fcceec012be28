import type { RunRecord } from '../tracker/run-record.js';
import type { RunStatus } from '../tracker/run-status.js';

/** Filters and paging of `list` (the `list_runs` frame and `GET /api/runs`). */
export interface RunQuery {
  readonly status?: RunStatus;
  readonly threadId?: string;
  /** 1 to 100. */
  readonly limit: number;
  /** Cursor from a previous page's `next`. */
  readonly before?: string;
}

export interface RunPage {
  /** Newest first (by creation time, then run id). */
  readonly runs: RunRecord[];
  /** Cursor of the next page, when there is one. */
  readonly next?: string;
}

/**
 * Durable run records: the history behind `get_run`, `list_runs` and the REST API, and what recovery reads at
 * start. The tracker writes every change through to it. Every implementation passes the shared conformance suite.
 *
 * A terminal record is final (the store's mirror of the tracker's transition table, for a store written by several
 * nodes): once the stored record of a run is terminal (`isTerminal`: completed, failed, timeout, dead, cancelled), a
 * later `put` of that run changes nothing. So a node that paused past its lease, whose run another node meanwhile
 * ended as `dead`, cannot overwrite that ending with its own late one: the record keeps saying what the log told
 * the client.
 */
export interface RunStore {
  /**
   * Inserts a record, or replaces the stored record of the run when that one is not terminal (every field of
   * `record` wins; fields absent from it are gone). When the stored record is terminal, changes nothing and still
   * resolves: a late write of a run that already ended is not an error. Check and write are one atomic step.
   */
  put(record: RunRecord): Promise<void>;
  get(runId: string): Promise<RunRecord | undefined>;
  /** One user's runs, newest first, filtered and paged. */
  list(userId: string, query: RunQuery): Promise<RunPage>;
  /** Runs that are not terminal, of one node or of all nodes. */
  listActive(nodeId?: string): Promise<RunRecord[]>;
  /** Drops finished runs that ended before `endedBefore`; returns how many. */
  prune(endedBefore: number): Promise<number>;
  /** Flushes and releases resources (idempotent). */
  close(): Promise<void>;
}

/** Encodes the position after `record` in the list order. */
export function encodeRunCursor(record: { createdAt: number; runId: string }): string {
  return Buffer.from(`${record.createdAt}:${record.runId}`, 'utf8').toString('base64url');
}

/** Decodes a cursor; `undefined` for one that is not ours. */
export function decodeRunCursor(cursor: string): { createdAt: number; runId: string } | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const createdAt = Number(text.slice(0, colon));
  const runId = text.slice(colon + 1);
  if (!Number.isSafeInteger(createdAt) || runId.length === 0) return undefined;
  return { createdAt, runId };
}

/** Whether `a` comes before `b` in list order (newest first, then larger run id first). */
export function runListOrder(a: { createdAt: number; runId: string }, b: { createdAt: number; runId: string }): number {
  return b.createdAt - a.createdAt || (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0);
}
