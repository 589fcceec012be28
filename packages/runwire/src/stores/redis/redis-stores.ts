import type { Clock } from '../../clock.js';
import type { EventRetention } from '../event-log.js';
import type { Stores } from '../stores.js';
import type { PubSubPreference } from './pubsub-mode.js';
import { RedisBus } from './redis-bus.js';
import { RedisCheckHistory } from './redis-check-history.js';
import { RedisConnection, type RedisConnectionOptions } from './redis-connection.js';
import { RedisEventLog } from './redis-event-log.js';
import { RedisQualityRollups } from './redis-quality-rollups.js';
import { RedisRunStore } from './redis-run-store.js';
import { RedisThreadStore } from './redis-thread-store.js';

/** Options of `redisStores`. */
export interface RedisStoresOptions {
  /** `redis://host:port` (or `rediss://…`). */
  readonly url: string;
  /** Prefix of every key and channel. @default 'runwire:' */
  readonly prefix?: string;
  readonly clock: Clock;
  readonly retention: EventRetention;
  /** This node's id (names its client connections). */
  readonly nodeId: string;
  /** @default 'auto' */
  readonly pubsub?: PubSubPreference;
  /** Extra ioredis options. */
  readonly redisOptions?: RedisConnectionOptions['redisOptions'];
}

/** The Redis stores of one node, with the concrete classes (for leases and tests). */
export interface RedisStores extends Stores {
  readonly runs: RedisRunStore;
  readonly events: RedisEventLog;
  readonly bus: RedisBus;
  readonly rollups: RedisQualityRollups;
  readonly checks: RedisCheckHistory;
  readonly threads: RedisThreadStore;
  /** The run store, which also holds the cluster's run leases. */
  readonly leases: RedisRunStore;
  readonly connection: RedisConnection;
  /** `store` and `redis`: whether Redis answers a PING now; `bus`: whether pub/sub is connected and resubscribed. */
  readonly health: () => Promise<Record<string, boolean>>;
}

/**
 * The stores of one node of a cluster on one Redis: `RedisRunStore`, `RedisEventLog` and `RedisBus` on one shared
 * `RedisConnection` (closed when all of them are closed), and `RedisThreadStore` for thread history. The run store doubles as `leases`, so the runtime keeps this
 * node's runs leased and ends the runs of nodes that die. The log publishes each event from its append script, so a
 * user's channel carries events in `seq` order whichever node appended them, and the bus's `publish` is a no-op.
 *
 * @example
 * createRuntime({ stores: (env) => redisStores({ url: 'redis://127.0.0.1:6379', ...env }) })
 */
export function redisStores(options: RedisStoresOptions): RedisStores {
  const connection = new RedisConnection({
    url: options.url,
    name: `runwire:${options.nodeId}`,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.pubsub === undefined ? {} : { pubsub: options.pubsub }),
    ...(options.redisOptions === undefined ? {} : { redisOptions: options.redisOptions }),
  });
  const runs = new RedisRunStore({ connection, clock: options.clock });
  const events = new RedisEventLog({ connection, clock: options.clock, retention: options.retention, publish: true });
  const bus = new RedisBus({ connection, deliveredByLog: true });
  const rollups = new RedisQualityRollups(connection);
  const checks = new RedisCheckHistory(connection);
  const threads = new RedisThreadStore({ connection });
  return {
    runs,
    events,
    bus,
    rollups,
    checks,
    threads,
    leases: runs,
    connection,
    async health() {
      const ok = await connection.ping();
      return { store: ok, redis: ok, bus: ok && bus.health().ok };
    },
  };
}
