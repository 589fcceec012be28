import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FakeClock } from '../../src/clock.js';
import type { RunEvent, UnsequencedRunEvent } from '../../src/protocol/run-events.js';
import { DEFAULT_EVENT_RETENTION, type EventLog, type EventRetention } from '../../src/stores/event-log.js';

/** What an implementation hands the suite: a fresh, empty log on the given clock and retention. */
export interface EventLogHarness {
  readonly log: EventLog;
  /** Closes the log (if the test did not) and removes what it left (files, keys). */
  cleanup(): Promise<void>;
  /** Durable logs: closes the log and opens a new one on the same data (same clock and retention). */
  reopen?(): Promise<EventLog>;
}

export interface EventLogHarnessOptions {
  readonly clock: FakeClock;
  readonly retention: EventRetention;
}

/** A `partial_result` of `userId` whose `delta` names it, so tests can tell events apart. */
function partial(clock: FakeClock, userId: string, delta: string, runId = `run_${userId}`): UnsequencedRunEvent {
  return {
    type: 'partial_result',
    runId,
    threadId: `thr_${userId}`,
    userId,
    agent: 'echo',
    ts: new Date(clock.now()).toISOString(),
    delta,
  };
}

/** One event of every type, with nested JSON where the type has it. */
function oneOfEachType(clock: FakeClock, userId: string): UnsequencedRunEvent[] {
  const base = {
    runId: 'run_all',
    threadId: 'thr_all',
    userId,
    agent: 'supervisor',
    ts: new Date(clock.now()).toISOString(),
  };
  return [
    { ...base, type: 'run_queued', status: 'pending', reason: 'user_concurrency', position: 2 },
    { ...base, type: 'agent_started', status: 'running' },
    { ...base, type: 'agent_thinking', reasoning: 'Thinking about "quotes", ünïcödé and\nnew lines', step: 1 },
    {
      ...base,
      type: 'tool_executing',
      toolCallId: 'call_1',
      toolName: 'calculator',
      parameters: { expression: '1 + 2', options: { precision: 3, flags: [true, false, null] } },
    },
    {
      ...base,
      type: 'tool_completed',
      toolCallId: 'call_1',
      toolName: 'calculator',
      success: true,
      results: { value: 3, history: [1, 2.5, 'x'] },
      durationMs: 4,
    },
    {
      ...base,
      type: 'tool_completed',
      toolCallId: 'call_2',
      toolName: 'clock',
      success: false,
      results: null,
      durationMs: 0,
      error: { code: 'tool_failed', message: 'no clock' },
    },
    { ...base, type: 'partial_result', delta: '' },
    { ...base, type: 'agent_completed', status: 'completed', finalResponse: 'The answer is 3.', durationMs: 12 },
    {
      ...base,
      runId: 'run_err',
      type: 'agent_error',
      status: 'dead',
      error: { code: 'node_restarted', message: 'The server restarted' },
      durationMs: 7,
    },
    { ...base, runId: 'run_cancel', type: 'agent_cancelled', status: 'cancelled', reason: 'shutdown', durationMs: 0 },
  ];
}

