import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { defineAgent } from '../../src/agents/agent-definition.js';
import { FakeClock } from '../../src/clock.js';
import { UserExecutionContext } from '../../src/context/user-execution-context.js';
import type { RunEvent } from '../../src/protocol/run-events.js';
import { createRuntime, type Runtime } from '../../src/runtime/create-runtime.js';
import { RedisKeys } from '../../src/stores/redis/redis-keys.js';
import { redisStores } from '../../src/stores/redis/redis-stores.js';
import { Gates, hangTool, testAgents } from '../core/runtime-harness.js';
import { deleteKeys, eventually, randomPrefix, SHARED_REDIS_URL } from './redis-test-server.js';

const T0 = Date.UTC(2026, 0, 1);
const TTL = 15_000;

/** Thinks once, then waits in a tool that never finishes: a run with a tool call open. */
const stuckInTool = defineAgent({
  name: 'stuck_in_tool',
  description: 'Test: thinks once, then calls a tool that never finishes',
  input: z.strictObject({}),
  async run(_input, ctx) {
    await ctx.thinking('about to call a tool that hangs');
    await ctx.callTool('hang', {});
    return 'unreachable';
  },
});

/**
 * Nodes of one cluster on the shared Redis (one random prefix), each a runtime with its own fake clock: a node whose
 * clock is not advanced is a node that stopped (its timers, renewals included, do not fire).
 */
class Cluster {
  readonly prefix = randomPrefix();
  readonly keys = new RedisKeys(this.prefix);
  readonly gates = new Gates();
  readonly nodes: Array<{ runtime: Runtime; clock: FakeClock }> = [];
  readonly redis = new Redis(SHARED_REDIS_URL);

  async node(nodeId: string): Promise<{ runtime: Runtime; clock: FakeClock }> {
    const clock = new FakeClock(T0);
    const runtime = createRuntime({
      clock,
      nodeId,
      recoverOnStart: false,
      leaseTtl: TTL,
      stores: (env) => redisStores({ ...env, url: SHARED_REDIS_URL, prefix: this.prefix }),
      agents: [...testAgents(this.gates), stuckInTool],
      tools: [hangTool],
    });
    await runtime.start();
    const node = { runtime, clock };
    this.nodes.push(node);
    return node;
  }

  /**
   * Moves the clocks of `nodes` forward together, one second at a time, giving Redis round trips real time to land
   * between steps.
   */
  async advance(ms: number, nodes: ReadonlyArray<{ clock: FakeClock }>): Promise<void> {
    for (let t = 0; t < ms; t += 1_000) {
      await Promise.all(nodes.map((n) => n.clock.advance(Math.min(1_000, ms - t))));
      await delay(15);
    }
  }

  /**
   * Moves the clocks of `nodes` forward a second at a time until `condition` holds (fails after `maxMs` of their
   * time). Reaper rounds wait on Redis in real time, so how much clock time they need varies a little.
   */
  async advanceUntil(
    condition: () => Promise<boolean>,
    nodes: ReadonlyArray<{ clock: FakeClock }>,
    what: string,
    maxMs = 60_000,
  ): Promise<void> {
    for (let t = 0; !(await condition()); t += 1_000) {
      if (t >= maxMs) throw new Error(`${what} did not happen within ${maxMs} ms of node time`);
      await this.advance(1_000, nodes);
    }
  }

  /** The log of one run as Redis holds it. */
  async runEvents(runtime: Runtime, userId: string, runId: string): Promise<RunEvent[]> {
    return runtime.events.readRun(userId, runId);
  }

  async close(): Promise<void> {
    // Stopped nodes would wait for their grace; close them all without one.
    await Promise.all(this.nodes.map((n) => n.runtime.close()));
    this.redis.disconnect();
    await deleteKeys(SHARED_REDIS_URL, this.prefix);
  }
}

async function withCluster(test: (cluster: Cluster) => Promise<void>): Promise<void> {
  const cluster = new Cluster();
  try {
    await test(cluster);
  } finally {
    await cluster.close();
  }
}

function start(runtime: Runtime, userId: string, agent: string, input: unknown): string {
  const ctx = UserExecutionContext.create({ userId });
  return runtime.runs.start(ctx, { agent, input: { kind: 'input', value: input } }).runId;
}

function terminalEvents(events: readonly RunEvent[]): RunEvent[] {
  return events.filter((e) => e.type === 'agent_completed' || e.type === 'agent_error' || e.type === 'agent_cancelled');
}

