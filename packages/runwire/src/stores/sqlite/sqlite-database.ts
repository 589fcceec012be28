import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { errorMessage, StoreClosedError, StoreOpenError } from '../../errors.js';
import { applyMigrations } from './sqlite-migrations.js';

/**
 * When SQLite waits for the disk.
 * - `full`: every commit is on disk before its writes resolve (fsync of the WAL at each commit). An event a client
 *   has seen survives a crash of the process and of the machine (power loss), so its `seq` is never handed out twice.
 * - `normal`: commits survive a crash of the process (`kill -9`), but the last ones may be lost on power loss or an
 *   OS crash; the database stays consistent. Faster on slow disks.
 */
export type SqliteSynchronous = 'full' | 'normal';

/** Options of `SqliteDatabase.open`. */
export interface SqliteDatabaseOptions {
  /** Path of the database file (its directory is created), or `':memory:'` for a throwaway database. */
  readonly file: string;
  /** @default 'full' */
  readonly synchronous?: SqliteSynchronous;
  /** How long a write waits for a lock held by another connection. @default 5000 */
  readonly busyTimeoutMs?: number;
  /** Most writes committed in one transaction; more wait for the next one. @default 4096 */
  readonly maxBatch?: number;
}

interface QueuedWrite {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** A write whose own work threw (as opposed to the transaction failing as a whole). */
class WorkFailure {}

/** The SQLite error codes whose cause is the file's content. */
const CORRUPT_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE']);
/** The error codes whose cause is access to the file or its directory. */
const ACCESS_CODES = new Set(['SQLITE_PERM', 'SQLITE_AUTH', 'EACCES', 'EPERM', 'ENOTDIR', 'EROFS', 'EEXIST', 'EISDIR']);

/**
 * One SQLite database file shared by the SQLite stores: opened in WAL mode with the schema migrated, and a group
 * commit for writes. Writes queued during one turn of the event loop are committed together in one `BEGIN IMMEDIATE`
 * transaction, in the order they were queued, and each write's promise settles only after that commit: one disk
 * flush serves many writes, and nothing resolves before it is durable.
 *
 * @example
 * const db = SqliteDatabase.open({ file: './.runwire/runwire.db' });
 */
export class SqliteDatabase {
  /** The absolute path of the file (or `':memory:'`). */
  readonly file: string;
  readonly synchronous: SqliteSynchronous;
  readonly #db: Database.Database;
  readonly #maxBatch: number;
  readonly #batch: (batch: readonly QueuedWrite[]) => unknown[];
  readonly #single: (work: () => unknown) => unknown;
  #queue: QueuedWrite[] = [];
  #scheduled = false;
  #holders = 0;
  #closed = false;
  #commits = 0;

  private constructor(file: string, db: Database.Database, options: SqliteDatabaseOptions) {
    this.file = file;
    this.#db = db;
    this.synchronous = options.synchronous ?? 'full';
    this.#maxBatch = options.maxBatch ?? 4096;
    this.#batch = db.transaction((batch: readonly QueuedWrite[]) =>
      batch.map((item) => {
        try {
          return item.work();
        } catch {
          throw new WorkFailure();
        }
      }),
    ).immediate;
    this.#single = db.transaction((work: () => unknown) => work()).immediate;
  }

  /**
   * Opens (creating if needed) the file, switches it to WAL and applies the pending schema migrations.
   * @throws StoreOpenError for a corrupt or foreign file, a schema newer than this Runwire, or a path that cannot be
   * written. It never starts on an empty database in place of an unreadable one.
   */
  static open(options: SqliteDatabaseOptions): SqliteDatabase {
    const file = options.file === ':memory:' ? ':memory:' : resolve(options.file);
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (file !== ':memory:') {
      try {
        mkdirSync(dirname(file), { recursive: true });
      } catch (error) {
        throw openError(file, error, busyTimeoutMs);
      }
    }
    let db: Database.Database;
    try {
      db = new Database(file, { timeout: busyTimeoutMs });
    } catch (error) {
      throw openError(file, error, busyTimeoutMs);
    }
    try {
      configure(db, file, options.synchronous ?? 'full', busyTimeoutMs);
      applyMigrations(db, file);
    } catch (error) {
      db.close();
      throw openError(file, error, busyTimeoutMs);
    }
    return new SqliteDatabase(file, db, options);
  }

  /** The schema version of the file (the number of migrations applied). */
  get schemaVersion(): number {
    return this.#open().pragma('user_version', { simple: true }) as number;
  }

  /** Whether `close()` has run. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Group transactions committed so far (for metrics and tests). */
  get commits(): number {
    return this.#commits;
  }

