/**
 * `runwire/redis`: the Redis backend, for many nodes sharing users (runs, the event log as Redis Streams, pub/sub
 * fan-out, run leases). Kept out of the main entry point so that `import 'runwire'` does not load ioredis.
 *
 * @example
 * import { createRuntime } from 'runwire';
 * import { redisStores } from 'runwire/redis';
 * const runtime = createRuntime({ stores: (env) => redisStores({ ...env, url: 'redis://127.0.0.1:6379' }) });
 */

export type { PubSubMode, PubSubPreference } from './stores/redis/pubsub-mode.js';
export { DEFAULT_REDIS_PREFIX } from './stores/redis/redis-keys.js';
export { RedisQualityRollups } from './stores/redis/redis-quality-rollups.js';
export type { RedisStores, RedisStoresOptions } from './stores/redis/redis-stores.js';
export { redisStores } from './stores/redis/redis-stores.js';
export { RedisThreadStore } from './stores/redis/redis-thread-store.js';
