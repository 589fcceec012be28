import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunEvent } from '../../src/protocol/run-events.js';
import { assertServerFrame, assertServerFrames, runEventsOf } from '../helpers/frame-schemas.js';
import { assertRunEventRules } from '../helpers/protocol-rules.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { type Frame, TestClient } from '../helpers/ws-client.js';

/** An echo run that takes about `steps × delayMs`. */
function echo(text: string, steps: number, delayMs: number, threadId?: string): Record<string, unknown> {
  return {
    type: 'start_agent',
    agent: 'echo',
    input: { text, steps, delayMs },
    ...(threadId === undefined ? {} : { threadId }),
  };
}

/** Starts a run and returns its ack (asserted). */
async function start(client: TestClient, frame: Record<string, unknown>): Promise<Frame & { runId: string }> {
  const ack = await client.request(frame);
  assert.equal(ack.type, 'ack', JSON.stringify(ack));
  return ack as Frame & { runId: string };
}

/** The one event of `type` in a run (asserted to exist). */
function eventOf(client: TestClient, runId: string, type: RunEvent['type']): RunEvent {
  const event = runEventsOf(client.frames, runId).find((e) => e.type === type);
  assert.ok(event !== undefined, `run ${runId} has no ${type}`);
  return event;
}

/** Asserts every frame `client` received so far against its schema, and the event rules from seq 1. */
function assertCleanStream(client: TestClient): void {
  assertServerFrames(client.frames);
  assertRunEventRules(runEventsOf(client.frames), { firstSeq: 1 });
}

/** Starts a server with `args`, connects one user, and stops both after the suite. */
function withServer(args: string[]): { server: () => ServerProcess; client: () => TestClient } {
  let server: ServerProcess | undefined;
  let client: TestClient | undefined;
  before(async () => {
    server = await startServerProcess({ args });
    client = await TestClient.connect(server.wsUrl, await server.token('sched-alice'));
  });
  after(async () => {
    await client?.close();
    assert.equal(await server?.stop('SIGTERM'), 0);
  });
  return { server: () => server as ServerProcess, client: () => client as TestClient };
}

describe('thread policy enqueue (default)', () => {
  const { client } = withServer([]);

  it('queues a run on a busy thread with run_queued thread_busy, and starts it after the first one ends', async () => {
    const c = client();
    const first = await start(c, echo('first', 3, 100));
    const second = await start(c, echo('second', 1, 0, first.threadId as string));
    assert.equal(second.threadId, first.threadId);
    await c.waitFor((f) => f.runId === second.runId && f.type === 'run_queued');
    const queued = eventOf(c, second.runId, 'run_queued');
    assert.ok(queued.type === 'run_queued');
    assert.equal(queued.reason, 'thread_busy');
    assert.equal(queued.position, 1);
    const done = await c.waitForTerminal(second.runId);
    assert.equal(done.type, 'agent_completed');
    const firstEnd = eventOf(c, first.runId, 'agent_completed');
    assert.ok(
      firstEnd.seq < eventOf(c, second.runId, 'agent_started').seq,
      'the second run started before the first ended',
    );
    assertCleanStream(c);
  });
});

describe('thread policy reject (--thread-policy reject)', () => {
  const { client } = withServer(['--thread-policy', 'reject']);

  it('refuses a run on a busy thread with thread_busy and runs the first one undisturbed', async () => {
    const c = client();
    const first = await start(c, echo('first', 3, 100));
    const refused = await c.request(echo('second', 1, 0, first.threadId as string));
    assertServerFrame(refused);
    assert.equal(refused.type, 'error');
    assert.equal(refused.code, 'thread_busy');
    assert.equal((await c.waitForTerminal(first.runId)).type, 'agent_completed');
    // The thread is free again.
    const third = await start(c, echo('third', 0, 0, first.threadId as string));
    assert.equal((await c.waitForTerminal(third.runId)).type, 'agent_completed');
    assertCleanStream(c);
  });
});

describe('thread policy interrupt (--thread-policy interrupt)', () => {
  const { client } = withServer(['--thread-policy', 'interrupt']);

  it('cancels the running run with agent_cancelled interrupted, then starts the new one', async () => {
    const c = client();
    const first = await start(c, echo('first', 10, 200));
    await c.waitFor((f) => f.runId === first.runId && f.type === 'agent_thinking');
    const second = await start(c, echo('second', 1, 0, first.threadId as string));
    const cancelled = await c.waitForTerminal(first.runId);
    assert.equal(cancelled.type, 'agent_cancelled');
    assert.equal(cancelled.reason, 'interrupted');
    assert.equal((await c.waitForTerminal(second.runId)).type, 'agent_completed');
    assert.ok(
      (cancelled.seq as number) < eventOf(c, second.runId, 'agent_started').seq,
      'the new run started before the old one was cancelled',
    );
    assertCleanStream(c);
  });
});