  /** Writes not yet committed. */
  get pendingWrites(): number {
    return this.#queue.length;
  }

  /** Prepares a statement on this connection. */
  prepare<P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    return this.#open().prepare<P, R>(sql);
  }

  /**
   * Queues `work` (synchronous statements) into the next group transaction. Resolves with its result after the
   * transaction commits; rejects with what `work` threw (the other writes of the batch still commit) or with the
   * error that made the commit fail (then no write of the batch is kept).
   */
  write<T>(work: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreClosedError(`Database '${this.file}'`));
    return new Promise<T>((resolveWrite, rejectWrite) => {
      this.#queue.push({ work, resolve: resolveWrite as (value: unknown) => void, reject: rejectWrite });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          this.flush();
        });
      }
    });
  }

  /**
   * Runs `work` (reads) after committing the queued writes, so a read sees every write queued before it.
   * @throws StoreClosedError after `close()`.
   */
  read<T>(work: () => T): T {
    this.#open();
    this.flush();
    return work();
  }

  /**
   * Runs `work` in its own immediate transaction now, after the queued writes (for maintenance such as pruning).
   * @throws StoreClosedError after `close()`; what `work` throws (then nothing of it is kept).
   */
  transaction<T>(work: () => T): T {
    this.#open();
    this.flush();
    return this.#single(work) as T;
  }

  /** Commits every queued write now (synchronously). */
  flush(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      this.#commit(batch);
    }
  }

  /** Whether the database answers a query (for readiness). */
  check(): boolean {
    if (this.#closed) return false;
    try {
      this.#db.prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  /** Registers a store that uses this database; the last `release()` closes it. */
  retain(): void {
    this.#holders++;
  }

  /** Unregisters a store; closes the database when no store uses it any more. */
  release(): void {
    this.#holders = Math.max(0, this.#holders - 1);
    if (this.#holders === 0) this.close();
  }

  /** Commits the queued writes and closes the file (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    this.#db.close();
  }

  #open(): Database.Database {
    if (this.#closed) throw new StoreClosedError(`Database '${this.file}'`);
    return this.#db;
  }

  #commit(batch: QueuedWrite[]): void {
    let results: unknown[];
    try {
      results = this.#batch(batch);
    } catch (error) {
      if (error instanceof WorkFailure) this.#commitOneByOne(batch);
      else for (const item of batch) item.reject(error);
      return;
    }
    this.#commits++;
    for (let i = 0; i < batch.length; i++) batch[i]?.resolve(results[i]);
  }

  /**
   * A write of the batch threw and the batch was rolled back: commit each write in its own transaction, in order, so
   * only the faulty one fails. Writes are pure database work, so running them again is safe.
   */
  #commitOneByOne(batch: QueuedWrite[]): void {
    for (const item of batch) {
      let value: unknown;
      try {
        value = this.#single(item.work);
      } catch (error) {
        item.reject(error);
        continue;
      }
      this.#commits++;
      item.resolve(value);
    }
  }
}

function configure(db: Database.Database, file: string, synchronous: SqliteSynchronous, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (file !== ':memory:' && mode !== 'wal') {
    throw new StoreOpenError(
      file,
      `Cannot open database '${file}': the file system does not support write-ahead logging (journal mode stayed ` +
        `'${String(mode)}'). Pass --db with a path on a local disk`,
    );
  }
  db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  // Keeps the WAL file from staying large after a burst once it has been checkpointed.
  db.pragma('journal_size_limit = 67108864');
}

/** Turns whatever failed while opening into a `StoreOpenError` that names the file and the fix. */
function openError(file: string, error: unknown, busyTimeoutMs: number): StoreOpenError {
  if (error instanceof StoreOpenError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const reason = errorMessage(error);
  if (CORRUPT_CODES.has(code)) {
    return new StoreOpenError(
      file,
      `Cannot open database '${file}': ${reason} (the file is damaged or is not a SQLite database). ` +
        'Move it aside (keep it for inspection) or pass --db with another path',
      { cause: error },
    );
  }
  if (ACCESS_CODES.has(code) || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY')) {
    return new StoreOpenError(
      file,
      `Cannot open database '${file}' for writing: ${reason}. Check the permissions of the file and its ` +
        'directory (and that the path is not a directory), or pass --db with a writable path',
      { cause: error },
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreOpenError(
      file,
      `Cannot open database '${file}': another process kept it locked for more than ${busyTimeoutMs} ms. ` +
        'Stop the other process using it, or pass --db with another path',
      { cause: error },
    );
  }
  return new StoreOpenError(
    file,
    `Cannot open database '${file}': ${reason}. Fix the cause (disk space, file system) or pass --db with another path`,
    { cause: error },
  );
}
