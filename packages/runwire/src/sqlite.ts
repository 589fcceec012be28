/**
 * `runwire/sqlite`: the embedded SQLite backend (one durable file; the server's default). Kept out of the main entry
 * point so that `import 'runwire'` loads no native module.
 *
 * @example
 * import { createRuntime } from 'runwire';
 * import { sqliteStores } from 'runwire/sqlite';
 * const runtime = createRuntime({ stores: (env) => sqliteStores({ ...env, file: './data/runwire.db' }) });
 */

export type { SqliteSynchronous } from './stores/sqlite/sqlite-database.js';
export { SqliteQualityRollups } from './stores/sqlite/sqlite-quality-rollups.js';
export type { SqliteStoresOptions } from './stores/sqlite/sqlite-stores.js';
export { DEFAULT_SQLITE_FILE, sqliteStores } from './stores/sqlite/sqlite-stores.js';
export { SqliteThreadStore } from './stores/sqlite/sqlite-thread-store.js';
