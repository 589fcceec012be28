import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FakeClock } from '../../src/clock.js';
import { UserExecutionContext } from '../../src/context/user-execution-context.js';
import type { RunEvent } from '../../src/protocol/run-events.js';
import { TERMINAL_EVENT_TYPES } from '../../src/protocol/run-events.js';
import { createRuntime, type Runtime } from '../../src/runtime/create-runtime.js';
import { InProcessBus } from '../../src/stores/memory/in-process-bus.js';
import { SqliteDatabase } from '../../src/stores/sqlite/sqlite-database.js';
import { SqliteEventLog } from '../../src/stores/sqlite/sqlite-event-log.js';
import { SqliteRunStore } from '../../src/stores/sqlite/sqlite-run-store.js';
import { sqliteStores } from '../../src/stores/sqlite/sqlite-stores.js';

const USERS = ['user_ann', 'user_bob', 'user_cy'];

/** Polls `check` on real time (the stores do real I/O) until it holds; fails after 5 s naming `what`. */
async function waitFor(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function startEcho(runtime: Runtime, userId: string, value: { text: string; steps: number; delayMs: number }): string {
  const ctx = UserExecutionContext.create({ userId });
  return runtime.runs.start(ctx, { agent: 'echo', input: { kind: 'input', value } }).runId;
}

describe('a runtime on a SQLite file after the previous process stopped without closing it', () => {
  let dir: string;
  let file: string;
  const runtimes: Runtime[] = [];

  function runtimeOnFile(nodeId: string, clock: FakeClock): Runtime {
    const runtime = createRuntime({ clock, nodeId, stores: (env) => sqliteStores({ ...env, file }) });
    runtimes.push(runtime);
    return runtime;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runwire-recovery-'));
    file = join(dir, 'runwire.db');
  });

  afterEach(async () => {
    // Newest first: the abandoned runtime is closed last, after the assertions.
    for (const runtime of runtimes.splice(0).reverse()) await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends the runs left running as dead (node_restarted) with one agent_error each, keeping all else', async () => {
    const first = runtimeOnFile('node_first', new FakeClock());
    const firstClock = first.clock as FakeClock;
    await first.start();
    const quick = new Map<string, string>();
    const slow = new Map<string, string>();
    for (const userId of USERS) {
      quick.set(userId, startEcho(first, userId, { text: `quick ${userId}`, steps: 1, delayMs: 0 }));
      slow.set(userId, startEcho(first, userId, { text: `slow ${userId}`, steps: 3, delayMs: 1000 }));
    }
    await waitFor('the quick runs to be stored as completed', async () => {
      const records = await Promise.all([...quick.values()].map((id) => first.runStore.get(id)));
      return records.every((r) => r?.status === 'completed');
    });
    await firstClock.advance(1000);
    await first.publisher.flush();
    await waitFor('the slow runs to be stored as running', async () => {
      const records = await Promise.all([...slow.values()].map((id) => first.runStore.get(id)));
      return records.every((r) => r?.status === 'running');
    });
    const before = new Map<string, RunEvent[]>();
    for (const userId of USERS) {
      const events = await first.events.read(userId, 0);
      const slowEvents = events.filter((e) => e.runId === slow.get(userId));
      assert.deepEqual(
        slowEvents.map((e) => e.type),
        ['agent_started', 'agent_thinking'],
        'the slow run is mid-way when the process stops',
      );
      before.set(userId, events);
    }

    // The first runtime is abandoned as it is (not closed); a new process starts on the same file.
    const second = runtimeOnFile('node_second', new FakeClock(firstClock.now() + 5000));
    await second.start();
    await second.publisher.flush();
    await waitFor('the interrupted runs to be stored as dead', async () => {
      const records = await Promise.all([...slow.values()].map((id) => second.runStore.get(id)));
      return records.every((r) => r?.status === 'dead');
    });

    for (const userId of USERS) {
      const events = await second.events.read(userId, 0);
      const earlier = before.get(userId) ?? [];
      assert.deepEqual(events.slice(0, earlier.length), earlier, `${userId}: every earlier event, once, in order`);
      assert.deepEqual(
        events.map((e) => e.seq),
        Array.from({ length: events.length }, (_, i) => i + 1),
        `${userId}: no gap`,
      );
      assert.deepEqual(await second.events.bounds(userId), { oldestSeq: 1, lastSeq: events.length });
      const added = events.slice(earlier.length);
      assert.equal(added.length, 1, `${userId}: recovery added one event`);
      const ending = added[0];
      assert.ok(ending?.type === 'agent_error');
      assert.equal(ending.runId, slow.get(userId));
      assert.equal(ending.status, 'dead');
      assert.equal(ending.error.code, 'node_restarted');
      for (const runId of [quick.get(userId), slow.get(userId)]) {
        const terminal = events.filter((e) => e.runId === runId && TERMINAL_EVENT_TYPES.has(e.type));
        assert.equal(terminal.length, 1, `${runId}: exactly one terminal event`);
        assert.equal(events.filter((e) => e.runId === runId).at(-1), terminal[0], `${runId}: nothing after it`);
      }

      const page = await second.runs.list(userId, { limit: 20 });
      const byId = new Map(page.runs.map((r) => [r.runId as string, r]));
      assert.equal(byId.get(quick.get(userId) ?? '')?.status, 'completed');
      assert.equal(byId.get(quick.get(userId) ?? '')?.finalResponse, `quick ${userId}`);
      assert.equal(byId.get(slow.get(userId) ?? '')?.status, 'dead');
      assert.equal(byId.get(slow.get(userId) ?? '')?.error?.code, 'node_restarted');
    }
    assert.deepEqual(await second.runStore.listActive(), []);
  });

  it('recovers nothing after a clean close, and the seqs go on where they stopped', async () => {
    const first = runtimeOnFile('node_first', new FakeClock());
    await first.start();
    const runId = startEcho(first, 'user_ann', { text: 'long', steps: 3, delayMs: 10_000 });
    await waitFor('the run to start', async () => (await first.events.read('user_ann', 0)).length === 1);
    await first.close();
    const lastSeq = (await first.events.bounds('user_ann').catch(() => undefined))?.lastSeq;
    assert.equal(lastSeq, undefined, 'the closed runtime no longer reads its store');

    const second = runtimeOnFile('node_second', new FakeClock());
    await second.start();
    const events = await second.events.read('user_ann', 0);
    assert.deepEqual(
      events.map((e) => [e.seq, e.type]),
      [
        [1, 'agent_started'],
        [2, 'agent_cancelled'],
      ],
    );
    assert.equal((await second.runStore.get(runId))?.status, 'cancelled');
    const next = startEcho(second, 'user_ann', { text: 'again', steps: 0, delayMs: 0 });
    await waitFor('the new run to finish', async () => (await second.runStore.get(next))?.status === 'completed');
    await second.publisher.flush();
    assert.deepEqual(
      (await second.events.read('user_ann', 2)).map((e) => [e.seq, e.runId]),
      [
        [3, next],
        [4, next],
        [5, next],
        [6, next],
      ],
    );
  });

  it('keeps the one terminal event of a run whose end was logged just before the crash, but not yet its record', async () => {
    const db = SqliteDatabase.open({ file });
    const clock = new FakeClock();
    const first = createRuntime({
      clock,
      nodeId: 'node_first',
      stores: () => ({ runs: new SqliteRunStore(db), events: new SqliteEventLog(db, clock), bus: new InProcessBus() }),
    });
    await first.start();
    let crashed = false;
    first.publisher.onPublished((event) => {
      if (event.type !== 'agent_completed') return;
      // The crash: from here on nothing queued is ever committed.
      (db as unknown as { flush: () => void }).flush = () => {};
      crashed = true;
    });
    const runId = startEcho(first, 'user_ann', { text: 'done', steps: 0, delayMs: 0 });
    await waitFor('the completion to be logged', () => crashed);

    const second = runtimeOnFile('node_second', new FakeClock());
    await second.start();
    await second.publisher.flush();
    // The crashed runtime is never closed (its pending writes would wait forever); its file handle is dropped.
    db.close();
    const events = await second.events.readRun('user_ann', runId);
    assert.deepEqual(
      events.filter((e) => TERMINAL_EVENT_TYPES.has(e.type)).map((e) => e.type),
      ['agent_completed'],
    );
    assert.equal((await second.runStore.get(runId))?.status, 'completed');
  });
});
