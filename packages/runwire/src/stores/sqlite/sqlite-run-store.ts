import type { Statement } from 'better-sqlite3';
import type { RunId, ThreadId, UserId } from '../../ids.js';
import type { RunRecord } from '../../tracker/run-record.js';
import { type CancelReason, isTerminal, RUN_STATUSES, type RunStatus } from '../../tracker/run-status.js';
import { decodeRunCursor, encodeRunCursor, type RunPage, type RunQuery, type RunStore } from '../run-store.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { SqliteStoreHold } from './sqlite-store-hold.js';

/** The `runs` columns, in the order of `toRow`. */
const COLUMNS = [
  'run_id',
  'user_id',
  'thread_id',
  'agent',
  'status',
  'created_at',
  'started_at',
  'ended_at',
  'last_heartbeat_at',
  'timeout_ms',
  'deadline_at',
  'last_seq',
  'error_code',
  'error_message',
  'final_response',
  'cancel_reason',
  'node_id',
  'metadata',
] as const;

type RunRow = { readonly [K in (typeof COLUMNS)[number]]: string | number | null };

const ACTIVE_STATUSES = RUN_STATUSES.filter((status) => !isTerminal(status));
/** The terminal statuses as an SQL list of literals (constants of ours, not input). */
const TERMINAL_SQL = RUN_STATUSES.filter(isTerminal)
  .map((status) => `'${status}'`)
  .join(', ');
/** Finished runs deleted per transaction by `prune`. */
const PRUNE_CHUNK = 1000;

/**
 * A `RunStore` in a SQLite file: survives restarts and crashes. Writes go through the database's group commit; reads
 * see every write queued before them.
 */
export class SqliteRunStore implements RunStore {
  readonly #db: SqliteDatabase;
  readonly #upsert: Statement<(string | number | null)[]>;
  readonly #get: Statement<[string], RunRow>;
  readonly #active: Statement<string[], RunRow>;
  readonly #activeOfNode: Statement<string[], RunRow>;
  readonly #pruneChunk: Statement<[number, number]>;
  readonly #lists = new Map<string, Statement<(string | number)[], RunRow>>();
  readonly #hold: SqliteStoreHold;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    const updates = COLUMNS.slice(1).map((c) => `${c} = excluded.${c}`);
    this.#upsert = db.prepare(
      `INSERT INTO runs (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT (run_id) DO UPDATE SET ${updates.join(', ')} WHERE runs.status NOT IN (${TERMINAL_SQL})`,
    );
    this.#get = db.prepare('SELECT * FROM runs WHERE run_id = ?');
    const active = `status IN (${ACTIVE_STATUSES.map(() => '?').join(', ')})`;
    this.#active = db.prepare(`SELECT * FROM runs WHERE ${active} ORDER BY created_at, run_id`);
    this.#activeOfNode = db.prepare(`SELECT * FROM runs WHERE ${active} AND node_id = ? ORDER BY created_at, run_id`);
    this.#pruneChunk = db.prepare(
      'DELETE FROM runs WHERE rowid IN (SELECT rowid FROM runs WHERE ended_at < ? LIMIT ?)',
    );
    this.#hold = new SqliteStoreHold(db, `The run store on '${db.file}'`);
  }

  /** Inserts or replaces a record, unless the stored one is terminal (the upsert's `WHERE` then updates nothing). */
  async put(record: RunRecord): Promise<void> {
    this.#hold.assertOpen();
    const row = toRow(record);
    await this.#db.write(() => this.#upsert.run(...row));
  }

  async get(runId: string): Promise<RunRecord | undefined> {
    this.#hold.assertOpen();
    const row = this.#db.read(() => this.#get.get(runId));
    return row === undefined ? undefined : fromRow(row);
  }

  async list(userId: string, query: RunQuery): Promise<RunPage> {
    this.#hold.assertOpen();
    const cursor = query.before === undefined ? undefined : decodeRunCursor(query.before);
    const where = ['user_id = ?'];
    const params: (string | number)[] = [userId];
    if (query.status !== undefined) {
      where.push('status = ?');
      params.push(query.status);
    }
    if (query.threadId !== undefined) {
      where.push('thread_id = ?');
      params.push(query.threadId);
    }
    if (cursor !== undefined) {
      where.push('(created_at < ? OR (created_at = ? AND run_id < ?))');
      params.push(cursor.createdAt, cursor.createdAt, cursor.runId);
    }
    const limit = Math.max(0, Math.floor(query.limit));
    params.push(limit + 1);
    const sql = `SELECT * FROM runs WHERE ${where.join(' AND ')} ORDER BY created_at DESC, run_id DESC LIMIT ?`;
    let statement = this.#lists.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#lists.set(sql, statement);
    }
    const prepared = statement;
    const rows = this.#db.read(() => prepared.all(...params));
    const runs = rows.slice(0, limit).map(fromRow);
    const last = runs[runs.length - 1];
    return rows.length > limit && last !== undefined ? { runs, next: encodeRunCursor(last) } : { runs };
  }

  async listActive(nodeId?: string): Promise<RunRecord[]> {
    this.#hold.assertOpen();
    const rows = this.#db.read(() =>
      nodeId === undefined ? this.#active.all(...ACTIVE_STATUSES) : this.#activeOfNode.all(...ACTIVE_STATUSES, nodeId),
    );
    return rows.map(fromRow);
  }

  /** Deletes finished runs in transactions of a thousand, yielding to the event loop between them. */
  async prune(endedBefore: number): Promise<number> {
    this.#hold.assertOpen();
    let total = 0;
    for (;;) {
      const n = this.#db.transaction(() => this.#pruneChunk.run(endedBefore, PRUNE_CHUNK).changes);
      total += n;
      if (n < PRUNE_CHUNK) return total;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#hold.closed || this.#db.closed) return total;
    }
  }

  /** Commits the pending writes and lets go of the database (closed when its last store closes). Idempotent. */
  async close(): Promise<void> {
    this.#hold.close();
  }
}

