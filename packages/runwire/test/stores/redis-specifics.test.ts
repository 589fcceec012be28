import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '../../src/clock.js';
import { LeaseConflictError } from '../../src/errors.js';
import type { RunEvent, UnsequencedRunEvent } from '../../src/protocol/run-events.js';
import type { ControlMessage } from '../../src/stores/bus.js';
import type { PubSubPreference } from '../../src/stores/redis/pubsub-mode.js';
import { RedisBus } from '../../src/stores/redis/redis-bus.js';
import { RedisConnection } from '../../src/stores/redis/redis-connection.js';
import { RedisEventLog } from '../../src/stores/redis/redis-event-log.js';
import { RedisKeys } from '../../src/stores/redis/redis-keys.js';
import { RedisRunStore } from '../../src/stores/redis/redis-run-store.js';
import { redisStores } from '../../src/stores/redis/redis-stores.js';
import type { RunRecord } from '../../src/tracker/run-record.js';
import { deleteKeys, eventually, PrivateRedis, randomPrefix, SHARED_REDIS_URL } from './redis-test-server.js';

const RETENTION = { maxAgeMs: 60_000, maxEventsPerUser: 1_000 };

function thinking(userId: string, runId: string, reasoning: string, step = 1): UnsequencedRunEvent {
  return {
    type: 'agent_thinking',
    runId,
    threadId: 'thr_1',
    userId,
    agent: 'echo',
    ts: '2026-01-01T00:00:00.000Z',
    reasoning,
    step,
  };
}

function record(fields: Partial<RunRecord> & Pick<RunRecord, 'runId' | 'userId'>): RunRecord {
  return {
    threadId: 'thr_1' as RunRecord['threadId'],
    agent: 'echo',
    status: 'running',
    createdAt: 1_000,
    lastHeartbeatAt: 1_000,
    timeoutMs: 60_000,
    lastSeq: 0,
    nodeId: 'node_a',
    ...fields,
  } as RunRecord;
}

/** One "node": its own connections to Redis. Everything made here is closed and its keys deleted by `cleanup`. */
class Nodes {
  readonly prefix = randomPrefix();
  readonly clock = new FakeClock();
  readonly #connections: RedisConnection[] = [];
  readonly #closers: Array<() => Promise<void>> = [];

  constructor(readonly url = SHARED_REDIS_URL) {}

  connection(pubsub: PubSubPreference = 'auto', fastReconnect = false): RedisConnection {
    const connection = new RedisConnection({
      url: this.url,
      prefix: this.prefix,
      pubsub,
      ...(fastReconnect ? { redisOptions: { retryStrategy: () => 20 } } : {}),
    });
    this.#connections.push(connection);
    return connection;
  }

  log(connection = this.connection(), publish = false): RedisEventLog {
    const log = new RedisEventLog({ connection, clock: this.clock, retention: RETENTION, publish });
    this.#closers.push(() => log.close());
    return log;
  }

  store(connection = this.connection()): RedisRunStore {
    const store = new RedisRunStore({ connection, clock: this.clock });
    this.#closers.push(() => store.close());
    return store;
  }

  bus(connection = this.connection(), deliveredByLog = false): RedisBus {
    const bus = new RedisBus({ connection, deliveredByLog });
    this.#closers.push(() => bus.close());
    return bus;
  }

