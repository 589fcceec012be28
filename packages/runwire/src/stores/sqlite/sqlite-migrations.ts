import type Database from 'better-sqlite3';
import { StoreOpenError } from '../../errors.js';

/** One step of the SQLite schema. Applied once, in its own transaction, in `version` order. */
export interface SqliteMigration {
  /** 1, 2, 3, …: the `user_version` the database has after this step. */
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/** `PRAGMA application_id` of a Runwire database ("RWIR"): tells our files from other SQLite files. */
export const RUNWIRE_APPLICATION_ID = 0x52574952;

/**
 * The schema, oldest step first. Never edit a released step: append a new one. Tables are STRICT so a wrongly typed
 * value fails loudly instead of being stored as something else.
 */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    description: 'run records, per-user event logs and their sequence numbers',
    sql: `
      CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        thread_id TEXT NOT NULL,
        agent TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        last_heartbeat_at INTEGER NOT NULL,
        timeout_ms INTEGER NOT NULL,
        deadline_at INTEGER,
        last_seq INTEGER NOT NULL,
        error_code TEXT,
        error_message TEXT,
        final_response TEXT,
        cancel_reason TEXT,
        node_id TEXT NOT NULL,
        metadata TEXT
      ) STRICT;
      CREATE INDEX runs_by_user ON runs (user_id, created_at DESC, run_id DESC);
      CREATE INDEX runs_by_user_status ON runs (user_id, status, created_at DESC, run_id DESC);
      CREATE INDEX runs_by_user_thread ON runs (user_id, thread_id, created_at DESC, run_id DESC);
      CREATE INDEX runs_by_status_node ON runs (status, node_id);
      CREATE INDEX runs_by_end ON runs (ended_at) WHERE ended_at IS NOT NULL;

      -- The newest seq ever given to each user. Kept when events are pruned, so a seq is never reused.
      CREATE TABLE user_seq (
        user_id TEXT PRIMARY KEY,
        last_seq INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;

      -- Events clustered by (user, seq): a replay reads one contiguous range. No other index: each one costs a page
      -- write per user and commit; readRun scans the user's retained events instead.
      CREATE TABLE events (
        user_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        run_id TEXT NOT NULL,
        appended_at INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (user_id, seq)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 'per-day quality rollups (run outcomes, latency histograms, tool calls, server-wide counters)',
    sql: `
      -- One counter per (day, user, agent, outcome, metric); user_id '' holds the server-wide counters. Counters only
      -- grow (UPSERT adds), so the rows of several writers merge by addition.
      CREATE TABLE quality_rollups (
        day TEXT NOT NULL,
        user_id TEXT NOT NULL,
        agent TEXT NOT NULL,
        outcome TEXT NOT NULL,
        metric TEXT NOT NULL,
        value INTEGER NOT NULL,
        PRIMARY KEY (day, user_id, agent, outcome, metric)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX quality_rollups_by_user ON quality_rollups (user_id, day);
    `,
  },
  {
    version: 3,
    description: 'thread history: each user thread and its messages in order',
    sql: `
      CREATE TABLE threads (
        user_id TEXT NOT NULL,
        thread_id TEXT NOT NULL,
        title TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        last_run_id TEXT NOT NULL,
        message_count INTEGER NOT NULL,
        PRIMARY KEY (user_id, thread_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX threads_by_update ON threads (user_id, updated_at DESC, thread_id DESC);

      -- Messages clustered by (user, thread, position): a thread's history is one contiguous range.
      CREATE TABLE thread_messages (
        user_id TEXT NOT NULL,
        thread_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        role TEXT NOT NULL,
        content TEXT NOT NULL,
        run_id TEXT NOT NULL,
        tool_call_id TEXT,
        tool_name TEXT,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, thread_id, position)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    description: 'SSOT check scores by path, each submission kept, for the change against the previous period',
    sql: `
      -- Every submitted score of a path; a report reads the latest of a range of days. by_rule is a JSON object.
      CREATE TABLE check_scores (
        path TEXT NOT NULL,
        recorded_at INTEGER NOT NULL,
        score REAL NOT NULL,
        concepts INTEGER NOT NULL,
        violated INTEGER NOT NULL,
        findings INTEGER NOT NULL,
        by_rule TEXT NOT NULL,
        PRIMARY KEY (path, recorded_at)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX check_scores_by_time ON check_scores (recorded_at);
    `,
  },
];

/**
 * Brings the database up to the last of `migrations`: one migration per IMMEDIATE transaction (the version is read
 * again inside it, so two processes starting together apply each step once), recorded in `schema_migrations`.
 * @throws StoreOpenError for a file of another application or of a newer schema; what a failing step throws (that
 * step is rolled back, the earlier ones stay).
 */
export function applyMigrations(
  db: Database.Database,
  file: string,
  migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS,
): void {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const version = db.pragma('user_version', { simple: true }) as number;
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number };
  if ((applicationId !== 0 && applicationId !== RUNWIRE_APPLICATION_ID) || (version === 0 && tables.n > 0)) {
    throw new StoreOpenError(
      file,
      `Cannot open database '${file}': it is a SQLite database of another application, not a Runwire one. ` +
        'Pass --db with another path',
    );
  }
  if (version > latest) {
    throw new StoreOpenError(
      file,
      `Cannot open database '${file}': it was written by a newer Runwire (schema version ${version}; this one knows ` +
        `up to ${latest}). Upgrade Runwire, or pass --db with another path`,
    );
  }
  const step = db.transaction((): boolean => {
    const current = db.pragma('user_version', { simple: true }) as number;
    const next = migrations.find((m) => m.version === current + 1);
    if (next === undefined) return false;
    db.exec(next.sql);
    if (current === 0) {
      db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        description TEXT NOT NULL,
        applied_at INTEGER NOT NULL
      ) STRICT`);
    }
    db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)').run(
      next.version,
      next.description,
      Date.now(),
    );
    db.pragma(`application_id = ${RUNWIRE_APPLICATION_ID}`);
    db.pragma(`user_version = ${next.version}`);
    return true;
  }).immediate;
  while (step()) {
    // One migration per transaction, until none is pending.
  }
  // SQLite quietly opens a file it may not write read-only; a write statement (that changes nothing) finds out now.
  db.prepare('DELETE FROM schema_migrations WHERE version < 0').run();
}
