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
      CREATE TABLE schema_migrations (
        version INTEGER PRIMARY KEY,
        description TEXT NOT NULL,
        applied_at INTEGER NOT NULL
      ) STRICT;

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

      -- Events clustered by (user, seq): a replay reads one contiguous range.
      CREATE TABLE events (
        user_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        run_id TEXT NOT NULL,
        appended_at INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (user_id, seq)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX events_by_run ON events (run_id, user_id, seq);
    `,
  },
];