  async cleanup(): Promise<void> {
    for (const close of this.#closers) await close();
    await Promise.all(this.#connections.map((c) => c.close()));
    if (this.url === SHARED_REDIS_URL) await deleteKeys(this.url, this.prefix);
  }
}

async function withNodes(test: (nodes: Nodes) => Promise<void>, url?: string): Promise<void> {
  const nodes = new Nodes(url);
  try {
    await test(nodes);
  } finally {
    await nodes.cleanup();
  }
}

/** Collects what a listener receives. */
function collector<T>(): { items: T[]; listener: (item: T) => void } {
  const items: T[] = [];
  return { items, listener: (item) => items.push(item) };
}

describe('RedisEventLog on a shared Redis', () => {
  it('assigns gap-free seqs atomically when two nodes append for the same user at once', async () => {
    await withNodes(async (nodes) => {
      const [logA, logB] = [nodes.log(), nodes.log()];
      const perNode = 150;
      const appends = [];
      for (let i = 0; i < perNode; i++) {
        appends.push(logA.append(thinking('alice', 'run_a', `a${i}`)));
        appends.push(logB.append(thinking('alice', 'run_b', `b${i}`)));
      }
      const logged = await Promise.all(appends);
      const all = await logA.read('alice', 0);
      assert.deepEqual(
        all.map((e) => e.seq),
        Array.from({ length: 2 * perNode }, (_, i) => i + 1),
      );
      assert.equal(new Set(all.map((e) => (e.type === 'agent_thinking' ? e.reasoning : ''))).size, 2 * perNode);
      // Each node's appends got seqs in the order it called append.
      for (const prefix of ['a', 'b']) {
        const mine = logged.filter((e) => e.type === 'agent_thinking' && e.reasoning.startsWith(prefix));
        const order = mine.map((e) => (e.type === 'agent_thinking' ? Number(e.reasoning.slice(1)) : -1));
        assert.deepEqual(
          order,
          [...order].sort((x, y) => x - y),
        );
        assert.ok(mine.every((e, i) => i === 0 || e.seq > (mine[i - 1] as RunEvent).seq));
      }
      assert.deepEqual(await logB.bounds('alice'), { oldestSeq: 1, lastSeq: 2 * perNode });
    });
  });

  it('answers a resent append with the seq it already got instead of logging it twice', async () => {
    await withNodes(async (nodes) => {
      const connection = nodes.connection();
      const log = nodes.log(connection);
      await log.append(thinking('alice', 'run_a', 'first'));
      const keys = new RedisKeys(nodes.prefix);
      const args = [
        keys.userSeq('alice'),
        keys.userStream('alice'),
        keys.userWriters('alice'),
        keys.userClosedRuns('alice'),
        JSON.stringify(thinking('alice', 'run_a', 'resent')),
        nodes.clock.now(),
        1_000,
        'run_a',
        'writer_x',
        7,
        keys.userChannel('alice'),
        '',
        '',
      ];
      const first = await connection.writes.runwireAppend(...args);
      const again = await connection.writes.runwireAppend(...args);
      assert.equal(first, 2);
      assert.equal(again, 2);
      assert.deepEqual(
        (await log.read('alice', 0)).map((e) => (e.type === 'agent_thinking' ? e.reasoning : e.type)),
        ['first', 'resent'],
      );
    });
  });

  it('refuses any event of a run after its terminal event, from every node, without a gap in the seqs', async () => {
    await withNodes(async (nodes) => {
      const connection = nodes.connection();
      const [logA, logB] = [nodes.log(connection), nodes.log()];
      await logA.append(thinking('alice', 'run_a', 'working'));
      const ended: UnsequencedRunEvent = {
        type: 'agent_error',
        status: 'dead',
        error: { code: 'node_lost', message: 'lost' },
        durationMs: 1,
        runId: 'run_a',
        threadId: 'thr_1',
        userId: 'alice',
        agent: 'echo',
        ts: '2026-01-01T00:00:01.000Z',
      };
      assert.equal((await logB.append(ended)).seq, 2);
      await assert.rejects(logA.append(thinking('alice', 'run_a', 'late')), {
        name: 'RunEndedError',
        code: 'run_ended',
        message: "Run 'run_a' has ended (it is 'ended'); stop working on it",
      });
      await assert.rejects(logA.append({ ...ended, error: { code: 'node_lost', message: 'second end' } }), {
        code: 'run_ended',
      });
      assert.equal((await logA.append(thinking('alice', 'run_b', 'other run'))).seq, 3);
      assert.deepEqual(
        (await logB.read('alice', 0)).map((e) => [e.seq, e.runId, e.type]),
        [
          [1, 'run_a', 'agent_thinking'],
          [2, 'run_a', 'agent_error'],
          [3, 'run_b', 'agent_thinking'],
        ],
      );
      // The mark goes with the terminal event when retention drops it.
      const keys = new RedisKeys(nodes.prefix);
      assert.equal(await connection.writes.zscore(keys.userClosedRuns('alice'), 'run_a'), '2');
      await nodes.clock.advance(RETENTION.maxAgeMs + 1);
      await logA.prune(nodes.clock.now());
      assert.equal(await connection.writes.exists(keys.userClosedRuns('alice')), 0);
    });
  });

  it('keeps each user to its own seqs, caps the length and prunes by age without reusing seqs', async () => {
    await withNodes(async (nodes) => {
      const connection = nodes.connection();
      const log = new RedisEventLog({
        connection,
        clock: nodes.clock,
        retention: { maxAgeMs: 10_000, maxEventsPerUser: 3 },
      });
      for (let i = 1; i <= 5; i++) await log.append(thinking('alice', 'run_a', `a${i}`, i));
      await nodes.clock.advance(20_000);
      await log.append(thinking('alice', 'run_b', 'late'));
      const bob = await log.append(thinking('bob', 'run_c', 'b1'));
      assert.equal(bob.seq, 1);
      assert.deepEqual(await log.bounds('alice'), { oldestSeq: 4, lastSeq: 6 });
      assert.equal(await log.prune(nodes.clock.now()), 2);
      assert.deepEqual(await log.bounds('alice'), { oldestSeq: 6, lastSeq: 6 });
      assert.deepEqual(
        (await log.read('alice', 0)).map((e) => e.seq),
        [6],
      );
      await nodes.clock.advance(20_000);
      assert.equal(await log.prune(nodes.clock.now()), 2);
      assert.deepEqual(await log.bounds('alice'), { oldestSeq: 7, lastSeq: 6 });
      assert.equal((await log.append(thinking('alice', 'run_b', 'after'))).seq, 7);
      assert.deepEqual(
        (await log.readRun('alice', 'run_b')).map((e) => e.seq),
        [7],
      );
      await log.close();
    });
  });
});

describe('RedisRunStore leases on a shared Redis', () => {
  it('lets exactly one of three racing nodes claim each run whose lease expired', async () => {
    await withNodes(async (nodes) => {
      const [a, b, c] = [nodes.store(), nodes.store(), nodes.store()];
      const runIds = Array.from({ length: 30 }, (_, i) => `run_${i}`);
      for (const runId of runIds) await a.acquireLease(runId, 'node_a', 5_000);
      assert.deepEqual(await b.expiredLeases(nodes.clock.now()), []);
      await nodes.clock.advance(5_000);
      assert.deepEqual((await c.expiredLeases(nodes.clock.now())).sort(), [...runIds].sort());
      const claims = await Promise.all(
        runIds.flatMap((id) => [b.claimDeadRun(id), c.claimDeadRun(id), a.claimDeadRun(id)]),
      );
      for (let i = 0; i < runIds.length; i++) {
        assert.equal(claims.slice(3 * i, 3 * i + 3).filter(Boolean).length, 1, `one claim of ${runIds[i]}`);
      }
      assert.deepEqual(await b.expiredLeases(nodes.clock.now()), []);
      assert.equal(await a.claimDeadRun('run_0'), false);
      // The old holder learns it lost them, and cannot take them back.
      assert.deepEqual((await a.renewLeases('node_a', ['run_0', 'run_1'], 5_000)).sort(), ['run_0', 'run_1']);
      await assert.rejects(a.acquireLease('run_0', 'node_a', 5_000), (error: unknown) => {
        assert.ok(error instanceof LeaseConflictError);
        assert.equal(error.code, 'lease_conflict');
        assert.equal(
          error.message,
          "Node 'node_a' cannot lease run 'run_0': it was claimed as dead; stop working on it",
        );
        return true;
      });
    });
  });

  it('keeps renewed leases alive, hands out growing fencing tokens and refuses a live lease to another node', async () => {
    await withNodes(async (nodes) => {
      const [a, b] = [nodes.store(), nodes.store()];
      const t1 = await a.acquireLease('run_1', 'node_a', 1_000);
      const t2 = await b.acquireLease('run_2', 'node_b', 1_000);
      assert.ok(t2 > t1);
      await nodes.clock.advance(800);
      assert.deepEqual(await a.renewLeases('node_a', ['run_1', 'run_2', 'run_never'], 1_000), ['run_2', 'run_never']);
      await nodes.clock.advance(800);
      assert.deepEqual(await b.expiredLeases(nodes.clock.now()), ['run_2']);
      assert.equal(await b.claimDeadRun('run_1'), false);
      await assert.rejects(b.acquireLease('run_1', 'node_b', 1_000), {
        name: 'LeaseConflictError',
        message: "Node 'node_b' cannot lease run 'run_1': node 'node_a' holds a live lease on it",
      });
      const t3 = await a.acquireLease('run_1', 'node_a', 1_000);
      assert.ok(t3 > t2);
      assert.equal(await a.releaseLease('run_1', t1), false);
      assert.equal(await a.releaseLease('run_1', t3), true);
      await nodes.clock.advance(5_000);
      assert.deepEqual(await b.expiredLeases(nodes.clock.now()), ['run_2']);
    });
  });

  it('caps a user’s concurrent runs across nodes and frees slots on release and on a dead node', async () => {
    await withNodes(async (nodes) => {
      const [a, b] = [nodes.store(), nodes.store()];
      const tokens = new Map<string, number>();
      for (const runId of ['run_1', 'run_2', 'run_3']) {
        tokens.set(
          runId,
          await (runId === 'run_3' ? b : a).acquireLease(runId, runId === 'run_3' ? 'node_b' : 'node_a', 1_000),
        );
      }
      assert.equal(await a.acquireUserSlot('alice', 'run_1', 2), true);
      assert.equal(await a.acquireUserSlot('alice', 'run_1', 2), true);
      assert.equal(await b.acquireUserSlot('alice', 'run_2', 2), true);
      assert.equal(await b.acquireUserSlot('alice', 'run_3', 2), false);
      assert.equal(await a.acquireUserSlot('alice', 'run_unleased', 5), false);
      assert.equal(await b.userSlotCount('alice'), 2);
      assert.equal(await a.releaseLease('run_1', tokens.get('run_1') ?? 0), true);
      assert.equal(await b.userSlotCount('alice'), 1);
      assert.equal(await b.acquireUserSlot('alice', 'run_3', 2), true);
      // node_b dies: run_3's lease expires and its slot no longer counts; run_2 (renewed by node_a) still does.
      await nodes.clock.advance(900);
      await a.renewLeases('node_a', ['run_2'], 1_000);
      await nodes.clock.advance(200);
      assert.equal(await a.userSlotCount('alice'), 1);
      assert.equal(await a.claimDeadRun('run_3'), true);
      assert.equal(await a.userSlotCount('alice'), 1);
    });
  });

  it('pages a user’s runs newest first with a cursor that skips nothing created meanwhile', async () => {
    await withNodes(async (nodes) => {
      const store = nodes.store();
      for (let i = 0; i < 7; i++) {
        await store.put(
          record({
            runId: `run_${i}` as RunRecord['runId'],
            userId: 'alice' as RunRecord['userId'],
            createdAt: 1_000 + (i % 3),
          }),
        );
      }
      await store.put(record({ runId: 'run_bob' as RunRecord['runId'], userId: 'bob' as RunRecord['userId'] }));
      const first = await store.list('alice', { limit: 3 });
      assert.deepEqual(
        first.runs.map((r) => r.runId),
        ['run_5', 'run_2', 'run_4'],
      );
      assert.ok(first.next !== undefined);
      await store.put(
        record({ runId: 'run_new' as RunRecord['runId'], userId: 'alice' as RunRecord['userId'], createdAt: 5_000 }),
      );
      const second = await store.list('alice', { limit: 3, before: first.next });
      assert.deepEqual(
        second.runs.map((r) => r.runId),
        ['run_1', 'run_6', 'run_3'],
      );
      const third = await store.list('alice', {
        limit: 3,
        ...(second.next === undefined ? {} : { before: second.next }),
      });
      assert.deepEqual(
        third.runs.map((r) => r.runId),
        ['run_0'],
      );
      assert.equal(third.next, undefined);
    });
  });

  it('lists active runs per node and prunes ended runs from every index', async () => {
    await withNodes(async (nodes) => {
      const store = nodes.store();
      const alice = 'alice' as RunRecord['userId'];
      await store.put(record({ runId: 'run_a' as RunRecord['runId'], userId: alice, nodeId: 'node_a' }));
      await store.put(record({ runId: 'run_b' as RunRecord['runId'], userId: alice, nodeId: 'node_b' }));
      await store.put(record({ runId: 'run_c' as RunRecord['runId'], userId: alice, nodeId: 'node_a' }));
      await store.put(
        record({
          runId: 'run_c' as RunRecord['runId'],
          userId: alice,
          nodeId: 'node_a',
          status: 'completed',
          endedAt: 2_000,
        }),
      );
      assert.deepEqual(
        (await store.listActive('node_a')).map((r) => r.runId),
        ['run_a'],
      );
      assert.deepEqual((await store.listActive()).map((r) => r.runId).sort(), ['run_a', 'run_b']);
      assert.equal(await store.prune(2_000), 0);
      assert.equal(await store.prune(2_001), 1);
      assert.equal(await store.get('run_c'), undefined);
      assert.deepEqual((await store.list('alice', { limit: 10 })).runs.map((r) => r.runId).sort(), ['run_a', 'run_b']);
    });
  });
});

for (const pubsub of ['auto', 'classic'] as const) {
  describe(`RedisBus with ${pubsub} pub/sub on a shared Redis`, () => {
    it('delivers a user’s events appended on one node to every node that holds that user, in seq order', async () => {
      await withNodes(async (nodes) => {
        const node1 = nodes.connection(pubsub);
        const log1 = nodes.log(node1, true);
        const bus1 = nodes.bus(node1, true);
        const [bus2, bus3] = [nodes.bus(nodes.connection(pubsub), true), nodes.bus(nodes.connection(pubsub), true)];
        const [on2, on3, bob3] = [collector<RunEvent>(), collector<RunEvent>(), collector<RunEvent>()];
        await bus2.subscribe('alice', on2.listener);
        await bus3.subscribe('alice', on3.listener);
        await bus3.subscribe('bob', bob3.listener);
        const log2 = nodes.log(nodes.connection(pubsub), true);
        for (let i = 0; i < 20; i++) {
          const event = await (i % 2 === 0 ? log1 : log2).append(thinking('alice', 'run_a', `step ${i}`));
          await bus1.publish(event);
        }
        await eventually(() => on2.items.length >= 20 && on3.items.length >= 20, 'delivery to nodes 2 and 3');
        const seqs = Array.from({ length: 20 }, (_, i) => i + 1);
        assert.deepEqual(
          on2.items.map((e) => e.seq),
          seqs,
        );
        assert.deepEqual(
          on3.items.map((e) => e.seq),
          seqs,
        );
        assert.deepEqual(on3.items, await log1.read('alice', 0));
        await log1.append(thinking('bob', 'run_b', 'for bob'));
        await eventually(() => bob3.items.length === 1, 'delivery to bob');
        assert.equal(on2.items.length, 20);
      });
    });

    it('publishes itself when the log does not, and stops delivering after the last listener leaves', async () => {
      await withNodes(async (nodes) => {
        const [sender, receiver] = [nodes.bus(nodes.connection(pubsub)), nodes.connection(pubsub)];
        const bus = nodes.bus(receiver);
        const [first, second] = [collector<RunEvent>(), collector<RunEvent>()];
        const subA = await bus.subscribe('alice', first.listener);
        const subB = await bus.subscribe('alice', second.listener);
        const event = { ...thinking('alice', 'run_a', 'hello'), seq: 1 } as RunEvent;
        await sender.publish(event);
        await eventually(() => first.items.length === 1 && second.items.length === 1, 'delivery to both listeners');
        assert.deepEqual(first.items[0], event);
        await subA.unsubscribe();
        await subA.unsubscribe();
        const mode = await receiver.pubSubMode();
        const channel = new RedisKeys(nodes.prefix).userChannel('alice');
        const subscribers = async (): Promise<number> => {
          const reply = (await receiver.writes.call(
            'PUBSUB',
            mode === 'sharded' ? 'SHARDNUMSUB' : 'NUMSUB',
            channel,
          )) as [string, number];
          return Number(reply[1]);
        };
        assert.equal(await subscribers(), 1);
        await subB.unsubscribe();
        assert.equal(await subscribers(), 0);
        const bob = collector<RunEvent>();
        await bus.subscribe('bob', bob.listener);
        await sender.publish({ ...event, seq: 2 });
        // Bob's event, published after, arrives after: by then alice's would have arrived too.
        await sender.publish({ ...event, userId: 'bob', seq: 1 });
        await eventually(() => bob.items.length === 1, "bob's event");
        assert.deepEqual([first.items.length, second.items.length], [1, 1]);
      });
    });

    it('sends a control message to the addressed node only', async () => {
      await withNodes(async (nodes) => {
        const [bus1, bus2, bus3] = [
          nodes.bus(nodes.connection(pubsub)),
          nodes.bus(nodes.connection(pubsub)),
          nodes.bus(nodes.connection(pubsub)),
        ];
        const [to2, to3] = [collector<ControlMessage>(), collector<ControlMessage>()];
        await bus2.subscribeControl('node_2', to2.listener);
        await bus3.subscribeControl('node_3', to3.listener);
        const message: ControlMessage = { type: 'cancel', runId: 'run_1', userId: 'alice', reason: 'user' };
        await bus1.publishControl('node_3', message);
        await bus1.publishControl('node_3', { ...message, runId: 'run_2' });
        await eventually(() => to3.items.length === 2, 'control messages to node 3');
        assert.deepEqual(to3.items[0], message);
        // Node 2 got nothing, although it listens on its own channel: a message to it now arrives first.
        await bus1.publishControl('node_2', { ...message, runId: 'run_for_2' });
        await eventually(() => to2.items.length === 1, 'control message to node 2');
        assert.deepEqual(
          to2.items.map((m) => m.runId),
          ['run_for_2'],
        );
      });
    });
  });
}

describe('Redis stores across a Redis restart (private redis-server)', () => {
  let server: PrivateRedis;
  before(async () => {
    server = await PrivateRedis.start();
  });
  after(async () => {
    await server.dispose();
  });

  it('reports not ready while Redis is down, resubscribes, fires onReconnect and delivers again', async () => {
    await withNodes(async (nodes) => {
      const sender = nodes.connection('auto', true);
      const log = nodes.log(sender, true);
      const receiver = nodes.connection('auto', true);
      const bus = nodes.bus(receiver, true);
      const received = collector<RunEvent>();
      await bus.subscribe('alice', received.listener);
      let reconnects = 0;
      bus.onReconnect(() => {
        reconnects++;
      });
      await log.append(thinking('alice', 'run_a', 'before'));
      await eventually(() => received.items.length === 1, 'the first event');
      assert.equal(bus.health().ok, true);

      await server.stop();
      await eventually(() => !bus.health().ok, 'the bus to report the outage');
      assert.equal(await receiver.ping(), false);
      // An append while Redis is away waits in the writes queue instead of failing.
      const during = log.append(thinking('alice', 'run_a', 'during'));
      await server.restart();
      await eventually(() => reconnects === 1, 'onReconnect after resubscribing');
      // The writes and reads connections reconnect on their own schedules, not in step with the subscriber.
      await eventually(() => bus.health().ok, 'the bus to report healthy again');
      await eventually(() => receiver.ping(), 'reads to answer PING again');
      assert.equal(reconnects, 1);

      await during;
      await log.append(thinking('alice', 'run_a', 'after'));
      await eventually(
        () => received.items.some((e) => e.type === 'agent_thinking' && e.reasoning === 'after'),
        'delivery after the reconnect',
      );
      // The server kept nothing (no persistence), so seqs restart there; the log holds each event once.
      const texts = (await log.read('alice', 0)).map((e) => (e.type === 'agent_thinking' ? e.reasoning : ''));
      assert.deepEqual(texts, ['during', 'after']);
    }, server.url);
  });

  it('answers reads with an error while Redis is down and applies queued writes once it is back', async () => {
    await withNodes(async (nodes) => {
      const store = nodes.store(nodes.connection('auto', true));
      const alice = 'alice' as RunRecord['userId'];
      await store.put(record({ runId: 'run_1' as RunRecord['runId'], userId: alice }));
      await server.stop();
      await assert.rejects(store.get('run_1'), { name: 'MaxRetriesPerRequestError' });
      const write = store.put(
        record({ runId: 'run_1' as RunRecord['runId'], userId: alice, status: 'completed', endedAt: 2_000 }),
      );
      await server.restart();
      await write;
      // No persistence: the server lost run_1's first version, and holds the write made during the outage.
      assert.equal((await store.get('run_1'))?.status, 'completed');
    }, server.url);
  });

  it('closes without hanging while Redis is down, failing the appends still waiting', async () => {
    const nodes = new Nodes(server.url);
    const connection = nodes.connection('auto', true);
    const log = new RedisEventLog({ connection, clock: nodes.clock });
    await log.append(thinking('alice', 'run_a', 'first'));
    await server.stop();
    await eventually(() => connection.writes.status === 'reconnecting', 'the client to notice the outage');
    const waiting = log.append(thinking('alice', 'run_a', 'queued'));
    await connection.close();
    await assert.rejects(waiting, { message: 'Connection is closed.' });
    await log.close();
    assert.deepEqual([connection.writes.status, connection.reads.status], ['end', 'end']);
    await server.restart();
  });

  it('builds working runtime stores whose health follows the connection', async () => {
    const clock = new FakeClock();
    const stores = redisStores({
      url: server.url,
      prefix: randomPrefix(),
      clock,
      retention: RETENTION,
      nodeId: 'node_1',
      redisOptions: { retryStrategy: () => 20 },
    });
    try {
      await eventually(async () => (await stores.health()).store === true, 'Redis to answer');
      assert.deepEqual(await stores.health(), { store: true, redis: true, bus: true });
      const got = collector<RunEvent>();
      await stores.bus.subscribe('alice', got.listener);
      const event = await stores.events.append(thinking('alice', 'run_a', 'hi'));
      await stores.bus.publish(event);
      await eventually(() => got.items.length >= 1, 'the event');
      assert.deepEqual(got.items, [event]);
      await server.stop();
      assert.deepEqual(await stores.health(), { store: false, redis: false, bus: false });
      await server.restart();
      await eventually(async () => (await stores.health()).bus === true, 'health after the restart');
    } finally {
      await stores.bus.close();
      await stores.events.close();
      await stores.runs.close();
      await stores.rollups.close();
      await stores.checks.close();
      await stores.threads.close();
    }
    assert.equal(stores.connection.writes.status, 'end');
  });
});