function seqs(events: readonly RunEvent[]): number[] {
  return events.map((e) => e.seq);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

/**
 * The `EventLog` contract, run against one implementation. Every implementation (memory, SQLite, Redis) calls this
 * from its own test file with a factory of fresh, empty logs.
 */
export function eventLogConformance(
  name: string,
  make: (options: EventLogHarnessOptions) => Promise<EventLogHarness>,
): void {
  describe(`EventLog conformance: ${name}`, () => {
    let clock: FakeClock;
    let harness: EventLogHarness | undefined;

    beforeEach(() => {
      clock = new FakeClock();
    });

    afterEach(async () => {
      await harness?.cleanup();
      harness = undefined;
    });

    async function open(retention: EventRetention = DEFAULT_EVENT_RETENTION): Promise<EventLog> {
      harness = await make({ clock, retention });
      return harness.log;
    }

    async function appendAll(log: EventLog, events: readonly UnsequencedRunEvent[]): Promise<RunEvent[]> {
      const out: RunEvent[] = [];
      for (const event of events) out.push(await log.append(event));
      return out;
    }

    describe('append', () => {
      it("assigns 1, 2, 3 to a user's first appends and returns each event with its seq", async () => {
        const log = await open();
        const events = ['a', 'b', 'c'].map((d) => partial(clock, 'user_a', d));
        const appended = await appendAll(log, events);
        assert.deepEqual(
          appended,
          events.map((e, i) => ({ ...e, seq: i + 1 })),
        );
        assert.deepEqual(await log.read('user_a', 0), appended);
      });

      it("numbers each user's events on its own", async () => {
        const log = await open();
        const order = ['user_a', 'user_b', 'user_a', 'user_c', 'user_b', 'user_a'];
        const appended = await appendAll(
          log,
          order.map((u, i) => partial(clock, u, `#${i}`)),
        );
        assert.deepEqual(seqs(appended), [1, 1, 2, 1, 2, 3]);
        assert.deepEqual(seqs(await log.read('user_a', 0)), [1, 2, 3]);
        assert.deepEqual(seqs(await log.read('user_b', 0)), [1, 2]);
        assert.deepEqual(seqs(await log.read('user_c', 0)), [1]);
      });

      it('gives gap-free seqs in call order to 200 concurrent appends across 5 users', async () => {
        const log = await open();
        const users = ['user_1', 'user_2', 'user_3', 'user_4', 'user_5'];
        const calls = Array.from({ length: 200 }, (_, i) => {
          // An irregular interleaving of users, so no user's calls are evenly spaced.
          const user = users[(i * 7 + Math.floor(i / 3)) % users.length] as string;
          return partial(clock, user, `call ${i}`);
        });
        const appended = await Promise.all(calls.map((e) => log.append(e)));
        for (const user of users) {
          const mine = calls.filter((e) => e.userId === user);
          const returned = appended.filter((e) => e.userId === user);
          assert.deepEqual(
            returned.map((e) => [e.seq, e.type === 'partial_result' ? e.delta : '']),
            mine.map((e, k) => [k + 1, e.type === 'partial_result' ? e.delta : '']),
            `${user}: seqs follow call order`,
          );
          const read = await log.read(user, 0);
          assert.deepEqual(read, returned, `${user}: the log holds what append returned`);
          assert.deepEqual(await log.bounds(user), { oldestSeq: 1, lastSeq: mine.length });
        }
      });

      it('makes an append visible to a read issued after it, even before the append is awaited', async () => {
        const log = await open();
        const pending = [log.append(partial(clock, 'user_a', 'x')), log.append(partial(clock, 'user_a', 'y'))];
        const read = await log.read('user_a', 0);
        assert.deepEqual(seqs(read), [1, 2]);
        await Promise.all(pending);
      });

      it('keeps every field of every event type', async () => {
        const log = await open();
        const events = oneOfEachType(clock, 'user_a');
        await appendAll(log, events);
        assert.deepEqual(
          await log.read('user_a', 0),
          events.map((e, i) => ({ ...e, seq: i + 1 })),
        );
      });

      it('keeps its own copy: changing an appended or read event does not change the log', async () => {
        const log = await open();
        const input = oneOfEachType(clock, 'user_a')[3] as UnsequencedRunEvent;
        const expected = { ...structuredClone(input), seq: 1 };
        const appended = await log.append(input);
        for (const event of [input, appended, ...(await log.read('user_a', 0))] as Record<string, unknown>[]) {
          try {
            event.toolName = 'changed';
            (event.parameters as Record<string, unknown>).expression = 'changed';
          } catch {
            // A frozen copy is also fine: what matters is that the log is unchanged.
          }
        }
        assert.deepEqual(await log.read('user_a', 0), [expected]);
      });
    });

    describe('read', () => {
      it('reads the events after a seq, in order, at most limit of them', async () => {
        const log = await open();
        await appendAll(
          log,
          range(1, 10).map((i) => partial(clock, 'user_a', `#${i}`)),
        );
        assert.deepEqual(seqs(await log.read('user_a', 0)), range(1, 10));
        assert.deepEqual(seqs(await log.read('user_a', 3, 4)), [4, 5, 6, 7]);
        assert.deepEqual(seqs(await log.read('user_a', 8, 100)), [9, 10]);
        assert.deepEqual(seqs(await log.read('user_a', 10)), []);
        assert.deepEqual(seqs(await log.read('user_a', 42)), []);
        assert.deepEqual(seqs(await log.read('user_a', 3, 0)), []);
      });

      it('reads an unknown user as an empty log with bounds oldestSeq 1 and lastSeq 0', async () => {
        const log = await open();
        await log.append(partial(clock, 'user_a', 'x'));
        assert.deepEqual(await log.read('user_nobody', 0), []);
        assert.deepEqual(await log.readRun('user_nobody', 'run_user_a'), []);
        assert.deepEqual(await log.bounds('user_nobody'), { oldestSeq: 1, lastSeq: 0 });
      });

      it("reads one run's events in order, without other runs or the run under another user", async () => {
        const log = await open();
        await appendAll(log, [
          partial(clock, 'user_a', '1', 'run_x'),
          partial(clock, 'user_a', '2', 'run_y'),
          partial(clock, 'user_b', '3', 'run_z'),
          partial(clock, 'user_a', '4', 'run_x'),
          partial(clock, 'user_a', '5', 'run_y'),
          partial(clock, 'user_a', '6', 'run_x'),
        ]);
        const runX = await log.readRun('user_a', 'run_x');
        assert.deepEqual(
          runX.map((e) => [e.seq, e.type === 'partial_result' ? e.delta : '']),
          [
            [1, '1'],
            [3, '4'],
            [5, '6'],
          ],
        );
        assert.deepEqual(await log.readRun('user_b', 'run_x'), []);
        assert.deepEqual(await log.readRun('user_a', 'run_z'), []);
        assert.deepEqual(seqs(await log.readRun('user_b', 'run_z')), [1]);
      });
    });

    describe('bounds and retention', () => {
      it('reports the retained window, and after everything is pruned continues at lastSeq + 1', async () => {
        const log = await open({ maxAgeMs: 1000, maxEventsPerUser: 100 });
        assert.deepEqual(await log.bounds('user_a'), { oldestSeq: 1, lastSeq: 0 });
        await appendAll(
          log,
          range(1, 4).map((i) => partial(clock, 'user_a', `#${i}`)),
        );
        assert.deepEqual(await log.bounds('user_a'), { oldestSeq: 1, lastSeq: 4 });
        await clock.advance(5000);
        assert.equal(await log.prune(clock.now()), 4);
        assert.deepEqual(await log.bounds('user_a'), { oldestSeq: 5, lastSeq: 4 });
        assert.deepEqual(await log.read('user_a', 0), []);
        const next = await log.append(partial(clock, 'user_a', 'after'));
        assert.equal(next.seq, 5, 'seqs are never reused after pruning');
        assert.deepEqual(await log.bounds('user_a'), { oldestSeq: 5, lastSeq: 5 });
        assert.deepEqual(seqs(await log.read('user_a', 0)), [5]);
      });

      it('keeps only the newest maxEventsPerUser events of each user after prune, with their seqs', async () => {
        const log = await open({ maxAgeMs: 3_600_000, maxEventsPerUser: 5 });
        await appendAll(
          log,
          range(1, 12).map((i) => partial(clock, 'user_a', `#${i}`)),
        );
        await appendAll(
          log,
          range(1, 3).map((i) => partial(clock, 'user_b', `#${i}`)),
        );
        await log.prune(clock.now());
        const kept = await log.read('user_a', 0);
        assert.deepEqual(seqs(kept), [8, 9, 10, 11, 12]);
        assert.deepEqual(
          kept.map((e) => (e.type === 'partial_result' ? e.delta : '')),
          ['#8', '#9', '#10', '#11', '#12'],
        );
        assert.deepEqual(await log.bounds('user_a'), { oldestSeq: 8, lastSeq: 12 });
        assert.deepEqual(seqs(await log.read('user_a', 3)), [8, 9, 10, 11, 12], 'a read from before the window');
        assert.deepEqual(seqs(await log.read('user_b', 0)), [1, 2, 3]);
        assert.equal((await log.append(partial(clock, 'user_a', 'next'))).seq, 13);
      });

      it('drops the events older than maxAgeMs at prune(now) and returns how many', async () => {
        const log = await open({ maxAgeMs: 1000, maxEventsPerUser: 100 });
        await appendAll(log, [
          partial(clock, 'user_a', 'old 1'),
          partial(clock, 'user_a', 'old 2'),
          partial(clock, 'user_a', 'old 3'),
          partial(clock, 'user_b', 'old 1'),
        ]);
        await clock.advance(600);
        await appendAll(log, [partial(clock, 'user_a', 'young 1'), partial(clock, 'user_a', 'young 2')]);
        await clock.advance(500);
        assert.equal(await log.prune(clock.now()), 4);
        assert.deepEqual(seqs(await log.read('user_a', 0)), [4, 5]);
        assert.deepEqual(await log.bounds('user_a'), { oldestSeq: 4, lastSeq: 5 });
        assert.deepEqual(await log.bounds('user_b'), { oldestSeq: 2, lastSeq: 1 });
        assert.equal(await log.prune(clock.now()), 0, 'nothing left to drop');
        assert.equal((await log.append(partial(clock, 'user_b', 'new'))).seq, 2);
      });

      it('keeps an event exactly maxAgeMs old and drops it one millisecond later', async () => {
        const log = await open({ maxAgeMs: 1000, maxEventsPerUser: 100 });
        const appendedAt = clock.now();
        await log.append(partial(clock, 'user_a', 'x'));
        assert.equal(await log.prune(appendedAt + 1000), 0);
        assert.deepEqual(seqs(await log.read('user_a', 0)), [1]);
        assert.equal(await log.prune(appendedAt + 1001), 1);
        assert.deepEqual(seqs(await log.read('user_a', 0)), []);
      });

      it('returns 0 from a prune with nothing to drop', async () => {
        const log = await open({ maxAgeMs: 1000, maxEventsPerUser: 10 });
        assert.equal(await log.prune(clock.now()), 0);
        await log.append(partial(clock, 'user_a', 'x'));
        assert.equal(await log.prune(clock.now()), 0);
        assert.deepEqual(seqs(await log.read('user_a', 0)), [1]);
      });
    });

    describe('lifecycle', () => {
      it('can be closed twice', async () => {
        const log = await open();
        await log.append(partial(clock, 'user_a', 'x'));
        await log.close();
        await log.close();
      });

      it('keeps every event, the bounds and the next seq across a close and reopen', async (t) => {
        let log = await open({ maxAgeMs: 1000, maxEventsPerUser: 100 });
        if (harness?.reopen === undefined) {
          t.skip('not a durable log');
          return;
        }
        const users = ['user_1', 'user_2', 'user_3'];
        const appended = await Promise.all(
          range(0, 59).map((i) => log.append(partial(clock, users[i % 3] as string, `#${i}`))),
        );
        const pruned = await log.append(partial(clock, 'user_pruned', 'gone soon'));
        await clock.advance(2000);
        assert.equal(await log.prune(clock.now()), 61);
        // Appended after the prune: young enough to survive it.
        const kept = await log.append(partial(clock, 'user_1', 'after prune'));
        log = await harness.reopen();
        assert.deepEqual(await log.read('user_1', 0), [kept]);
        assert.deepEqual(await log.bounds('user_1'), { oldestSeq: 21, lastSeq: 21 });
        assert.deepEqual(await log.bounds('user_2'), { oldestSeq: 21, lastSeq: 20 });
        assert.deepEqual(await log.bounds('user_pruned'), { oldestSeq: pruned.seq + 1, lastSeq: pruned.seq });
        assert.equal((await log.append(partial(clock, 'user_2', 'next'))).seq, 21);
        assert.equal((await log.append(partial(clock, 'user_pruned', 'next'))).seq, 2);
        assert.equal(appended.length, 60);
      });

      it('keeps every appended event across a close and reopen', async (t) => {
        let log = await open();
        if (harness?.reopen === undefined) {
          t.skip('not a durable log');
          return;
        }
        const events = [...oneOfEachType(clock, 'user_a'), partial(clock, 'user_b', 'b1')];
        const appended = await Promise.all(events.map((e) => log.append(e)));
        log = await harness.reopen();
        assert.deepEqual(
          await log.read('user_a', 0),
          appended.filter((e) => e.userId === 'user_a'),
        );
        assert.deepEqual(await log.read('user_b', 0), [appended[appended.length - 1]]);
        assert.deepEqual(await log.readRun('user_a', 'run_err'), [appended[8]]);
        assert.equal((await log.append(partial(clock, 'user_a', 'next'))).seq, 11);
      });
    });
  });
}
