import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { FakeClock } from '../../src/clock.js';
import type { ClientConnection } from '../../src/gateway/client-connection.js';
import { ConnectionRegistry } from '../../src/gateway/connection-registry.js';
import { EventStream } from '../../src/gateway/event-stream.js';
import { silentLogger } from '../../src/logger.js';
import type { RunEvent, UnsequencedRunEvent } from '../../src/protocol/run-events.js';
import type { ReplyFrame } from '../../src/protocol/server-frames.js';
import { RedisBus } from '../../src/stores/redis/redis-bus.js';
import { RedisConnection } from '../../src/stores/redis/redis-connection.js';
import { RedisEventLog } from '../../src/stores/redis/redis-event-log.js';
import { eventually, PrivateRedis, randomPrefix } from './redis-test-server.js';

const RETENTION = { maxAgeMs: 3_600_000, maxEventsPerUser: 10_000 };

function thinking(text: string): UnsequencedRunEvent {
  return {
    type: 'agent_thinking',
    runId: 'run_a',
    threadId: 'thr_1',
    userId: 'alice',
    agent: 'echo',
    ts: '2026-01-01T00:00:00.000Z',
    reasoning: text,
    step: 1,
  };
}

type Frame = RunEvent | ReplyFrame;

/**
 * Two nodes on a private Redis: a producer that appends alice's events, and a consumer holding one connection of
 * alice (its EventStream behind the real ConnectionRegistry and RedisBus), recording every frame it would send.
 */
async function twoNodes(server: PrivateRedis, consumerRetryMs: number) {
  const clock = new FakeClock();
  const prefix = randomPrefix();
  const connect = (retryMs: number): RedisConnection =>
    new RedisConnection({ url: server.url, prefix, redisOptions: { retryStrategy: () => retryMs } });
  const producerConnection = connect(20);
  const producer = new RedisEventLog({ connection: producerConnection, clock, retention: RETENTION, publish: true });
  const consumerConnection = connect(consumerRetryMs);
  const log = new RedisEventLog({ connection: consumerConnection, clock, retention: RETENTION });
  const bus = new RedisBus({ connection: consumerConnection, deliveredByLog: true });
  const frames: Frame[] = [];
  const stream = new EventStream('alice', log, {
    send: (frame) => {
      frames.push(frame);
      return true;
    },
    ready: async () => undefined,
  });
  const registry = new ConnectionRegistry(bus, silentLogger);
  const connection = { userId: 'alice', stream } as unknown as ClientConnection;
  await registry.add(connection);
  await stream.start((await log.bounds('alice')).lastSeq);
  const texts = (list: readonly Frame[]): string[] =>
    list.map((f) => (f.type === 'agent_thinking' ? f.reasoning : f.type));
  return {
    producer,
    stream,
    log,
    bus,
    frames,
    texts,
    events: () => frames.filter((f): f is RunEvent => 'seq' in f && typeof f.seq === 'number'),
    async close() {
      stream.close();
      registry.remove(connection);
      registry.close();
      await bus.close();
      await log.close();
      await producer.close();
    },
  };
}

function contiguous(events: readonly RunEvent[], from: number): boolean {
  return events.every((e, i) => e.seq === from + i);
}

