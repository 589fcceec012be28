import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import * as publicApi from '../../src/index.js';
import {
  AgentExecutionTracker,
  createRuntime,
  FactoryOnlyError,
  FakeClock,
  getExecutionTracker,
  InvalidArgumentError,
  RunNotFoundError,
  UserExecutionScope,
} from '../../src/index.js';

const FACTORY_MESSAGE = 'AgentExecutionTracker cannot be constructed directly; use getExecutionTracker()';

/** A user id no other test in the process uses (the default runtime is shared by the whole file). */
function freshUser(label: string): string {
  return `${label}_${randomUUID()}`;
}

/** Asserts a `FactoryOnlyError` exactly: class, `TypeError`, name, code and message. */
function isFactoryOnlyError(error: unknown): true {
  assert.ok(error instanceof FactoryOnlyError, `expected a FactoryOnlyError, got ${String(error)}`);
  assert.ok(error instanceof TypeError);
  assert.equal(error.name, 'FactoryOnlyError');
  assert.equal(error.code, 'factory_only');
  assert.equal(error.message, FACTORY_MESSAGE);
  return true;
}

/** Asserts an `InvalidArgumentError` (a `TypeError`) with exactly this message. */
function isInvalidArgument(message: string): (error: unknown) => true {
  return (error) => {
    assert.ok(error instanceof InvalidArgumentError, `expected an InvalidArgumentError, got ${String(error)}`);
    assert.ok(error instanceof TypeError);
    assert.equal(error.name, 'InvalidArgumentError');
    assert.equal(error.code, 'invalid_argument');
    assert.equal(error.message, message);
    return true;
  };
}

function isRunNotFound(runId: string): (error: unknown) => true {
  return (error) => {
    assert.ok(error instanceof RunNotFoundError, `expected a RunNotFoundError, got ${String(error)}`);
    assert.equal(error.code, 'not_found');
    assert.equal(error.message, `Run '${runId}' was not found`);
    assert.equal(error.runId, runId);
    return true;
  };
}

/** The class as a plain constructor, the way untyped JavaScript would call it. */
const UntypedTracker = AgentExecutionTracker as unknown as new (...args: unknown[]) => object;

