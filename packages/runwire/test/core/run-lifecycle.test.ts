import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { z } from 'zod';
import {
  CanonicalMessageRouter,
  MessageRouter as CompatMessageRouter,
  QualityMessageRouter,
} from '../../src/compat.js';
import {
  defineAgent,
  MessageRouter,
  RUN_STATUSES,
  RunEndedError,
  type RunEvent,
  type RuntimeOptions,
  ThreadBusyError,
  UserExecutionContext,
} from '../../src/index.js';
import { assertRunEventRules } from '../helpers/protocol-rules.js';
import { ackedRunId, ackedThreadId, Gates, type Harness, startHarness, typesOf } from './runtime-harness.js';

const ALICE = 'alice';
const BOB = 'bob';

async function harness(t: TestContext, options: RuntimeOptions = {}, gates = new Gates()): Promise<Harness> {
  const h = await startHarness([ALICE, BOB], options, gates);
  t.after(() => h.close());
  return h;
}

function only<T>(items: readonly T[], what: string): T {
  assert.equal(items.length, 1, `expected exactly one ${what}, got ${items.length}`);
  return items[0] as T;
}

function eventOf<K extends RunEvent['type']>(events: readonly RunEvent[], type: K): Extract<RunEvent, { type: K }> {
  return only(
    events.filter((e) => e.type === type),
    type,
  ) as Extract<RunEvent, { type: K }>;
}

