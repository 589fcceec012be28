import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { UserExecutionContext } from '../../src/context/user-execution-context.js';
import { memoryStores } from '../../src/stores/memory/memory-stores.js';
import type { RunLeases } from '../../src/stores/run-leases.js';
import { type Harness, startHarness, typesOf } from './runtime-harness.js';

/** One `acquireUserSlot` call the test has not answered yet. */
interface SlotQuestion {
  readonly userId: string;
  readonly runId: string;
  answer(granted: boolean): void;
}

/**
 * Leases that always succeed, with user slots answered by the test: the cluster as seen from one node, so the
 * scheduler's side of the cap can be driven step by step on a fake clock.
 */
class ScriptedLeases implements RunLeases {
  readonly questions: SlotQuestion[] = [];
  #token = 0;

  async acquireLease(): Promise<number> {
    return ++this.#token;
  }
  async renewLeases(): Promise<string[]> {
    return [];
  }
  async releaseLease(): Promise<boolean> {
    return true;
  }
  async expiredLeases(): Promise<string[]> {
    return [];
  }
  async claimDeadRun(): Promise<boolean> {
    return false;
  }
  acquireUserSlot(userId: string, runId: string): Promise<boolean> {
    return new Promise((resolve) => this.questions.push({ userId, runId, answer: resolve }));
  }
  async userSlotCount(): Promise<number> {
    return 0;
  }

  /** Answers the oldest open question about `runId`. */
  answer(runId: string, granted: boolean): void {
    const i = this.questions.findIndex((q) => q.runId === runId);
    const [question] = i >= 0 ? this.questions.splice(i, 1) : [];
    if (question === undefined) throw new Error(`no slot question is open for ${runId}`);
    question.answer(granted);
  }
}

async function harness(t: TestContext, leases: ScriptedLeases): Promise<Harness> {
  const h = await startHarness(['alice', 'bob'], {
    recoverOnStart: false,
    stores: (env) => ({ ...memoryStores(env), leases }),
  });
  t.after(async () => {
    // Answer what is still open so nothing waits on the test.
    for (const q of leases.questions.splice(0)) q.answer(false);
    await h.close();
  });
  return h;
}

function start(h: Harness, userId: string, key: string): string {
  const ctx = UserExecutionContext.create({ userId });
  return h.runtime.runs.start(ctx, { agent: 'gate', input: { kind: 'input', value: { key } } }).runId;
}

describe('the scheduler with a cluster-wide per-user cap (RunLeases)', () => {
  it('starts a run granted a slot with agent_started first, without announcing it', async (t) => {
    const leases = new ScriptedLeases();
    const h = await harness(t, leases);
    const runId = start(h, 'alice', 'a');
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents('alice', runId)), [], 'nothing until the cluster answers');
    leases.answer(runId, true);
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents('alice', runId)), ['agent_started']);
  });

  it('announces a run cancelled while its slot is being asked for before its agent_cancelled, and never starts it', async (t) => {
    const leases = new ScriptedLeases();
    const h = await harness(t, leases);
    const runId = start(h, 'alice', 'a');
    await h.idle();
    assert.equal(leases.questions.length, 1);
    assert.equal(await h.runtime.runs.cancel('alice', runId), 'cancelled');
    leases.answer(runId, true);
    await h.idle();
    const events = h.runEvents('alice', runId);
    assert.deepEqual(typesOf(events), ['run_queued', 'agent_cancelled']);
    assert.ok(events[0]?.type === 'run_queued' && events[0].reason === 'user_concurrency');
    assert.equal(h.runtime.runner.isActive(runId), false);
  });

  it('keeps a refused run waiting (announced once) without holding up another user, and asks again on the retry timer', async (t) => {
    const leases = new ScriptedLeases();
    const h = await harness(t, leases);
    const alice = start(h, 'alice', 'a');
    const bob = start(h, 'bob', 'b');
    await h.idle();
    leases.answer(alice, false);
    leases.answer(bob, true);
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents('alice', alice)), ['run_queued']);
    assert.deepEqual(typesOf(h.runEvents('bob', bob)), ['agent_started']);
    assert.equal(leases.questions.length, 0, 'a refused user is not asked again at once');

    await h.clock.advance(500);
    await h.idle();
    assert.deepEqual(
      leases.questions.map((q) => q.runId),
      [alice],
      'asked again after the retry wait',
    );
    leases.answer(alice, false);
    await h.idle();
    await h.clock.advance(500);
    await h.idle();
    leases.answer(alice, true);
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents('alice', alice)), ['run_queued', 'agent_started'], 'announced only once');
  });

  it('asks again for a refused user when one of its runs ends on this node', async (t) => {
    const leases = new ScriptedLeases();
    const h = await harness(t, leases);
    const first = start(h, 'alice', 'first');
    await h.idle();
    leases.answer(first, true);
    await h.idle();
    const second = start(h, 'alice', 'second');
    await h.idle();
    leases.answer(second, false);
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents('alice', second)), ['run_queued']);
    h.gates.open('first');
    await h.idle();
    assert.deepEqual(
      leases.questions.map((q) => q.runId),
      [second],
      'asked again without waiting for the timer',
    );
    leases.answer(second, true);
    await h.idle();
    assert.deepEqual(typesOf(h.runEvents('alice', second)), ['run_queued', 'agent_started']);
  });
});
