import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import {
  type AgentExecutionTracker,
  createRuntime,
  FakeClock,
  InvalidTransitionError,
  RUN_STATUSES,
  RUN_TRANSITIONS,
  RunNotFoundError,
  type RunRecord,
  type RunStatus,
  type Runtime,
  type RuntimeOptions,
} from '../../src/index.js';

/** A runtime on a fake clock, closed after the test; its timers are not started unless asked. */
function setup(
  t: TestContext,
  options: RuntimeOptions = {},
): { runtime: Runtime; tracker: AgentExecutionTracker; clock: FakeClock } {
  const clock = new FakeClock();
  const runtime = createRuntime({ clock, ...options });
  t.after(() => runtime.close());
  return { runtime, tracker: runtime.getExecutionTracker(), clock };
}

/** Legal paths from `pending` to each state. */
const PATH_TO: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  pending: [],
  starting: ['starting'],
  running: ['starting', 'running'],
  completing: ['starting', 'running', 'completing'],
  completed: ['starting', 'running', 'completing', 'completed'],
  failed: ['starting', 'running', 'failed'],
  timeout: ['starting', 'running', 'timeout'],
  dead: ['starting', 'running', 'dead'],
  cancelled: ['cancelled'],
};

function runIn(tracker: AgentExecutionTracker, status: RunStatus, userId = 'alice'): RunRecord {
  let record = tracker.create({
    userId: userId as RunRecord['userId'],
    agentName: 'echo',
    threadId: 'thr_states' as RunRecord['threadId'],
  });
  for (const step of PATH_TO[status]) record = tracker.transition(record.runId, step);
  assert.equal(record.status, status);
  return record;
}

function isRunNotFound(runId: string): (error: unknown) => true {
  return (error) => {
    assert.ok(error instanceof RunNotFoundError, `expected a RunNotFoundError, got ${String(error)}`);
    assert.equal(error.code, 'not_found');
    assert.equal(error.message, `Run '${runId}' was not found`);
    return true;
  };
}

const ILLEGAL_PAIRS: Array<[RunStatus, RunStatus]> = RUN_STATUSES.flatMap((from) =>
  RUN_STATUSES.filter((to) => !RUN_TRANSITIONS[from].includes(to)).map((to): [RunStatus, RunStatus] => [from, to]),
);