describe('run lifecycle on a fake clock', () => {
  it('marks a silent run dead after the 30 s heartbeat timeout, with one agent_error to its owner only', async (t) => {
    const h = await harness(t);
    const runId = ackedRunId(await h.send(ALICE, { type: 'start_agent', id: 'r1', agent: 'silent', input: {} }));
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents(ALICE, runId)), ['agent_started']);
    await h.clock.advance(30_000);
    assert.equal(h.runtime.tracker.get(runId)?.status, 'running', 'not dead at exactly 30 s');
    await h.clock.advance(1_000);
    await h.idle();
    assert.equal(h.runtime.tracker.get(runId)?.status, 'dead');
    const events = h.runEvents(ALICE, runId);
    assert.deepEqual(typesOf(events), ['agent_started', 'agent_error']);
    const error = eventOf(events, 'agent_error');
    assert.equal(error.status, 'dead');
    assert.deepEqual(error.error, {
      code: 'heartbeat_lost',
      message: `Run '${runId}' sent no heartbeat for 31000 ms (limit 30000 ms)`,
    });
    assert.equal(error.durationMs, 31_000);
    assert.deepEqual(h.events(BOB), []);
    // Time goes on: nothing more is said about the run.
    await h.clock.advance(60_000);
    await h.idle();
    assert.equal(h.runEvents(ALICE, runId).length, 2);
    assertRunEventRules(h.events(ALICE), { firstSeq: 1 });
  });

  it('keeps an auto-heartbeating run alive past 30 s', async (t) => {
    const h = await harness(t);
    const runId = ackedRunId(await h.send(ALICE, { type: 'start_agent', agent: 'gate', input: { key: 'long' } }));
    await h.clock.advance(120_000);
    assert.equal(h.runtime.tracker.get(runId)?.status, 'running');
    h.gates.open('long');
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents(ALICE, runId)), ['agent_started', 'agent_completed']);
    assert.equal(eventOf(h.runEvents(ALICE, runId), 'agent_completed').finalResponse, 'opened long');
  });

  it('marks an overrunning run timeout at its deadline, with one agent_error to its owner only', async (t) => {
    const h = await harness(t);
    const runId = ackedRunId(await h.send(ALICE, { type: 'start_agent', agent: 'overrun', input: {} }));
    await h.idle();
    await h.clock.advance(4_999);
    assert.equal(h.runtime.tracker.get(runId)?.status, 'running');
    await h.clock.advance(1);
    await h.idle();
    const events = h.runEvents(ALICE, runId);
    assert.deepEqual(typesOf(events), ['agent_started', 'agent_error']);
    const error = eventOf(events, 'agent_error');
    assert.equal(error.status, 'timeout');
    assert.deepEqual(error.error, {
      code: 'deadline_exceeded',
      message: `Run '${runId}' overran its deadline of 5000 ms`,
    });
    assert.equal(error.durationMs, 5_000);
    assert.deepEqual(h.events(BOB), []);
    await h.clock.advance(120_000);
    await h.idle();
    assert.equal(h.runEvents(ALICE, runId).length, 2);
    assertRunEventRules(h.events(ALICE), { firstSeq: 1 });
  });

  it('closes the open tool call of a cancelled run before its agent_cancelled', async (t) => {
    const h = await harness(t);
    const runId = ackedRunId(await h.send(ALICE, { type: 'start_agent', agent: 'tool_hang', input: {} }));
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents(ALICE, runId)), ['agent_started', 'tool_executing']);
    await h.clock.advance(2_000);
    const reply = await h.send(ALICE, { type: 'stop_agent', id: 's1', runId });
    assert.deepEqual(reply, { type: 'ack', id: 's1', runId, status: 'cancelled' });
    await h.idle();
    const events = h.runEvents(ALICE, runId);
    assert.deepEqual(typesOf(events), ['agent_started', 'tool_executing', 'tool_completed', 'agent_cancelled']);
    const executing = eventOf(events, 'tool_executing');
    const completed = eventOf(events, 'tool_completed');
    assert.equal(completed.toolCallId, executing.toolCallId);
    assert.equal(completed.toolName, 'hang');
    assert.equal(completed.success, false);
    assert.equal(completed.results, null);
    assert.equal(completed.durationMs, 2_000);
    assert.deepEqual(completed.error, {
      code: 'run_ended',
      message: 'The run ended (cancelled) before the tool finished',
    });
    const cancelled = eventOf(events, 'agent_cancelled');
    assert.equal(cancelled.reason, 'user');
    assert.equal(cancelled.status, 'cancelled');
    // Stopping again is idempotent and says nothing more.
    assert.deepEqual(await h.send(ALICE, { type: 'stop_agent', id: 's2', runId }), {
      type: 'ack',
      id: 's2',
      runId,
      status: 'cancelled',
    });
    await h.idle();
    assert.equal(h.runEvents(ALICE, runId).length, 4);
    assert.deepEqual(h.events(BOB), []);
    assertRunEventRules(h.events(ALICE), { firstSeq: 1 });
  });

  it('starts or announces a run stopped on the very turn it was accepted, so its events begin as rule 1 says', async (t) => {
    const h = await harness(t, { scheduler: { maxConcurrentRunsPerUser: 1 } });
    const first = h.send(ALICE, { type: 'start_agent', agent: 'gate', input: { key: 'one' } });
    const second = h.send(ALICE, { type: 'start_agent', agent: 'gate', input: { key: 'two' } });
    const [firstId, secondId] = [ackedRunId(await first), ackedRunId(await second)];
    // No turn has passed: neither run has been dispatched yet when the stops arrive.
    assert.deepEqual(await h.send(ALICE, { type: 'stop_agent', runId: secondId }), {
      type: 'ack',
      runId: secondId,
      status: 'cancelled',
    });
    assert.deepEqual(await h.send(ALICE, { type: 'stop_agent', runId: firstId }), {
      type: 'ack',
      runId: firstId,
      status: 'cancelled',
    });
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents(ALICE, firstId)), ['agent_started', 'agent_cancelled']);
    assert.deepEqual(typesOf(h.runEvents(ALICE, secondId)), ['run_queued', 'agent_cancelled']);
    assertRunEventRules(h.events(ALICE), { firstSeq: 1 });
  });

  it("applies the same order when the run is cancelled through the owner's tracker scope", async (t) => {
    const h = await harness(t, { scheduler: { maxConcurrentRunsPerUser: 1 } });
    const first = ackedRunId(await h.send(ALICE, { type: 'start_agent', agent: 'gate', input: { key: 'one' } }));
    const second = ackedRunId(await h.send(ALICE, { type: 'start_agent', agent: 'gate', input: { key: 'two' } }));
    const scope = h.runtime.getExecutionTracker({ userId: ALICE });
    assert.equal(scope.cancel(second).status, 'cancelled');
    assert.equal(scope.cancel(first).status, 'cancelled');
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents(ALICE, first)), ['agent_started', 'agent_cancelled']);
    assert.deepEqual(typesOf(h.runEvents(ALICE, second)), ['run_queued', 'agent_cancelled']);
    assertRunEventRules(h.events(ALICE), { firstSeq: 1 });
  });

  it('shuts down cleanly with a run accepted on the same turn: it starts, then ends cancelled (shutdown)', async (t) => {
    const h = await harness(t);
    const runId = ackedRunId(await h.send(ALICE, { type: 'start_agent', agent: 'gate', input: { key: 'late' } }));
    await h.runtime.close();
    await h.idle();
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(h.runtime.tracker.get(runId)?.status, 'cancelled');
    const events = h.runEvents(ALICE, runId);
    assert.deepEqual(typesOf(events), ['agent_started', 'agent_cancelled']);
    assert.equal(eventOf(events, 'agent_cancelled').reason, 'shutdown');
    assertRunEventRules(h.events(ALICE), { firstSeq: 1 });
  });

  it('rejects the pending sleep of a stopped run with RunEndedError, made without a stack trace', async (t) => {
    let seen: unknown;
    const h = await harness(t, {
      agents: [
        defineAgent({
          name: 'sleeper',
          description: 'Test: sleeps for a minute and keeps what the sleep rejected with',
          input: z.strictObject({}),
          async run(_input, ctx) {
            try {
              await ctx.sleep(60_000);
            } catch (error) {
              seen = error;
              throw error;
            }
            return 'woke';
          },
        }),
      ],
    });
    const stackTraceLimit = Error.stackTraceLimit;
    const runId = ackedRunId(await h.send(ALICE, { type: 'start_agent', agent: 'sleeper', input: {} }));
    await h.idle();
    await h.send(ALICE, { type: 'stop_agent', runId });
    await h.idle();
    assert.ok(seen instanceof RunEndedError, `expected a RunEndedError, got ${String(seen)}`);
    assert.equal(seen.code, 'run_ended');
    assert.equal(seen.message, `Run '${runId}' has ended (it is 'cancelled'); stop working on it`);
    assert.equal(seen.stack, `RunEndedError: ${seen.message}`);
    assert.equal(Error.stackTraceLimit, stackTraceLimit);
    assert.deepEqual(typesOf(h.runEvents(ALICE, runId)), ['agent_started', 'agent_cancelled']);
  });

  it("answers another user's stop_agent and get_run with not_found and leaves the run alone", async (t) => {
    const h = await harness(t);
    const runId = ackedRunId(await h.send(ALICE, { type: 'start_agent', agent: 'gate', input: { key: 'mine' } }));
    await h.idle();
    const notFound = { code: 'not_found', message: `Run '${runId}' was not found` };
    assert.deepEqual(await h.send(BOB, { type: 'stop_agent', id: 'x', runId }), {
      type: 'error',
      id: 'x',
      ...notFound,
    });
    assert.deepEqual(await h.send(BOB, { type: 'get_run', id: 'y', runId }), { type: 'error', id: 'y', ...notFound });
    assert.deepEqual(await h.send(BOB, { type: 'list_runs', id: 'z' }), { type: 'runs', id: 'z', runs: [] });
    assert.equal(h.runtime.tracker.get(runId)?.status, 'running');
    h.gates.open('mine');
    await h.idle();
    assert.deepEqual(h.events(BOB), []);
    assertRunEventRules(h.events(ALICE), { firstSeq: 1 });
  });
});

