import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FakeClock } from '../../src/clock.js';
import type { RunId, ThreadId, UserId } from '../../src/ids.js';
import { DeadRunReaper } from '../../src/runs/dead-run-reaper.js';
import { createRuntime, type Runtime } from '../../src/runtime/create-runtime.js';
import type { RunLeases } from '../../src/stores/run-leases.js';
import type { RunRecord } from '../../src/tracker/run-record.js';

const TTL = 15_000;

/** Leases of a cluster seen from one node: `expired` lists what `expiredLeases` answers; claims are counted. */
class StubLeases implements RunLeases {
  expired: string[] = [];
  readonly claims: string[] = [];
  async acquireLease(): Promise<number> {
    return 1;
  }
  async renewLeases(): Promise<string[]> {
    return [];
  }
  async releaseLease(): Promise<boolean> {
    return true;
  }
  async expiredLeases(): Promise<string[]> {
    return [...this.expired];
  }
  async claimDeadRun(runId: string): Promise<boolean> {
    this.expired = this.expired.filter((id) => id !== runId);
    this.claims.push(runId);
    return true;
  }
  async acquireUserSlot(): Promise<boolean> {
    return true;
  }
  async userSlotCount(): Promise<number> {
    return 0;
  }
}

function lostRun(runId: string, clock: FakeClock): RunRecord {
  return {
    runId: runId as RunId,
    userId: 'alice' as UserId,
    threadId: 'thr_1' as ThreadId,
    agent: 'echo',
    status: 'running',
    createdAt: clock.now() - 60_000,
    startedAt: clock.now() - 60_000,
    lastHeartbeatAt: clock.now() - 30_000,
    timeoutMs: 900_000,
    lastSeq: 0,
    nodeId: 'node_gone',
  };
}

describe('DeadRunReaper', () => {
  let clock: FakeClock;
  let runtime: Runtime;
  let leases: StubLeases;
  let reachable: boolean;
  let held: Set<string>;
  let reaper: DeadRunReaper;

  beforeEach(async () => {
    clock = new FakeClock();
    runtime = createRuntime({ clock, nodeId: 'node_here' });
    await runtime.start();
    leases = new StubLeases();
    reachable = true;
    held = new Set();
    reaper = new DeadRunReaper({
      tracker: runtime.tracker,
      leases,
      store: runtime.runStore,
      log: runtime.events,
      publisher: runtime.publisher,
      clock,
      ttlMs: TTL,
      intervalMs: 2_500,
      reachable: async () => reachable,
      holds: (runId) => held.has(runId),
      onReaped: () => undefined,
      onError: () => undefined,
    });
  });

  afterEach(async () => {
    await reaper.close();
    await runtime.close();
  });

  it('claims nothing until the store has answered for a whole lease time, and starts over after an outage', async () => {
    await runtime.runStore.put(lostRun('run_x', clock));
    leases.expired = ['run_x'];
    assert.deepEqual(await reaper.reapNow(), []);
    await clock.advance(TTL - 1_000);
    assert.deepEqual(await reaper.reapNow(), []);
    reachable = false;
    await clock.advance(2_000);
    assert.deepEqual(await reaper.reapNow(), [], 'the store is away: every lease looks expired, none proves anything');
    reachable = true;
    await clock.advance(1_000);
    assert.deepEqual(await reaper.reapNow(), []);
    await clock.advance(TTL - 1);
    assert.deepEqual(await reaper.reapNow(), []);
    assert.deepEqual(leases.claims, []);
    await clock.advance(1);
    const ended = await reaper.reapNow();
    assert.deepEqual(
      ended.map((r) => [r.runId, r.status, r.error?.code]),
      [['run_x', 'dead', 'node_lost']],
    );
    assert.deepEqual(leases.claims, ['run_x']);
    await runtime.publisher.flush();
    const events = await runtime.events.readRun('alice', 'run_x');
    assert.deepEqual(
      events.map((e) => [e.type, 'status' in e ? e.status : '']),
      [['agent_error', 'dead']],
    );
  });

  it('never claims a run whose lease this node holds (its own renewal is late, it is not dead)', async () => {
    await clock.advance(TTL);
    await reaper.reapNow();
    await clock.advance(TTL);
    held.add('run_mine');
    leases.expired = ['run_mine'];
    assert.deepEqual(await reaper.reapNow(), []);
    assert.deepEqual(leases.claims, []);
  });

  it('ends a claimed run at a later round when its record could not be read at first', async () => {
    await runtime.runStore.put(lostRun('run_y', clock));
    const store = runtime.runStore;
    const get = store.get.bind(store);
    let failures = 1;
    store.get = async (runId) => {
      if (failures-- > 0) throw new Error('store unreachable');
      return get(runId);
    };
    await reaper.reapNow();
    await clock.advance(TTL);
    leases.expired = ['run_y'];
    assert.deepEqual(await reaper.reapNow(), [], 'claimed, but the record read failed');
    assert.deepEqual(leases.claims, ['run_y']);
    const ended = await reaper.reapNow();
    assert.deepEqual(
      ended.map((r) => r.runId),
      ['run_y'],
    );
    assert.deepEqual(leases.claims, ['run_y'], 'claimed once');
  });

  it('closes after its wait when a round hangs on a store that went away', async () => {
    await clock.advance(TTL);
    await reaper.reapNow();
    await clock.advance(TTL);
    leases.expiredLeases = () => new Promise<string[]>(() => undefined);
    const round = reaper.reapNow();
    let closed = false;
    const closing = reaper.close(1_000).then(() => {
      closed = true;
    });
    await clock.advance(999);
    assert.equal(closed, false, 'it waits for the round first');
    await clock.advance(1);
    await closing;
    assert.equal(closed, true);
    void round;
  });

  it('gives a run whose end its node logged before dying the record the log says, without a second end', async () => {
    const record = lostRun('run_z', clock);
    await runtime.runStore.put(record);
    await runtime.events.append({
      type: 'agent_completed',
      status: 'completed',
      finalResponse: 'done',
      durationMs: 5,
      runId: record.runId,
      threadId: record.threadId,
      userId: record.userId,
      agent: record.agent,
      ts: new Date(clock.now() - 1_000).toISOString(),
    });
    await reaper.reapNow();
    await clock.advance(TTL);
    leases.expired = ['run_z'];
    assert.deepEqual(await reaper.reapNow(), []);
    const stored = await runtime.runStore.get('run_z');
    assert.deepEqual([stored?.status, stored?.finalResponse, stored?.lastSeq], ['completed', 'done', 1]);
    assert.equal((await runtime.events.readRun('alice', 'run_z')).length, 1);
  });
});
