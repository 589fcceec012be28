import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { UserExecutionContext } from '../../src/context/user-execution-context.js';
import type { RunEvent } from '../../src/protocol/run-events.js';
import { createRuntime, type Runtime } from '../../src/runtime/create-runtime.js';
import { redisStores } from '../../src/stores/redis/redis-stores.js';
import type { RunLeases } from '../../src/stores/run-leases.js';
import { isTerminal } from '../../src/tracker/run-status.js';
import { Gates, testAgents } from '../core/runtime-harness.js';
import { deleteKeys, eventually, randomPrefix, SHARED_REDIS_URL } from './redis-test-server.js';

const CAP = 2;

/** Two nodes ("a" and "b") on the shared Redis under one random prefix, on the real clock, with a per-user cap of 2. */
class TwoNodes {
  readonly prefix = randomPrefix();
  readonly gates = new Gates();
  readonly a: Runtime;
  readonly b: Runtime;
  #leases: RunLeases | undefined;

  constructor() {
    const node = (nodeId: string): Runtime =>
      createRuntime({
        nodeId,
        recoverOnStart: false,
        scheduler: { maxConcurrentRunsPerUser: CAP },
        stores: (env) => {
          const stores = redisStores({ ...env, url: SHARED_REDIS_URL, prefix: this.prefix });
          this.#leases ??= stores.leases;
          return stores;
        },
        agents: testAgents(this.gates),
      });
    this.a = node('node_a');
    this.b = node('node_b');
  }

  /** How many of the user's cluster slots are held now. */
  slots(userId: string): Promise<number> {
    if (this.#leases === undefined) throw new Error('the nodes have no leases');
    return this.#leases.userSlotCount(userId);
  }

  /** The user's whole log, in seq order. */
  log(userId: string): Promise<RunEvent[]> {
    return this.a.events.read(userId, 0, 10_000);
  }

  async ended(runIds: readonly string[]): Promise<boolean> {
    const records = await Promise.all(runIds.map((id) => this.a.runStore.get(id)));
    return records.every((r) => r !== undefined && isTerminal(r.status));
  }

  async close(): Promise<void> {
    await Promise.all([this.a.close(), this.b.close()]);
    await deleteKeys(SHARED_REDIS_URL, this.prefix);
  }
}

async function withNodes(test: (nodes: TwoNodes) => Promise<void>): Promise<void> {
  const nodes = new TwoNodes();
  try {
    await Promise.all([nodes.a.start(), nodes.b.start()]);
    await test(nodes);
  } finally {
    await nodes.close();
  }
}

function start(runtime: Runtime, userId: string, agent: string, input: unknown): string {
  const ctx = UserExecutionContext.create({ userId });
  return runtime.runs.start(ctx, { agent, input: { kind: 'input', value: input } }).runId;
}

const TERMINAL = new Set(['agent_completed', 'agent_error', 'agent_cancelled']);

/** The most runs that were between `agent_started` and their terminal event at once, in seq order. */
function maxOverlap(events: readonly RunEvent[]): number {
  let open = 0;
  let max = 0;
  for (const e of events) {
    if (e.type === 'agent_started') max = Math.max(max, ++open);
    else if (TERMINAL.has(e.type)) open--;
  }
  return max;
}

function types(events: readonly RunEvent[], runId: string): string[] {
  return events.filter((e) => e.runId === runId).map((e) => e.type);
}

describe('cluster-wide per-user concurrency cap on Redis (two nodes)', () => {
  it('runs at most maxConcurrentRunsPerUser of one user at once across both nodes, queues the rest and completes all, without delaying another user', async () => {
    await withNodes(async (nodes) => {
      const echo = { text: 'hi', steps: 5, delayMs: 40 };
      const aliceRuns = [
        ...[1, 2, 3].map(() => start(nodes.a, 'alice', 'echo', echo)),
        ...[1, 2, 3].map(() => start(nodes.b, 'alice', 'echo', echo)),
      ];
      const bobRun = start(nodes.b, 'bob', 'echo', echo);
      let maxSlots = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          maxSlots = Math.max(maxSlots, await nodes.slots('alice'));
          await delay(5);
        }
      })();
      try {
        await eventually(() => nodes.ended([...aliceRuns, bobRun]), 'every run to end', 30_000);
      } finally {
        sampling = false;
        await sampler;
      }
      await Promise.all([nodes.a.publisher.flush(), nodes.b.publisher.flush()]);

      const log = await nodes.log('alice');
      for (const runId of aliceRuns) {
        const seen = types(log, runId);
        assert.equal(seen.at(-1), 'agent_completed', `${runId} completed: ${seen.join()}`);
        assert.ok(seen.filter((t) => t === 'run_queued').length <= 1, `${runId} was announced once at most`);
        if (seen.includes('run_queued')) assert.equal(seen[0], 'run_queued', 'announced before it started');
      }
      assert.equal(maxOverlap(log), CAP, 'two of alice’s runs ran at once, never three');
      assert.ok(maxSlots <= CAP, `at most ${CAP} slots held at once (saw ${maxSlots})`);
      const queued = log.filter((e) => e.type === 'run_queued');
      assert.ok(queued.length >= 4, `the four runs over the cap were queued (${queued.length})`);
      assert.ok(queued.every((e) => e.type === 'run_queued' && e.reason === 'user_concurrency'));

      const bob = types(await nodes.log('bob'), bobRun);
      assert.equal(bob[0], 'agent_started', 'bob’s run started at once, not queued');
      assert.equal(bob.at(-1), 'agent_completed');
      assert.equal(await nodes.slots('alice'), 0, 'every slot was given back');
    });
  });

  it('starts a run refused a slot when a run of the user ends on the other node, and a cancelled waiting run frees no slot', async () => {
    await withNodes(async (nodes) => {
      const [g1, g2] = [start(nodes.a, 'alice', 'gate', { key: 'g1' }), start(nodes.a, 'alice', 'gate', { key: 'g2' })];
      await eventually(async () => (await nodes.slots('alice')) === CAP, 'node a to hold both slots');
      const waiting = start(nodes.b, 'alice', 'gate', { key: 'w' });
      await eventually(
        async () => types(await nodes.log('alice'), waiting).includes('run_queued'),
        'the run on node b to be queued',
      );
      assert.equal(await nodes.b.runs.cancel('alice', waiting), 'cancelled');
      await eventually(
        async () => types(await nodes.log('alice'), waiting).includes('agent_cancelled'),
        'the cancel to be logged',
      );
      assert.deepEqual(types(await nodes.log('alice'), waiting), ['run_queued', 'agent_cancelled']);
      assert.equal(await nodes.slots('alice'), CAP, 'the cancelled run freed nobody’s slot');

      const next = start(nodes.b, 'alice', 'gate', { key: 'next' });
      await eventually(
        async () => types(await nodes.log('alice'), next).includes('run_queued'),
        'the next run on node b to be queued',
      );
      assert.equal(nodes.b.tracker.get(next)?.status, 'pending');
      nodes.gates.open('g1');
      // Nothing ended on node b: it notices the free slot on its retry timer.
      await eventually(() => nodes.b.tracker.get(next)?.status === 'running', 'the queued run to start on node b');
      assert.equal(nodes.a.tracker.get(g1)?.status, 'completed');
      assert.equal(await nodes.slots('alice'), CAP);

      nodes.gates.open('g2');
      nodes.gates.open('next');
      await eventually(() => nodes.ended([g1, g2, next]), 'the runs to end');
      await eventually(async () => (await nodes.slots('alice')) === 0, 'every slot to be given back');
    });
  });
});
