import type { Clock } from '../../clock.js';
import { DEFAULTS } from '../../config/defaults.js';
import { DEFAULT_EVENT_RETENTION, type EventRetention } from '../event-log.js';
import { InProcessBus } from '../memory/in-process-bus.js';
import type { Stores } from '../stores.js';
import { SqliteCheckHistory } from './sqlite-check-history.js';
import { SqliteDatabase, type SqliteDatabaseOptions } from './sqlite-database.js';
import { SqliteEventLog } from './sqlite-event-log.js';
import { SqliteQualityRollups } from './sqlite-quality-rollups.js';
import { SqliteRunStore } from './sqlite-run-store.js';
import { SqliteThreadStore } from './sqlite-thread-store.js';

/** Where `runwire serve` keeps its database unless told otherwise (`--db`). */
export const DEFAULT_SQLITE_FILE = DEFAULTS.sqliteFile;

/** Options of `sqliteStores`. */
export interface SqliteStoresOptions extends Omit<SqliteDatabaseOptions, 'file'> {
  /** @default './.runwire/runwire.db' (the directory is created) */
  readonly file?: string;
  readonly clock: Clock;
  /** @default DEFAULT_EVENT_RETENTION */
  readonly retention?: EventRetention;
  /** Accepted so the runtime's store environment can be passed through as is; one SQLite file serves one node. */
  readonly nodeId?: string;
}

/**
 * The embedded durable stores: run records, event logs, thread history, quality rollups and check scores in one SQLite file, and an
 * in-process bus (one node).
 * @throws StoreOpenError when the file is corrupt, foreign, newer than this Runwire, or cannot be written.
 * @example
 * const runtime = createRuntime({ stores: (env) => sqliteStores({ ...env, file: './data/runwire.db' }) });
 */
export function sqliteStores(options: SqliteStoresOptions): Stores {
  const db = SqliteDatabase.open({
    file: options.file ?? DEFAULT_SQLITE_FILE,
    ...(options.synchronous === undefined ? {} : { synchronous: options.synchronous }),
    ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
    ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
  });
  return {
    runs: new SqliteRunStore(db),
    events: new SqliteEventLog(db, options.clock, options.retention ?? DEFAULT_EVENT_RETENTION),
    bus: new InProcessBus(),
    rollups: new SqliteQualityRollups(db),
    checks: new SqliteCheckHistory(db),
    threads: new SqliteThreadStore(db),
    health: async () => ({ store: db.check() }),
  };
}