describe('run states and transitions', () => {
  it('has exactly the transitions of docs/protocol.md §3: the happy path, and every non-terminal state to an ending', () => {
    const endings = ['failed', 'timeout', 'dead', 'cancelled'];
    assert.deepEqual(RUN_TRANSITIONS, {
      pending: ['starting', ...endings],
      starting: ['running', ...endings],
      running: ['completing', ...endings],
      completing: ['completed', ...endings],
      completed: [],
      failed: [],
      timeout: [],
      dead: [],
      cancelled: [],
    });
    assert.equal(ILLEGAL_PAIRS.length, 81 - 20);
  });

  it('throws InvalidTransitionError for every illegal transition and leaves the run as it was', (t) => {
    const { tracker } = setup(t);
    for (const [from, to] of ILLEGAL_PAIRS) {
      const record = runIn(tracker, from);
      assert.throws(
        () => tracker.transition(record.runId, to),
        (error: unknown) => {
          assert.ok(error instanceof InvalidTransitionError, `${from} → ${to}: got ${String(error)}`);
          assert.equal(error.code, 'internal');
          assert.equal(error.message, `Run '${record.runId}' cannot go from '${from}' to '${to}'`);
          assert.equal(error.runId, record.runId);
          assert.equal(error.from, from);
          assert.equal(error.to, to);
          return true;
        },
      );
      assert.equal(tracker.get(record.runId)?.status, from, `${from} → ${to} changed the run`);
    }
  });

  it('allows every legal transition', (t) => {
    const { tracker } = setup(t);
    for (const from of RUN_STATUSES) {
      for (const to of RUN_TRANSITIONS[from]) {
        const record = runIn(tracker, from);
        assert.equal(tracker.transition(record.runId, to).status, to);
      }
    }
  });

  it('throws RunNotFoundError for an unknown run id and creates nothing', (t) => {
    const { tracker } = setup(t);
    const runId = 'run_unknown';
    const size = tracker.size;
    assert.throws(() => tracker.transition(runId, 'starting'), isRunNotFound(runId));
    assert.throws(() => tracker.transition(runId, 'cancelled'), isRunNotFound(runId));
    assert.throws(() => tracker.heartbeat(runId), isRunNotFound(runId));
    assert.throws(() => tracker.cancel(runId), isRunNotFound(runId));
    const scope = tracker.forUser('alice');
    assert.throws(() => scope.heartbeat(runId), isRunNotFound(runId));
    assert.throws(() => scope.cancel(runId), isRunNotFound(runId));
    assert.equal(tracker.get(runId), undefined);
    assert.equal(tracker.has(runId), false);
    assert.equal(tracker.size, size);
    assert.deepEqual(scope.getUserExecutions(), []);
    assert.deepEqual(tracker.stats().byState, Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])));
  });

  it('creates runs only through create(), as pending, with the timings of the clock', (t) => {
    const { tracker, clock } = setup(t, { runTimeout: '2m' });
    const now = clock.now();
    const record = tracker.create({
      userId: 'alice' as RunRecord['userId'],
      agentName: 'echo',
      threadId: 'thr_1' as RunRecord['threadId'],
    });
    assert.match(record.runId, /^run_[A-Za-z0-9_-]{22}$/);
    assert.equal(record.status, 'pending');
    assert.equal(record.createdAt, now);
    assert.equal(record.timeoutMs, 120_000);
    assert.equal(record.deadlineAt, undefined);
    const started = tracker.transition(record.runId, 'starting');
    assert.equal(started.startedAt, now);
    assert.equal(started.deadlineAt, now + 120_000);
  });

  it('records a heartbeat of a live run, and ignores (false) a heartbeat of an ended run', async (t) => {
    const { tracker, clock } = setup(t);
    const running = runIn(tracker, 'running');
    await clock.advance(5_000);
    assert.equal(tracker.heartbeat(running.runId), true);
    assert.equal(tracker.get(running.runId)?.lastHeartbeatAt, clock.now());
    const ended = runIn(tracker, 'completed');
    const endedAt = clock.now();
    await clock.advance(5_000);
    assert.equal(tracker.heartbeat(ended.runId), false);
    assert.equal(tracker.get(ended.runId)?.lastHeartbeatAt, endedAt);
    assert.equal(tracker.get(ended.runId)?.status, 'completed');
  });
});

describe('the sweeper', () => {
  it('marks a running run dead after more than 30 s without a heartbeat, not before', async (t) => {
    const { tracker, clock } = setup(t);
    const record = runIn(tracker, 'running');
    await clock.advance(30_000);
    assert.deepEqual(tracker.sweep(), []);
    await clock.advance(1);
    const [dead, ...rest] = tracker.sweep();
    assert.deepEqual(rest, []);
    assert.equal(dead?.runId, record.runId);
    assert.equal(dead?.status, 'dead');
    assert.deepEqual(dead?.error, {
      code: 'heartbeat_lost',
      message: `Run '${record.runId}' sent no heartbeat for 30001 ms (limit 30000 ms)`,
    });
    assert.equal(dead?.endedAt, clock.now());
  });

  it('keeps a heartbeating run alive and marks it timeout at its deadline', async (t) => {
    const { tracker, clock } = setup(t);
    const record = tracker.create({
      userId: 'alice' as RunRecord['userId'],
      agentName: 'echo',
      threadId: 'thr_1' as RunRecord['threadId'],
      timeoutMs: 95_000,
    });
    tracker.transition(record.runId, 'starting');
    tracker.transition(record.runId, 'running');
    for (let elapsed = 0; elapsed < 90_000; elapsed += 10_000) {
      await clock.advance(10_000);
      tracker.heartbeat(record.runId);
      assert.deepEqual(tracker.sweep(), []);
    }
    await clock.advance(4_999);
    assert.deepEqual(tracker.sweep(), []);
    await clock.advance(1);
    const ended = tracker.sweep();
    assert.equal(ended.length, 1);
    assert.equal(ended[0]?.status, 'timeout');
    assert.deepEqual(ended[0]?.error, {
      code: 'deadline_exceeded',
      message: `Run '${record.runId}' overran its deadline of 95000 ms`,
    });
  });

  it('never sweeps a pending run (it waits for its turn, it is not hung)', async (t) => {
    const { tracker, clock } = setup(t);
    const record = runIn(tracker, 'pending');
    await clock.advance(3_600_000);
    assert.deepEqual(tracker.sweep(), []);
    assert.equal(tracker.get(record.runId)?.status, 'pending');
  });

  it('runs on its interval once the runtime starts, and stops on close', async (t) => {
    const { runtime, tracker, clock } = setup(t, { sweepInterval: '1s' });
    await runtime.start();
    const record = runIn(tracker, 'starting');
    await clock.advance(30_999);
    assert.equal(tracker.get(record.runId)?.status, 'starting');
    await clock.advance(1);
    assert.equal(tracker.get(record.runId)?.status, 'dead');
    await runtime.close();
    assert.equal(clock.pendingTimers, 0);
  });
});