function toRow(r: RunRecord): (string | number | null)[] {
  return [
    r.runId,
    r.userId,
    r.threadId,
    r.agent,
    r.status,
    r.createdAt,
    r.startedAt ?? null,
    r.endedAt ?? null,
    r.lastHeartbeatAt,
    r.timeoutMs,
    r.deadlineAt ?? null,
    r.lastSeq,
    r.error?.code ?? null,
    r.error?.message ?? null,
    r.finalResponse ?? null,
    r.cancelReason ?? null,
    r.nodeId,
    r.metadata === undefined ? null : JSON.stringify(r.metadata),
  ];
}

function fromRow(row: RunRow): RunRecord {
  const num = (value: string | number | null): number => value as number;
  const str = (value: string | number | null): string => value as string;
  return {
    runId: str(row.run_id) as RunId,
    userId: str(row.user_id) as UserId,
    threadId: str(row.thread_id) as ThreadId,
    agent: str(row.agent),
    status: str(row.status) as RunStatus,
    createdAt: num(row.created_at),
    ...(row.started_at === null ? {} : { startedAt: num(row.started_at) }),
    ...(row.ended_at === null ? {} : { endedAt: num(row.ended_at) }),
    lastHeartbeatAt: num(row.last_heartbeat_at),
    timeoutMs: num(row.timeout_ms),
    ...(row.deadline_at === null ? {} : { deadlineAt: num(row.deadline_at) }),
    lastSeq: num(row.last_seq),
    ...(row.error_code === null ? {} : { error: { code: str(row.error_code), message: str(row.error_message ?? '') } }),
    ...(row.final_response === null ? {} : { finalResponse: str(row.final_response) }),
    ...(row.cancel_reason === null ? {} : { cancelReason: str(row.cancel_reason) as CancelReason }),
    nodeId: str(row.node_id),
    ...(row.metadata === null ? {} : { metadata: JSON.parse(str(row.metadata)) as Record<string, unknown> }),
  };
}
