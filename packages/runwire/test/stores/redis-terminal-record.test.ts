import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../src/clock.js';
import type { RunId, ThreadId, UserId } from '../../src/ids.js';
import { RedisConnection } from '../../src/stores/redis/redis-connection.js';
import { RedisKeys } from '../../src/stores/redis/redis-keys.js';
import { RedisRunStore } from '../../src/stores/redis/redis-run-store.js';
import type { RunRecord } from '../../src/tracker/run-record.js';
import { deleteKeys, randomPrefix, SHARED_REDIS_URL } from './redis-test-server.js';

const T0 = Date.UTC(2026, 0, 1);

function record(fields: Partial<RunRecord>): RunRecord {
  return {
    runId: 'run_paused' as RunId,
    userId: 'alice' as UserId,
    threadId: 'thr_1' as ThreadId,
    agent: 'echo',
    status: 'running',
    createdAt: T0,
    startedAt: T0,
    lastHeartbeatAt: T0,
    timeoutMs: 60_000,
    lastSeq: 3,
    nodeId: 'node_a',
    ...fields,
  };
}

describe('RedisRunStore: a terminal record is final across nodes', () => {
  it("keeps node B's dead record when the paused node A's late put(completed) arrives", async () => {
    const prefix = randomPrefix();
    const keys = new RedisKeys(prefix);
    const clock = new FakeClock(T0);
    // Two nodes: each its own connections to the shared Redis.
    const a = new RedisRunStore({ connection: new RedisConnection({ url: SHARED_REDIS_URL, prefix }), clock });
    const b = new RedisRunStore({ connection: new RedisConnection({ url: SHARED_REDIS_URL, prefix }), clock });
    try {
      await a.put(record({}));
      // node_a paused past its lease; node_b claimed the run and stored it dead.
      const dead = record({
        status: 'dead',
        endedAt: T0 + 20_000,
        error: { code: 'node_lost', message: "Run 'run_paused' was lost with its node 'node_a'" },
        lastSeq: 4,
      });
      await b.put(dead);
      // node_a wakes up, its agent finishes: the tracker's write-through of `completed` comes late.
      const late = record({ status: 'completed', endedAt: T0 + 30_000, finalResponse: 'too late', lastSeq: 5 });
      await a.put(late);

      assert.deepEqual(await a.get('run_paused'), dead);
      assert.deepEqual(await b.get('run_paused'), dead);
      assert.deepEqual((await b.list('alice', { limit: 10 })).runs, [dead]);
      assert.deepEqual((await b.list('alice', { status: 'completed', limit: 10 })).runs, []);
      assert.deepEqual(await b.listActive(), []);
      // The indexes are the dead record's: not active on any node, ended at node_b's end time.
      const check = new RedisConnection({ url: SHARED_REDIS_URL, prefix });
      try {
        assert.equal(await check.writes.sismember(keys.active, 'run_paused'), 0);
        assert.equal(await check.writes.sismember(keys.nodeActive('node_a'), 'run_paused'), 0);
        assert.equal(await check.writes.zscore(keys.ended, 'run_paused'), String(T0 + 20_000));
      } finally {
        await check.close();
      }
    } finally {
      await a.close();
      await b.close();
      await deleteKeys(SHARED_REDIS_URL, prefix);
    }
  });

  it('still replaces a record that is not terminal, whichever node writes it', async () => {
    const prefix = randomPrefix();
    const clock = new FakeClock(T0);
    const a = new RedisRunStore({ connection: new RedisConnection({ url: SHARED_REDIS_URL, prefix }), clock });
    const b = new RedisRunStore({ connection: new RedisConnection({ url: SHARED_REDIS_URL, prefix }), clock });
    try {
      await a.put(record({ status: 'completing' }));
      const dead = record({ status: 'dead', endedAt: T0 + 1, error: { code: 'node_lost', message: 'lost' } });
      await b.put(dead);
      assert.deepEqual(await a.get('run_paused'), dead);
      assert.deepEqual(await b.listActive(), []);
    } finally {
      await a.close();
      await b.close();
      await deleteKeys(SHARED_REDIS_URL, prefix);
    }
  });
});