describe('scheduling', () => {
  it('queues a run on a busy thread (enqueue) with run_queued thread_busy, and starts it when the thread frees', async (t) => {
    const h = await harness(t);
    const first = await h.send(ALICE, { type: 'start_agent', agent: 'gate', input: { key: 'first' } });
    const threadId = ackedThreadId(first);
    const secondId = ackedRunId(
      await h.send(ALICE, { type: 'start_agent', agent: 'gate', input: { key: 'second' }, threadId }),
    );
    await h.idle();
    const queued = eventOf(h.runEvents(ALICE, secondId), 'run_queued');
    assert.equal(queued.reason, 'thread_busy');
    assert.equal(queued.position, 1);
    assert.equal(queued.status, 'pending');
    h.gates.open('second');
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents(ALICE, secondId)), ['run_queued'], 'waits even when its own work could go');
    h.gates.open('first');
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents(ALICE, secondId)), ['run_queued', 'agent_started', 'agent_completed']);
    assert.deepEqual(typesOf(h.events(ALICE)), [
      'agent_started',
      'run_queued',
      'agent_completed',
      'agent_started',
      'agent_completed',
    ]);
    assertRunEventRules(h.events(ALICE), { firstSeq: 1 });
  });

  it('refuses a run on a busy thread (reject) with thread_busy', async (t) => {
    const h = await harness(t, { scheduler: { threadPolicy: 'reject' } });
    const threadId = ackedThreadId(await h.send(ALICE, { type: 'start_agent', agent: 'gate', input: { key: 'a' } }));
    const message = `Thread '${threadId}' already has a run in progress; wait for it or stop it first`;
    assert.deepEqual(
      await h.send(ALICE, { type: 'start_agent', id: 'busy', agent: 'gate', input: { key: 'b' }, threadId }),
      { type: 'error', id: 'busy', code: 'thread_busy', message },
    );
    assert.throws(
      () =>
        h.runtime.runs.start(UserExecutionContext.create({ userId: ALICE }), {
          agent: 'gate',
          input: { kind: 'input', value: { key: 'c' } },
          threadId,
        }),
      (error: unknown) => {
        assert.ok(error instanceof ThreadBusyError);
        assert.equal(error.code, 'thread_busy');
        assert.equal(error.message, message);
        return true;
      },
    );
    // The same thread id of another user is another thread.
    ackedRunId(await h.send(BOB, { type: 'start_agent', agent: 'gate', input: { key: 'bob' }, threadId }));
    h.gates.open('a');
    await h.idle();
    // Once the thread is free it accepts a run again.
    ackedRunId(await h.send(ALICE, { type: 'start_agent', agent: 'gate', input: { key: 'a' }, threadId }));
    await h.idle();
    assert.equal(h.runtime.tracker.forUser(ALICE).getUserExecutions().length, 2);
    assertRunEventRules(h.events(ALICE), { firstSeq: 1 });
  });

  it('interrupts the running run of a thread (interrupt): agent_cancelled interrupted, then the new run starts', async (t) => {
    const h = await harness(t, { scheduler: { threadPolicy: 'interrupt' } });
    const first = await h.send(ALICE, { type: 'start_agent', agent: 'tool_hang', input: {} });
    const oldId = ackedRunId(first);
    await h.idle();
    const newId = ackedRunId(
      await h.send(ALICE, {
        type: 'start_agent',
        agent: 'gate',
        input: { key: 'new' },
        threadId: ackedThreadId(first),
      }),
    );
    await h.idle();
    const oldEvents = h.runEvents(ALICE, oldId);
    assert.deepEqual(typesOf(oldEvents), ['agent_started', 'tool_executing', 'tool_completed', 'agent_cancelled']);
    assert.equal(eventOf(oldEvents, 'agent_cancelled').reason, 'interrupted');
    assert.deepEqual(typesOf(h.runEvents(ALICE, newId)), ['agent_started']);
    const cancelledSeq = eventOf(oldEvents, 'agent_cancelled').seq;
    assert.ok(eventOf(h.runEvents(ALICE, newId), 'agent_started').seq > cancelledSeq);
    h.gates.open('new');
    await h.idle();
    assertRunEventRules(h.events(ALICE), { firstSeq: 1 });
  });

  it('interrupts runs accepted on the same turn in order, each ending as rule 1 says', async (t) => {
    const h = await harness(t, { scheduler: { threadPolicy: 'interrupt' } });
    const first = await h.send(ALICE, { type: 'start_agent', agent: 'gate', input: { key: 'i1' } });
    const threadId = ackedThreadId(first);
    const second = h.send(ALICE, { type: 'start_agent', agent: 'gate', input: { key: 'i2' }, threadId });
    const third = h.send(ALICE, { type: 'start_agent', agent: 'gate', input: { key: 'i3' }, threadId });
    const ids = [ackedRunId(first), ackedRunId(await second), ackedRunId(await third)];
    await h.idle();
    assert.deepEqual(
      ids.map((id) => h.runtime.tracker.get(id)?.status),
      ['cancelled', 'cancelled', 'running'],
    );
    for (const id of ids.slice(0, 2)) {
      assert.equal(eventOf(h.runEvents(ALICE, id), 'agent_cancelled').reason, 'interrupted');
    }
    h.gates.open('i3');
    await h.idle();
    assertRunEventRules(h.events(ALICE), { firstSeq: 1 });
  });

  it('queues the 5th run of a user with reason user_concurrency at position 1', async (t) => {
    const h = await harness(t);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push(ackedRunId(await h.send(ALICE, { type: 'start_agent', agent: 'gate', input: { key: `k${i}` } })));
    }
    await h.idle();
    for (const id of ids.slice(0, 4)) assert.deepEqual(typesOf(h.runEvents(ALICE, id)), ['agent_started']);
    const fifth = eventOf(h.runEvents(ALICE, ids[4] as string), 'run_queued');
    assert.equal(fifth.reason, 'user_concurrency');
    assert.equal(fifth.position, 1);
    assert.equal(eventOf(h.runEvents(ALICE, ids[5] as string), 'run_queued').position, 2);
    h.gates.open('k0');
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents(ALICE, ids[4] as string)), ['run_queued', 'agent_started']);
    assert.deepEqual(typesOf(h.runEvents(ALICE, ids[5] as string)), ['run_queued']);
    for (let i = 1; i < 6; i++) h.gates.open(`k${i}`);
    await h.idle();
    assertRunEventRules(h.events(ALICE), { firstSeq: 1 });
  });

  it('refuses a run with too_many_runs when the user queue is full', async (t) => {
    const h = await harness(t, { scheduler: { maxConcurrentRunsPerUser: 1, maxQueuedRunsPerUser: 2 } });
    for (let i = 0; i < 3; i++) {
      ackedRunId(await h.send(ALICE, { type: 'start_agent', agent: 'gate', input: { key: `q${i}` } }));
    }
    await h.idle();
    assert.deepEqual(await h.send(ALICE, { type: 'start_agent', id: 'full', agent: 'gate', input: { key: 'q3' } }), {
      type: 'error',
      id: 'full',
      code: 'too_many_runs',
      message: 'Too many waiting runs (at most 2); wait for some to finish',
      details: { limit: 2 },
    });
    // Another user's queue is not affected.
    ackedRunId(await h.send(BOB, { type: 'start_agent', agent: 'gate', input: { key: 'bob' } }));
    await h.idle();
    assert.equal(h.runtime.tracker.forUser(ALICE).getUserExecutions().length, 3);
    for (const key of ['q0', 'q1', 'q2', 'bob']) h.gates.open(key);
    await h.idle();
    assertRunEventRules([...h.events(ALICE), ...h.events(BOB)], { firstSeq: 1 });
  });

  it("starts user B's single run at once while user A has 20 runs waiting", async (t) => {
    const h = await harness(t);
    const aIds: string[] = [];
    for (let i = 0; i < 20; i++) {
      aIds.push(ackedRunId(await h.send(ALICE, { type: 'start_agent', agent: 'gate', input: { key: `a${i}` } })));
    }
    await h.idle();
    const bId = ackedRunId(await h.send(BOB, { type: 'start_agent', agent: 'gate', input: { key: 'b' } }));
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents(BOB, bId)), ['agent_started']);
    const started = aIds.filter((id) => h.runtime.tracker.get(id)?.status === 'running');
    assert.deepEqual(started, aIds.slice(0, 4));
    assert.equal(h.runtime.scheduler.waitingCount, 16);
    for (let i = 0; i < 20; i++) h.gates.open(`a${i}`);
    h.gates.open('b');
    await h.idle();
    assert.equal(h.runtime.scheduler.waitingCount, 0);
    assertRunEventRules([...h.events(ALICE), ...h.events(BOB)], { firstSeq: 1 });
  });

  it("gives a freed node slot to user B's waiting run before user A's next one (round-robin)", async (t) => {
    const h = await harness(t, { scheduler: { maxConcurrentRuns: 2 } });
    const aIds: string[] = [];
    for (let i = 0; i < 20; i++) {
      aIds.push(ackedRunId(await h.send(ALICE, { type: 'start_agent', agent: 'gate', input: { key: `a${i}` } })));
    }
    await h.idle();
    const bId = ackedRunId(await h.send(BOB, { type: 'start_agent', agent: 'gate', input: { key: 'b' } }));
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents(BOB, bId)), ['run_queued']);
    h.gates.open('a0');
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents(BOB, bId)), ['run_queued', 'agent_started']);
    assert.equal(h.runtime.tracker.get(aIds[2] as string)?.status, 'pending');
    for (let i = 0; i < 20; i++) h.gates.open(`a${i}`);
    h.gates.open('b');
    for (let i = 0; i < 12; i++) await h.idle();
    assert.equal(h.runtime.scheduler.waitingCount, 0);
    assertRunEventRules([...h.events(ALICE), ...h.events(BOB)], { firstSeq: 1 });
  });
});