describe('retention of finished records', () => {
  it('keeps at most maxFinishedRecords finished records, dropping the oldest, and never an active one', async (t) => {
    const { tracker, clock } = setup(t, { maxFinishedRecords: 3 });
    const active = [runIn(tracker, 'pending'), runIn(tracker, 'running')];
    const finished: RunRecord[] = [];
    for (let i = 0; i < 5; i++) {
      finished.push(runIn(tracker, i % 2 === 0 ? 'completed' : 'cancelled'));
      await clock.advance(1_000);
    }
    assert.deepEqual(
      finished.map((r) => tracker.has(r.runId)),
      [false, false, true, true, true],
    );
    for (const r of active) assert.equal(tracker.has(r.runId), true);
    assert.equal(tracker.size, 5);
  });

  it('drops finished records older than finishedRecordTtl, at the next sweep', async (t) => {
    const { tracker, clock } = setup(t, { finishedRecordTtl: '1m' });
    const old = runIn(tracker, 'failed');
    await clock.advance(30_000);
    const newer = runIn(tracker, 'completed');
    const active = runIn(tracker, 'pending');
    await clock.advance(30_000);
    tracker.sweep();
    assert.equal(tracker.has(old.runId), true, 'exactly at the TTL a record is still kept');
    await clock.advance(1);
    tracker.sweep();
    assert.equal(tracker.has(old.runId), false);
    assert.equal(tracker.has(newer.runId), true);
    await clock.advance(30_000);
    tracker.sweep();
    assert.equal(tracker.has(newer.runId), false);
    assert.equal(tracker.has(active.runId), true);
    assert.deepEqual(
      tracker
        .forUser('alice')
        .getUserExecutions()
        .map((r) => r.runId),
      [active.runId],
    );
  });
});

describe('tracker counters', () => {
  it('counts records by state, ended runs by terminal state, and success and failure rates', (t) => {
    const { tracker } = setup(t);
    const empty = tracker.stats();
    assert.equal(empty.successRate, 0);
    assert.equal(empty.failureRate, 0);
    for (const status of [
      'completed',
      'completed',
      'completed',
      'failed',
      'timeout',
      'dead',
      'cancelled',
      'cancelled',
    ] as const) {
      runIn(tracker, status);
    }
    runIn(tracker, 'pending');
    runIn(tracker, 'running', 'bob');
    runIn(tracker, 'running', 'bob');
    const stats = tracker.stats();
    assert.deepEqual(stats.byState, {
      pending: 1,
      starting: 0,
      running: 2,
      completing: 0,
      completed: 3,
      failed: 1,
      timeout: 1,
      dead: 1,
      cancelled: 2,
    });
    assert.deepEqual(stats.ended, { completed: 3, failed: 1, timeout: 1, dead: 1, cancelled: 2 });
    assert.equal(stats.successRate, 3 / 8);
    assert.equal(stats.failureRate, 3 / 8);
  });

  it('keeps counting ended runs after their records are evicted', (t) => {
    const { tracker } = setup(t, { maxFinishedRecords: 1 });
    for (let i = 0; i < 4; i++) runIn(tracker, 'completed');
    runIn(tracker, 'dead');
    const stats = tracker.stats();
    assert.equal(tracker.size, 1);
    assert.deepEqual(stats.ended, { completed: 4, failed: 0, timeout: 0, dead: 1, cancelled: 0 });
    assert.equal(stats.successRate, 0.8);
    assert.equal(stats.failureRate, 0.2);
  });
});