describe('the execution tracker factory', () => {
  it('refuses direct construction with a FactoryOnlyError naming getExecutionTracker(), counting each attempt', () => {
    const before = getExecutionTracker().stats().blockedConstructions;
    // @ts-expect-error the constructor is private: direct construction does not compile
    assert.throws(() => new AgentExecutionTracker(), isFactoryOnlyError);
    assert.equal(getExecutionTracker().stats().blockedConstructions, before + 1);
    assert.throws(() => new UntypedTracker(), isFactoryOnlyError);
    assert.equal(getExecutionTracker().stats().blockedConstructions, before + 2);
    assert.throws(() => new UntypedTracker({ clock: new FakeClock() }), isFactoryOnlyError);
    assert.equal(getExecutionTracker().stats().blockedConstructions, before + 3);
  });

  it('guards the constructor at run time, not only with the TypeScript `private` keyword', () => {
    const before = getExecutionTracker().stats().blockedConstructions;
    const options = getExecutionTracker().options;
    // Whatever a caller passes, without the module's private token the constructor refuses.
    assert.throws(() => Reflect.construct(AgentExecutionTracker, []), isFactoryOnlyError);
    assert.throws(() => Reflect.construct(AgentExecutionTracker, [Symbol('forged'), options]), isFactoryOnlyError);
    assert.throws(
      () => Reflect.construct(AgentExecutionTracker, [Symbol('AgentExecutionTracker.construct'), options]),
      isFactoryOnlyError,
    );
    // A subclass goes through the same constructor.
    class Sneaky extends UntypedTracker {}
    assert.throws(() => new Sneaky(Symbol('forged'), options), isFactoryOnlyError);
    assert.equal(getExecutionTracker().stats().blockedConstructions, before + 4);
    // An object made from the prototype without the constructor has no state and cannot be used.
    const hollow = Object.create(AgentExecutionTracker.prototype) as AgentExecutionTracker;
    assert.throws(() => hollow.forUser('alice_hollow'), TypeError);
    assert.throws(() => hollow.stats(), TypeError);
    // The internal constructor function is not part of the public API.
    assert.equal('constructExecutionTracker' in publicApi, false);
  });

  it('returns the same tracker on every call', () => {
    const first = getExecutionTracker();
    assert.ok(first instanceof AgentExecutionTracker);
    assert.equal(getExecutionTracker(), first);
    assert.equal(getExecutionTracker(undefined as never), first);
  });

  it('returns the same tracker to 20 concurrent async callers', async () => {
    const trackers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (i % 2 === 0) await Promise.resolve();
        return getExecutionTracker();
      }),
    );
    assert.equal(trackers.length, 20);
    assert.equal(new Set(trackers).size, 1);
    assert.equal(trackers[0], getExecutionTracker());
  });

  it("shows each user's scope only that user's executions", () => {
    const alice = getExecutionTracker({ userId: freshUser('alice') });
    const bob = getExecutionTracker({ userId: freshUser('bob') });
    const a1 = alice.createExecution({ agentName: 'echo', threadId: 'thr_a1' });
    const a2 = alice.createExecution({ agentName: 'supervisor', threadId: 'thr_a2' });
    const b1 = bob.createExecution({ agentName: 'echo', threadId: 'thr_b1' });
    assert.deepEqual(
      alice
        .getUserExecutions()
        .map((r) => r.runId)
        .sort(),
      [a1.runId, a2.runId].sort(),
    );
    assert.deepEqual(
      bob.getUserExecutions().map((r) => r.runId),
      [b1.runId],
    );
    assert.equal(alice.getExecution(a1.runId)?.runId, a1.runId);
    assert.equal(alice.getExecution(a1.runId)?.status, 'pending');
    assert.equal(bob.getExecution(b1.runId)?.agent, 'echo');
  });

  it("keeps user 2's scope from reading or touching user 1's execution, and counts each denial", () => {
    const tracker = getExecutionTracker();
    const user1 = getExecutionTracker({ userId: freshUser('u1') });
    const user2 = getExecutionTracker({ userId: freshUser('u2') });
    const run = user1.createExecution({ agentName: 'echo', threadId: 'thr_private' });
    const denied = tracker.stats().deniedCrossUserAccesses;

    assert.equal(user2.getExecution(run.runId), undefined);
    assert.equal(user2.getRecord(run.runId), undefined);
    assert.equal(tracker.stats().deniedCrossUserAccesses, denied + 2);
    assert.throws(() => user2.heartbeat(run.runId), isRunNotFound(run.runId));
    assert.throws(() => user2.cancel(run.runId), isRunNotFound(run.runId));
    assert.equal(tracker.stats().deniedCrossUserAccesses, denied + 4);
    assert.deepEqual(user2.getUserExecutions(), []);

    // An unknown id reads the same way, but is not a cross-user access.
    assert.equal(user2.getExecution('run_does_not_exist'), undefined);
    assert.throws(() => user2.cancel('run_does_not_exist'), isRunNotFound('run_does_not_exist'));
    assert.equal(tracker.stats().deniedCrossUserAccesses, denied + 4);

    // User 1's run was not changed by user 2's attempts.
    assert.equal(user1.getExecution(run.runId)?.status, 'pending');
  });

  it('refuses a string (or another non-object) with a TypeError saying an object { userId } is expected', () => {
    assert.throws(
      () => getExecutionTracker('alice' as never),
      isInvalidArgument(
        "getExecutionTracker() expects no argument or an object { userId: string }, got the string 'alice'",
      ),
    );
    assert.throws(
      () => getExecutionTracker(null as never),
      isInvalidArgument('getExecutionTracker() expects no argument or an object { userId: string }, got null'),
    );
    assert.throws(
      () => getExecutionTracker(['alice'] as never),
      isInvalidArgument('getExecutionTracker() expects no argument or an object { userId: string }, got an array'),
    );
  });

  it('refuses an object without userId with a TypeError saying userId is expected', () => {
    assert.throws(
      () => getExecutionTracker({ id: 'alice' } as never),
      isInvalidArgument('getExecutionTracker() expects { userId: string }; the object has no userId'),
    );
    assert.throws(
      () => getExecutionTracker({} as never),
      isInvalidArgument('getExecutionTracker() expects { userId: string }; the object has no userId'),
    );
  });

  it('refuses a placeholder, empty or non-string user id with a TypeError saying a user id is expected', () => {
    assert.throws(
      () => getExecutionTracker({ userId: 'test' }),
      isInvalidArgument("Expected a user id: 'test' is a placeholder, not an id"),
    );
    assert.throws(
      () => getExecutionTracker({ userId: ' Anonymous ' }),
      isInvalidArgument("Expected a user id: ' Anonymous ' is a placeholder, not an id"),
    );
    assert.throws(
      () => getExecutionTracker({ userId: '' }),
      isInvalidArgument('Expected a user id: expected a non-empty string'),
    );
    assert.throws(
      () => getExecutionTracker({ userId: 42 } as never),
      isInvalidArgument('Expected a user id: expected a string, got number 42'),
    );
  });

  it('gives the same user the identical scope object on every lookup, without building a new one', () => {
    const userId = freshUser('carol');
    const first = getExecutionTracker({ userId });
    assert.ok(first instanceof UserExecutionScope);
    assert.equal(first.userId, userId);
    assert.ok(Object.isFrozen(first));
    // 10,000 lookups, from both factories: exactly one object ever comes back.
    const seen = new Set<UserExecutionScope>();
    for (let i = 0; i < 5_000; i++) {
      seen.add(getExecutionTracker({ userId }));
      seen.add(getExecutionTracker().forUser(userId));
    }
    assert.equal(seen.size, 1);
    assert.ok(seen.has(first));
    assert.notEqual(getExecutionTracker({ userId: freshUser('dave') }), first);
  });

  it("frees a user's finished executions and scope on cleanupUserData, and keeps the running ones", async (t) => {
    const runtime = createRuntime({ clock: new FakeClock() });
    t.after(() => runtime.close());
    const tracker = runtime.getExecutionTracker();
    const scope = runtime.getExecutionTracker({ userId: 'erin' });
    const other = runtime.getExecutionTracker({ userId: 'frank' });
    const done = scope.createExecution({ agentName: 'echo', threadId: 'thr_1' });
    const failed = scope.createExecution({ agentName: 'echo', threadId: 'thr_2' });
    const running = scope.createExecution({ agentName: 'echo', threadId: 'thr_3' });
    const waiting = scope.createExecution({ agentName: 'echo', threadId: 'thr_4' });
    const franks = other.createExecution({ agentName: 'echo', threadId: 'thr_1' });
    for (const id of [done.runId, failed.runId, running.runId]) {
      tracker.transition(id, 'starting');
      tracker.transition(id, 'running');
    }
    tracker.transition(done.runId, 'completing');
    tracker.transition(done.runId, 'completed', { finalResponse: 'ok' });
    tracker.transition(failed.runId, 'failed', { error: { code: 'agent_failed', message: 'boom' } });
    tracker.transition(franks.runId, 'cancelled', { cancelReason: 'user' });

    assert.deepEqual(tracker.cleanupUserData('erin'), { removed: 2, kept: 2 });

    assert.equal(tracker.get(done.runId), undefined);
    assert.equal(tracker.get(failed.runId), undefined);
    assert.equal(tracker.get(running.runId)?.status, 'running');
    assert.equal(tracker.get(waiting.runId)?.status, 'pending');
    // Another user's finished run is untouched.
    assert.equal(tracker.get(franks.runId)?.status, 'cancelled');
    // The released scope refuses use; a new lookup builds a fresh scope that sees the kept runs.
    assert.throws(
      () => scope.getUserExecutions(),
      isInvalidArgument(
        "The scope of user 'erin' was released by cleanupUserData(); call getExecutionTracker({ userId }) again",
      ),
    );
    const fresh = runtime.getExecutionTracker({ userId: 'erin' });
    assert.notEqual(fresh, scope);
    assert.deepEqual(
      fresh
        .getUserExecutions()
        .map((r) => r.runId)
        .sort(),
      [running.runId, waiting.runId].sort(),
    );
    assert.equal(fresh.getExecution(done.runId), undefined);
    // The kept run still works: it can end normally.
    assert.equal(fresh.cancel(running.runId).status, 'cancelled');
    assert.deepEqual(tracker.cleanupUserData('erin'), { removed: 1, kept: 1 });
    assert.throws(
      () => tracker.cleanupUserData('null'),
      isInvalidArgument("cleanupUserData expects a user id: 'null' is a placeholder, not an id"),
    );
  });
});