describe('a connection across a Redis restart (private redis-server)', () => {
  let server: PrivateRedis | undefined;
  afterEach(async () => {
    await server?.dispose();
    server = undefined;
  });

  it('goes on with the next seq, nothing lost or repeated, when Redis kept its data', async () => {
    server = await PrivateRedis.start({ persist: true });
    const nodes = await twoNodes(server, 20);
    try {
      for (let i = 1; i <= 5; i++) await nodes.producer.append(thinking(`before ${i}`));
      await eventually(() => nodes.events().length === 5, 'the first five events');
      let reconnects = 0;
      nodes.bus.onReconnect(() => reconnects++);
      await server.stop(true);
      await server.restart();
      // Nothing was missed: the stream's catch-up finds the log as it left it and must go on from there.
      await eventually(() => reconnects === 1, 'the reconnect');
      // Queued after the registry's own catch-up: resolves once that one is done too.
      await nodes.stream.catchUp();
      for (let i = 1; i <= 3; i++) await nodes.producer.append(thinking(`after ${i}`));
      await eventually(() => nodes.events().length === 8, 'every event');
      assert.deepEqual(
        nodes.frames.map((f) => f.type),
        Array(8).fill('agent_thinking'),
        'no resync_required: the log is intact',
      );
      assert.ok(contiguous(nodes.events(), 1));
      assert.deepEqual(await nodes.log.read('alice', 0), nodes.events());
    } finally {
      await nodes.close();
    }
  });

  it('sends resync_required, then the new log without a gap, when Redis restarted empty', async () => {
    server = await PrivateRedis.start();
    const nodes = await twoNodes(server, 20);
    try {
      for (let i = 1; i <= 5; i++) await nodes.producer.append(thinking(`before ${i}`));
      await eventually(() => nodes.events().length === 5, 'the first five events');
      await server.stop(true);
      const during = nodes.producer.append(thinking('during'));
      await server.restart();
      await during;
      for (let i = 1; i <= 3; i++) await nodes.producer.append(thinking(`after ${i}`));
      // The consumer may reconnect after some or all of these appends: what the new log held when it noticed the reset
      // is skipped (it is in the log, for a resume). One more event, appended once it has noticed, is always live.
      await eventually(() => nodes.frames.some((f) => f.type === 'resync_required'), 'resync_required');
      await nodes.producer.append(thinking('after 4'));
      await eventually(() => nodes.texts(nodes.frames).includes('after 4'), 'the last event');

      const seam = nodes.frames.findIndex((f) => f.type === 'resync_required');
      assert.ok(seam > 0, 'a resync_required marks the seam');
      const before = nodes.frames.slice(0, seam) as RunEvent[];
      assert.deepEqual(nodes.texts(before), ['before 1', 'before 2', 'before 3', 'before 4', 'before 5']);
      assert.ok(contiguous(before, 1));
      const resync = nodes.frames[seam];
      assert.ok(resync?.type === 'resync_required');
      assert.equal(resync.oldestSeq, 1, 'the new log starts at 1');
      // After the seam the stream goes on from the new log's lastSeq; what it skipped is in the log for a resume.
      const after = nodes.frames.slice(seam + 1) as RunEvent[];
      assert.ok(
        after.every((f) => f.type === 'agent_thinking'),
        'one seam only',
      );
      assert.ok(contiguous(after, resync.lastSeq + 1));
      const newLog = await nodes.log.read('alice', 0);
      assert.deepEqual(nodes.texts(newLog), ['during', 'after 1', 'after 2', 'after 3', 'after 4'], 'each event once');
      assert.ok(contiguous(newLog, 1));
      assert.deepEqual([...newLog.slice(0, resync.lastSeq), ...after], newLog);
    } finally {
      await nodes.close();
    }
  });

  it('tells the new log from the old one even when it has grown past the cursor before the reconnect', async () => {
    server = await PrivateRedis.start();
    // The consumer reconnects slowly, so the producer fills the new log past its cursor first.
    const nodes = await twoNodes(server, 1_500);
    try {
      for (let i = 1; i <= 3; i++) await nodes.producer.append(thinking(`old ${i}`));
      await eventually(() => nodes.events().length === 3, 'the old events');
      await server.stop(true);
      await eventually(() => !nodes.bus.health().ok, 'the consumer to notice the outage');
      await server.restart();
      for (let i = 1; i <= 6; i++) await nodes.producer.append(thinking(`new ${i}`));
      assert.equal(nodes.bus.health().ok, false, 'premise: the consumer has not reconnected yet');
      await eventually(() => nodes.frames.some((f) => f.type === 'resync_required'), 'resync_required', 10_000);
      await nodes.producer.append(thinking('new 7'));
      await eventually(() => nodes.texts(nodes.frames).includes('new 7'), 'live delivery after the seam');
      const seam = nodes.frames.findIndex((f) => f.type === 'resync_required');
      assert.deepEqual(nodes.texts(nodes.frames.slice(0, seam)), ['old 1', 'old 2', 'old 3']);
      const resync = nodes.frames[seam];
      assert.deepEqual(resync, { type: 'resync_required', oldestSeq: 1, lastSeq: 6 });
      assert.deepEqual(nodes.texts(nodes.frames.slice(seam + 1)), ['new 7']);
      assert.equal((nodes.frames.at(-1) as RunEvent).seq, 7);
    } finally {
      await nodes.close();
    }
  });
});
