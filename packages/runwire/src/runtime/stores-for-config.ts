import type { ServerConfig } from '../config/server-config.js';
import { memoryStores } from '../stores/memory/memory-stores.js';
import { redisStores } from '../stores/redis/redis-stores.js';
import { sqliteStores } from '../stores/sqlite/sqlite-stores.js';
import type { StoresFactory } from '../stores/stores.js';

/** The stores the configuration names: memory, SQLite (`--db`) or Redis (`--redis`). */
export function storesFor(config: ServerConfig): StoresFactory {
  switch (config.store) {
    case 'memory':
      return memoryStores;
    case 'sqlite':
      return (env) => sqliteStores({ ...env, file: config.db });
    case 'redis':
      return (env) => redisStores({ ...env, url: config.redisUrl, prefix: config.redisPrefix });
  }
}

/**
 * Whether a node ends, at start, the unfinished runs its store holds. Right for one node per store (SQLite, memory):
 * whatever is unfinished was left by a previous process. Wrong for Redis, where other live nodes own unfinished runs;
 * there a dead node's runs are ended by lease expiry instead.
 */
export function recoversOnStart(config: ServerConfig): boolean {
  return config.store !== 'redis';
}