describe('node liveness on Redis (run leases, reaper, fencing)', () => {
  it('keeps the run of a live node alive for a minute without events, however slow, while it renews', async () => {
    await withCluster(async (cluster) => {
      const a = await cluster.node('node_a');
      const b = await cluster.node('node_b');
      const runId = start(a.runtime, 'alice', 'gate', { key: 'slow' });
      await eventually(async () => (await cluster.redis.exists(cluster.keys.lease(runId))) === 1, 'the lease');
      await cluster.advance(60_000, [a, b]);
      assert.equal(a.runtime.tracker.get(runId)?.status, 'running');
      assert.equal(b.runtime.tracker.has(runId), false, 'node_b never took the run');
      assert.equal((await b.runtime.runStore.get(runId))?.status, 'running');
      assert.deepEqual(terminalEvents(await cluster.runEvents(b.runtime, 'alice', runId)), []);

      cluster.gates.open('slow');
      await eventually(() => a.runtime.tracker.get(runId)?.status === 'completed', 'the run to complete');
      await eventually(
        async () => (await cluster.redis.exists(cluster.keys.lease(runId))) === 0,
        'the lease to be released',
      );
      assert.equal(await cluster.redis.zscore(cluster.keys.leases, runId), null);
    });
  });

  it('ends the runs of a node that stopped as dead (node_lost) exactly once while two nodes race to claim them', async () => {
    await withCluster(async (cluster) => {
      const a = await cluster.node('node_a');
      const b = await cluster.node('node_b');
      const c = await cluster.node('node_c');
      const stuck = start(a.runtime, 'alice', 'stuck_in_tool', {});
      const waiting = start(a.runtime, 'alice', 'gate', { key: 'never' });
      const other = start(b.runtime, 'alice', 'gate', { key: 'b_run' });
      await eventually(async () => {
        const events = await cluster.runEvents(b.runtime, 'alice', stuck);
        return events.some((e) => e.type === 'tool_executing');
      }, 'the tool call of the stuck run');
      await eventually(async () => (await cluster.redis.zcard(cluster.keys.leases)) === 3, 'three leases');
      // The lease TTL counts from the last renewal: let every node renew once first.
      await cluster.advance(5_000, [a, b, c]);

      // node_a stops: its clock (and so its renewals) no longer moves. The others go on.
      const dead = async (runId: string): Promise<boolean> => (await b.runtime.runStore.get(runId))?.status === 'dead';
      await cluster.advance(TTL - 5_000, [b, c]);
      assert.equal(await dead(stuck), false, 'not before its lease expired');
      await cluster.advanceUntil(async () => (await dead(stuck)) && (await dead(waiting)), [b, c], 'both runs dead');
      for (const runId of [stuck, waiting]) {
        const record = await b.runtime.runStore.get(runId);
        assert.equal(record?.error?.code, 'node_lost');
        const events = await cluster.runEvents(b.runtime, 'alice', runId);
        const ends = terminalEvents(events);
        assert.equal(ends.length, 1, `one terminal event for ${runId}`);
        assert.deepEqual(
          { type: ends[0]?.type, status: (ends[0] as { status?: string }).status },
          { type: 'agent_error', status: 'dead' },
        );
        assert.equal(events.at(-1), ends[0], 'nothing after the terminal event');
        const reapers = [b, c].filter((n) => n.runtime.tracker.get(runId)?.status === 'dead');
        assert.equal(reapers.length, 1, `exactly one node ended ${runId}`);
      }
      // The open tool call of the stuck run was closed before its end (docs/protocol.md §3 rule 3).
      const stuckEvents = await cluster.runEvents(b.runtime, 'alice', stuck);
      assert.deepEqual(
        stuckEvents.map((e) => e.type),
        ['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed', 'agent_error'],
      );
      const closed = stuckEvents[3];
      assert.ok(closed?.type === 'tool_completed' && !closed.success && closed.error?.code === 'run_ended');
      // node_b's own run renewed all along and goes on.
      assert.equal(b.runtime.tracker.get(other)?.status, 'running');
      assert.equal((await b.runtime.runStore.listActive()).map((r) => r.runId).join(), other);
    });
  });

  it('fences a node that wakes up after its runs were taken: it stops them and adds nothing to the log', async () => {
    await withCluster(async (cluster) => {
      const a = await cluster.node('node_a');
      const b = await cluster.node('node_b');
      const runId = start(a.runtime, 'alice', 'gate', { key: 'paused' });
      await eventually(async () => (await cluster.redis.exists(cluster.keys.lease(runId))) === 1, 'the lease');
      await cluster.advanceUntil(
        async () => (await b.runtime.runStore.get(runId))?.status === 'dead',
        [b],
        'the run to be dead',
      );
      const endedByB = await cluster.runEvents(b.runtime, 'alice', runId);

      // node_a was only paused (a long GC, a stalled event loop): it goes on, still thinking the run is its own.
      assert.equal(a.runtime.tracker.get(runId)?.status, 'running');
      await cluster.advance(6_000, [a]);
      await eventually(() => a.runtime.tracker.get(runId)?.status === 'dead', 'node_a to stop the run');
      assert.equal(a.runtime.tracker.get(runId)?.error?.code, 'node_lost');
      assert.equal(a.runtime.runner.isActive(runId), false, 'the agent task was stopped');
      // The terminal event node_a tried to add was refused: the log is what node_b left.
      await a.runtime.publisher.flush();
      assert.deepEqual(await cluster.runEvents(b.runtime, 'alice', runId), endedByB);
      assert.equal(terminalEvents(endedByB).length, 1);
      const record = await b.runtime.runStore.get(runId);
      assert.deepEqual([record?.status, record?.error?.code], ['dead', 'node_lost']);
    });
  });

  it('keeps the dead record another node stored when the paused node’s agent finishes late', async () => {
    await withCluster(async (cluster) => {
      const a = await cluster.node('node_a');
      const b = await cluster.node('node_b');
      const runId = start(a.runtime, 'alice', 'gate', { key: 'late' });
      await eventually(async () => (await cluster.redis.exists(cluster.keys.lease(runId))) === 1, 'the lease');
      await cluster.advanceUntil(
        async () => (await b.runtime.runStore.get(runId))?.status === 'dead',
        [b],
        'the run to be dead',
      );
      const endedByB = await cluster.runEvents(b.runtime, 'alice', runId);
      // node_a's store writes of this run, to know when its late one has landed.
      const writes: Array<Promise<void>> = [];
      const statuses: string[] = [];
      const store = a.runtime.runStore;
      const put = store.put.bind(store);
      store.put = (record) => {
        const write = put(record);
        if (record.runId === runId) {
          writes.push(write);
          statuses.push(record.status);
        }
        return write;
      };

      // node_a was only paused, and its agent finishes before it learns that the run was taken.
      cluster.gates.open('late');
      await eventually(() => a.runtime.tracker.get(runId)?.status === 'completed', 'node_a to complete the run');
      await eventually(() => statuses.includes('completed'), 'node_a to write the completed record');
      await Promise.all(writes);
      await a.runtime.publisher.flush();

      // The log refused node_a's agent_completed, and the store refused its record: both still say dead.
      assert.deepEqual(await cluster.runEvents(b.runtime, 'alice', runId), endedByB);
      const record = await b.runtime.runStore.get(runId);
      assert.deepEqual([record?.status, record?.error?.code, record?.finalResponse], ['dead', 'node_lost', undefined]);
      const listed = await b.runtime.runStore.list('alice', { limit: 10 });
      assert.deepEqual(
        listed.runs.map((r) => [r.runId, r.status]),
        [[runId, 'dead']],
      );
    });
  });

  it('takes a lease back and rewrites the run when the store lost both (a Redis that restarted empty)', async () => {
    await withCluster(async (cluster) => {
      const a = await cluster.node('node_a');
      const runId = start(a.runtime, 'alice', 'gate', { key: 'survivor' });
      await eventually(async () => (await cluster.redis.exists(cluster.keys.lease(runId))) === 1, 'the lease');
      await eventually(async () => (await a.runtime.runStore.get(runId))?.status === 'running', 'the record');
      await cluster.redis.del(cluster.keys.lease(runId), cluster.keys.run(runId));
      await cluster.redis.zrem(cluster.keys.leases, runId);
      await cluster.advance(6_000, [a]);
      await eventually(async () => (await cluster.redis.exists(cluster.keys.lease(runId))) === 1, 'the lease back');
      await eventually(async () => (await a.runtime.runStore.get(runId))?.status === 'running', 'the record back');
      assert.equal(a.runtime.tracker.get(runId)?.status, 'running');
    });
  });

  it('releases the leases of the runs a node cancels when it shuts down', async () => {
    await withCluster(async (cluster) => {
      const a = await cluster.node('node_a');
      const runIds = [start(a.runtime, 'alice', 'gate', { key: 'x' }), start(a.runtime, 'bob', 'gate', { key: 'y' })];
      await eventually(async () => (await cluster.redis.zcard(cluster.keys.leases)) === 2, 'two leases');
      await a.runtime.close();
      assert.equal(await cluster.redis.zcard(cluster.keys.leases), 0);
      for (const runId of runIds) assert.equal(await cluster.redis.exists(cluster.keys.lease(runId)), 0);
    });
  });
});
