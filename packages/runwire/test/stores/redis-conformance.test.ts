import { FakeClock } from '../../src/clock.js';
import type { CheckHistory } from '../../src/stores/check-history.js';
import type { EventLog } from '../../src/stores/event-log.js';
import type { QualityRollups } from '../../src/stores/quality-rollups.js';
import { RedisCheckHistory } from '../../src/stores/redis/redis-check-history.js';
import { RedisConnection } from '../../src/stores/redis/redis-connection.js';
import { RedisEventLog } from '../../src/stores/redis/redis-event-log.js';
import { RedisQualityRollups } from '../../src/stores/redis/redis-quality-rollups.js';
import { RedisRunStore } from '../../src/stores/redis/redis-run-store.js';
import { RedisThreadStore } from '../../src/stores/redis/redis-thread-store.js';
import type { RunStore } from '../../src/stores/run-store.js';
import type { ThreadStore } from '../../src/stores/thread-store.js';
import { checkHistoryConformance } from '../conformance/check-history.suite.js';
import { eventLogConformance } from '../conformance/event-log.suite.js';
import { qualityRollupsConformance } from '../conformance/quality-rollups.suite.js';
import { runStoreConformance } from '../conformance/run-store.suite.js';
import { threadStoreConformance } from '../conformance/thread-store.suite.js';
import { deleteKeys, randomPrefix, SHARED_REDIS_URL } from './redis-test-server.js';

// Each test gets a key prefix of its own; `reopen` is a new connection (as a restarted node) on the same keys.
const connect = (prefix: string): RedisConnection => new RedisConnection({ url: SHARED_REDIS_URL, prefix });

runStoreConformance('redis', async () => {
  const prefix = randomPrefix();
  const clock = new FakeClock();
  let store: RunStore = new RedisRunStore({ connection: connect(prefix), clock });
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = new RedisRunStore({ connection: connect(prefix), clock });
      return store;
    },
    async cleanup() {
      await store.close();
      await deleteKeys(SHARED_REDIS_URL, prefix);
    },
  };
});

// The log publishes from its append script, as in `redisStores`, so the suite covers that path too.
eventLogConformance('redis', async ({ clock, retention }) => {
  const prefix = randomPrefix();
  const open = (): EventLog => new RedisEventLog({ connection: connect(prefix), clock, retention, publish: true });
  let log = open();
  return {
    get log() {
      return log;
    },
    async reopen() {
      await log.close();
      log = open();
      return log;
    },
    async cleanup() {
      await log.close();
      await deleteKeys(SHARED_REDIS_URL, prefix);
    },
  };
});

// `another` is a second node's store on the same keys: its counters and this one's merge.
qualityRollupsConformance('redis', async () => {
  const prefix = randomPrefix();
  let store: QualityRollups = new RedisQualityRollups(connect(prefix));
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = new RedisQualityRollups(connect(prefix));
      return store;
    },
    async another() {
      return new RedisQualityRollups(connect(prefix));
    },
    async cleanup() {
      await store.close();
      await deleteKeys(SHARED_REDIS_URL, prefix);
    },
  };
});

// `another` is a second node's store on the same keys: the latest score is the latest of both.
checkHistoryConformance('redis', async () => {
  const prefix = randomPrefix();
  let store: CheckHistory = new RedisCheckHistory(connect(prefix));
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = new RedisCheckHistory(connect(prefix));
      return store;
    },
    async another() {
      return new RedisCheckHistory(connect(prefix));
    },
    async cleanup() {
      await store.close();
      await deleteKeys(SHARED_REDIS_URL, prefix);
    },
  };
});

threadStoreConformance('redis', async () => {
  const prefix = randomPrefix();
  let store: ThreadStore = new RedisThreadStore({ connection: connect(prefix) });
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = new RedisThreadStore({ connection: connect(prefix) });
      return store;
    },
    async cleanup() {
      await store.close();
      await deleteKeys(SHARED_REDIS_URL, prefix);
    },
  };
});