describe('the message router', () => {
  it('answers an unknown type with unknown_type, never a silent ack', async (t) => {
    const h = await harness(t);
    const reply = await h.send(ALICE, { type: 'launch_missiles', id: 'm1' });
    assert.deepEqual(reply, {
      type: 'error',
      id: 'm1',
      code: 'unknown_type',
      message: "Unknown frame type 'launch_missiles'",
      details: { known: h.runtime.router.types() },
    });
    assert.deepEqual(h.runtime.router.types(), [
      'generate_quality_report',
      'get_quality_metrics',
      'get_run',
      'get_thread',
      'list_runs',
      'list_threads',
      'ping',
      'resume',
      'start_agent',
      'stop_agent',
      'subscribe_quality_alerts',
      'user_message',
      'validate_content',
    ]);
  });

  it('answers text that is not JSON with bad_json', async (t) => {
    const h = await harness(t);
    assert.deepEqual(await h.send(ALICE, '{"type":"ping",'), {
      type: 'error',
      code: 'bad_json',
      message: 'The frame is not valid JSON',
    });
    assert.deepEqual(await h.send(ALICE, '[1,2]'), {
      type: 'error',
      code: 'bad_request',
      message: 'A frame must be a JSON object with a string "type"',
      details: { issues: [{ path: '', message: 'expected an object' }] },
    });
    assert.deepEqual(await h.send(ALICE, { id: 'n' }), {
      type: 'error',
      id: 'n',
      code: 'bad_request',
      message: 'A frame must have a string "type"',
      details: { issues: [{ path: 'type', message: 'required string' }] },
    });
  });

  it('answers a schema violation with bad_request listing each failed field in details.issues', async (t) => {
    const h = await harness(t);
    assert.deepEqual(await h.send(ALICE, { type: 'start_agent', id: 'b1', input: {} }), {
      type: 'error',
      id: 'b1',
      code: 'bad_request',
      message: "Invalid 'start_agent' frame",
      details: { issues: [{ path: 'agent', message: 'Invalid input: expected string, received undefined' }] },
    });
    assert.deepEqual(await h.send(ALICE, { type: 'list_runs', id: 'b2', limit: 0, status: 'sleeping' }), {
      type: 'error',
      id: 'b2',
      code: 'bad_request',
      message: "Invalid 'list_runs' frame",
      details: {
        issues: [
          {
            path: 'status',
            message:
              'Invalid option: expected one of "pending"|"starting"|"running"|"completing"|"completed"|"failed"|"timeout"|"dead"|"cancelled"',
          },
          { path: 'limit', message: 'Too small: expected number to be >=1' },
        ],
      },
    });
    const reply = await h.send(ALICE, {
      type: 'start_agent',
      id: 'b3',
      agent: 'echo',
      input: { text: 'x', steps: 500 },
    });
    assert.deepEqual(reply, {
      type: 'error',
      id: 'b3',
      code: 'bad_request',
      message: "Invalid input for agent 'echo'",
      details: { issues: [{ path: 'input.steps', message: 'Too big: expected number to be <=100' }] },
    });
  });

  it('rejects unknown fields with bad_request', async (t) => {
    const h = await harness(t);
    assert.deepEqual(await h.send(ALICE, { type: 'ping', id: 'u1', extra: true, more: 1 }), {
      type: 'error',
      id: 'u1',
      code: 'bad_request',
      message: "Invalid 'ping' frame",
      details: { issues: [{ path: '', message: 'unknown field(s): extra, more' }] },
    });
    assert.deepEqual(h.runtime.tracker.forUser(ALICE).getUserExecutions(), []);
    assert.equal(
      (await h.send(ALICE, { type: 'user_message', id: 'u2', content: 'hi', userId: BOB }))?.type,
      'error',
      'a frame cannot name another user',
    );
  });

  it('answers ping with pong carrying the request id and the clock time', async (t) => {
    const h = await harness(t);
    assert.deepEqual(await h.send(ALICE, { type: 'ping', id: 'p1' }), {
      type: 'pong',
      id: 'p1',
      ts: new Date(h.clock.now()).toISOString(),
    });
    assert.deepEqual(await h.send(ALICE, { type: 'ping' }), {
      type: 'pong',
      ts: new Date(h.clock.now()).toISOString(),
    });
  });

  it('counts dispatches and errors per frame type', async (t) => {
    const h = await harness(t);
    await h.send(ALICE, { type: 'ping' });
    await h.send(ALICE, { type: 'ping', bad: 1 });
    await h.send(ALICE, 'nope');
    const stats = h.runtime.router.stats();
    assert.equal(stats.get('ping')?.count, 2);
    assert.equal(stats.get('ping')?.errors, 1);
    assert.equal(stats.get('invalid')?.count, 1);
    assert.equal(
      stats.get('ping')?.buckets.reduce((a, b) => a + b, 0),
      2,
    );
  });

  it('exports one router class under every compat name (runwire/compat)', async (t) => {
    const h = await harness(t);
    assert.equal(QualityMessageRouter, MessageRouter);
    assert.equal(CanonicalMessageRouter, MessageRouter);
    assert.equal(CompatMessageRouter, MessageRouter);
    assert.ok(h.runtime.router instanceof QualityMessageRouter);
    assert.equal(Object.getPrototypeOf(h.runtime.router), MessageRouter.prototype);
  });
});