describe('per-user cap and queue cap (--max-runs-per-user 2 --max-queued-per-user 2)', () => {
  const { client } = withServer(['--max-runs-per-user', '2', '--max-queued-per-user', '2']);

  it('queues the 3rd run with user_concurrency at position 1, refuses the 5th with too_many_runs', async () => {
    const c = client();
    const acks: Array<Frame & { runId: string }> = [];
    for (let i = 1; i <= 4; i++) acks.push(await start(c, echo(`run ${i}`, 2, 150)));
    const refused = await c.request(echo('run 5', 0, 0));
    assertServerFrame(refused);
    assert.equal(refused.type, 'error');
    assert.equal(refused.code, 'too_many_runs');
    for (const ack of acks) await c.waitForTerminal(ack.runId);
    const [r1, r2, r3, r4] = acks.map((ack) => ack.runId) as [string, string, string, string];
    for (const runId of [r1, r2]) assert.equal(runEventsOf(c.frames, runId)[0]?.type, 'agent_started');
    const third = eventOf(c, r3, 'run_queued');
    const fourth = eventOf(c, r4, 'run_queued');
    assert.ok(third.type === 'run_queued' && fourth.type === 'run_queued');
    assert.deepEqual({ reason: third.reason, position: third.position }, { reason: 'user_concurrency', position: 1 });
    assert.deepEqual({ reason: fourth.reason, position: fourth.position }, { reason: 'user_concurrency', position: 2 });
    // Never more than two running at once: each queued run starts only after one of the earlier ones ended.
    let running = 0;
    let peak = 0;
    for (const event of runEventsOf(c.frames)) {
      if (event.type === 'agent_started') peak = Math.max(peak, ++running);
      if (event.type === 'agent_completed' || event.type === 'agent_cancelled' || event.type === 'agent_error')
        running--;
    }
    assert.equal(peak, 2);
    assertCleanStream(c);
  });
});

describe('fairness between users', () => {
  const { server } = withServer([]);

  it("starts another user's run before the queued runs of a user with 20 waiting", async () => {
    const s = server();
    const busy = await TestClient.connect(s.wsUrl, await s.token('fair-busy'));
    const other = await TestClient.connect(s.wsUrl, await s.token('fair-other'));
    try {
      // Sent in one burst, so the queue forms at once whatever the machine's speed.
      const ids = Array.from({ length: 24 }, (_, i) => busy.send(echo(`busy ${i}`, 2, 150)));
      const busyAcks = await Promise.all(ids.map((id) => busy.waitFor((f) => f.id === id)));
      for (const ack of busyAcks) assert.equal(ack.type, 'ack', JSON.stringify(ack));
      // 4 run at once (the default cap); the other 20 wait in the busy user's queue.
      await busy.waitUntil(() => busy.events().filter((e) => e.type === 'run_queued').length >= 20);
      const ack = await start(other, echo('other', 1, 0));
      const started = await other.waitFor((f) => f.runId === ack.runId && f.type === 'agent_started');
      await other.waitForTerminal(ack.runId);
      for (const a of busyAcks) await busy.waitForTerminal(a.runId as string, 20_000);

      // Order by the server's event times: how many of the busy user's queued runs started before the other's run?
      const startedAt = Date.parse(started.ts as string);
      const busyEvents = runEventsOf(busy.frames);
      const queuedIds = new Set(busyEvents.filter((e) => e.type === 'run_queued').map((e) => e.runId));
      assert.equal(queuedIds.size, 20);
      const startedBefore = busyEvents.filter(
        (e) => e.type === 'agent_started' && queuedIds.has(e.runId) && Date.parse(e.ts) <= startedAt,
      ).length;
      const startedAfter = busyEvents.filter(
        (e) => e.type === 'agent_started' && queuedIds.has(e.runId) && Date.parse(e.ts) > startedAt,
      ).length;
      // Fair: the other user's run does not wait behind the queue (at most one wave of it could start meanwhile).
      assert.ok(
        startedBefore <= 4 && startedAfter >= 16,
        `${startedBefore} of the busy user's 20 queued runs started before the other user's run, ${startedAfter} after`,
      );
      assertRunEventRules(runEventsOf(busy.frames), { firstSeq: 1 });
      assertRunEventRules(runEventsOf(other.frames), { firstSeq: 1 });
    } finally {
      await busy.close();
      await other.close();
    }
  });
});