describe('built-in agents and tools', () => {
  it("lets a running run call my_runs after cleanupUserData released its user's scope", async (t) => {
    const gates = new Gates();
    const h = await harness(
      t,
      {
        agents: [
          defineAgent({
            name: 'stats_later',
            description: 'Test: waits for its gate, then reads the caller run statistics',
            input: z.strictObject({}),
            async run(_input, ctx) {
              await gates.wait('stats', ctx.signal);
              const stats = await ctx.callTool<{ total: number }>('my_runs', {});
              return `total ${stats.total}`;
            },
          }),
        ],
      },
      gates,
    );
    ackedRunId(await h.send(ALICE, { type: 'start_agent', agent: 'echo', input: { text: 'x', steps: 0 } }));
    const runId = ackedRunId(await h.send(ALICE, { type: 'start_agent', agent: 'stats_later', input: {} }));
    await h.idle();
    assert.deepEqual(h.runtime.tracker.cleanupUserData(ALICE), { removed: 1, kept: 1 });
    h.gates.open('stats');
    await h.idle();
    const events = h.runEvents(ALICE, runId);
    assert.deepEqual(eventOf(events, 'tool_completed').results, {
      total: 1,
      byStatus: { ...Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])), running: 1 },
      byAgent: { stats_later: 1 },
      averageDurationMs: null,
    });
    assert.equal(eventOf(events, 'agent_completed').finalResponse, 'total 1');
  });

  it("answers 'what is 2+3*4' through the supervisor with the calculator: 14", async (t) => {
    const h = await harness(t);
    const runId = ackedRunId(await h.send(ALICE, { type: 'user_message', id: 'q', content: 'what is 2+3*4' }));
    await h.idle();
    const events = h.runEvents(ALICE, runId);
    assert.equal(events[0]?.type, 'agent_started');
    assert.equal(events[0]?.agent, 'supervisor');
    const executing = eventOf(events, 'tool_executing');
    assert.equal(executing.toolName, 'calculator');
    assert.deepEqual(executing.parameters, { expression: '2+3*4' });
    const completed = eventOf(events, 'tool_completed');
    assert.equal(completed.success, true);
    assert.deepEqual(completed.results, { expression: '2+3*4', value: 14, text: '14' });
    const done = eventOf(events, 'agent_completed');
    assert.match(done.finalResponse, /\b14\b/);
    assert.equal(done.finalResponse, '2+3*4 = 14');
    const partials = events.filter((e) => e.type === 'partial_result').map((e) => e.delta);
    assert.equal(partials.join(''), done.finalResponse);
    assertRunEventRules(h.events(ALICE), { firstSeq: 1 });
  });

  it("reports only the caller's own runs through my_runs", async (t) => {
    const h = await harness(t);
    for (let i = 0; i < 3; i++) {
      ackedRunId(await h.send(BOB, { type: 'start_agent', agent: 'echo', input: { text: 'b', steps: 0 } }));
    }
    ackedRunId(await h.send(ALICE, { type: 'start_agent', agent: 'echo', input: { text: 'a', steps: 1 } }));
    await h.idle();
    const runId = ackedRunId(await h.send(ALICE, { type: 'user_message', content: 'show my runs' }));
    await h.idle();
    const events = h.runEvents(ALICE, runId);
    const executing = eventOf(events, 'tool_executing');
    assert.equal(executing.toolName, 'my_runs');
    const results = eventOf(events, 'tool_completed').results as {
      total: number;
      byStatus: Record<string, number>;
      byAgent: Record<string, number>;
    };
    assert.equal(results.total, 2);
    assert.deepEqual(results.byAgent, { echo: 1, supervisor: 1 });
    assert.equal(results.byStatus.completed, 1);
    assert.equal(results.byStatus.running, 1);
    assert.match(
      eventOf(events, 'agent_completed').finalResponse,
      /^You have 2 runs on record \(1 running, 1 completed\)$/,
    );
    assertRunEventRules(h.events(ALICE), { firstSeq: 1 });
    assertRunEventRules(h.events(BOB), { firstSeq: 1 });
  });

  it('runs the echo agent as docs/protocol.md §8 says: steps thinking events, one clock call, the text back', async (t) => {
    const h = await harness(t);
    const runId = ackedRunId(
      await h.send(ALICE, { type: 'start_agent', agent: 'echo', input: { text: 'hello', steps: 2, delayMs: 500 } }),
    );
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents(ALICE, runId)), ['agent_started']);
    await h.clock.advance(500);
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents(ALICE, runId)), ['agent_started', 'agent_thinking']);
    await h.clock.advance(500);
    await h.idle();
    const events = h.runEvents(ALICE, runId);
    assert.deepEqual(typesOf(events), [
      'agent_started',
      'agent_thinking',
      'agent_thinking',
      'tool_executing',
      'tool_completed',
      'agent_completed',
    ]);
    assert.deepEqual(
      events.filter((e) => e.type === 'agent_thinking').map((e) => [e.step, e.reasoning]),
      [
        [1, 'Echo step 1 of 2'],
        [2, 'Echo step 2 of 2'],
      ],
    );
    assert.equal(eventOf(events, 'tool_completed').toolName, 'clock');
    assert.equal(eventOf(events, 'agent_completed').finalResponse, 'hello');
    assert.equal(eventOf(events, 'agent_completed').durationMs, 1_000);
  });
});
