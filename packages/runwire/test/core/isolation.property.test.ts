import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RunNotFoundError } from '../../src/index.js';
import { assertGapFreeSeq, assertRunEventRules } from '../helpers/protocol-rules.js';
import { ackedRunId, ackedThreadId, type Harness, startHarness } from './runtime-harness.js';

const USERS = ['u_ann', 'u_ben', 'u_cat', 'u_dan'] as const;
type User = (typeof USERS)[number];

type Via = 'scope' | 'router';
type Op =
  | { readonly op: 'create'; readonly user: User }
  | { readonly op: 'start'; readonly user: User; readonly steps: number; readonly sameThread: boolean }
  | { readonly op: 'ask'; readonly user: User }
  | { readonly op: 'heartbeat'; readonly user: User; readonly pick: number }
  | { readonly op: 'cancel'; readonly user: User; readonly pick: number; readonly via: Via }
  | { readonly op: 'get'; readonly user: User; readonly pick: number; readonly via: Via }
  | { readonly op: 'list'; readonly user: User; readonly via: Via }
  | { readonly op: 'turn' }
  | { readonly op: 'advance'; readonly ms: number };

const user = fc.constantFrom(...USERS);
const via = fc.constantFrom<Via>('scope', 'router');
const pick = fc.nat({ max: 1_000 });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('create' as const), user }),
  {
    arbitrary: fc.record({
      op: fc.constant('start' as const),
      user,
      steps: fc.integer({ min: 0, max: 3 }),
      sameThread: fc.boolean(),
    }),
    weight: 3,
  },
  fc.record({ op: fc.constant('ask' as const), user }),
  { arbitrary: fc.record({ op: fc.constant('heartbeat' as const), user, pick }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('cancel' as const), user, pick, via }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('get' as const), user, pick, via }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('list' as const), user, via }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('turn' as const) }), weight: 2 },
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 2_000 }) }),
);

/** What the model knows: the owner of every run id handed out, and which runs went through the scheduler. */
class Model {
  readonly owner = new Map<string, User>();
  readonly scheduled = new Set<string>();
  readonly lastThread = new Map<User, string>();
  readonly order: string[] = [];
  deniedExpected = 0;

  add(runId: string, owner: User, scheduled: boolean): void {
    assert.equal(this.owner.has(runId), false, `run id ${runId} handed out twice`);
    this.owner.set(runId, owner);
    this.order.push(runId);
    if (scheduled) this.scheduled.add(runId);
  }

  /** A known run id, any owner: the interleavings read other users' ids on purpose. */
  target(n: number): { runId: string; owner: User } | undefined {
    if (this.order.length === 0) return undefined;
    const runId = this.order[n % this.order.length] as string;
    return { runId, owner: this.owner.get(runId) as User };
  }

  owns(userId: User, runId: string): boolean {
    return this.owner.get(runId) === userId;
  }
}

function notFoundFrame(runId: string, id: string): unknown {
  return { type: 'error', id, code: 'not_found', message: `Run '${runId}' was not found` };
}

async function apply(h: Harness, model: Model, op: Op, step: number): Promise<void> {
  const id = `q${step}`;
  switch (op.op) {
    case 'create': {
      const scope = h.runtime.getExecutionTracker({ userId: op.user });
      const run = scope.createExecution({ agentName: 'echo', threadId: `thr_${op.user}_${step}` });
      model.add(run.runId, op.user, false);
      return;
    }
    case 'start': {
      const threadId = op.sameThread ? model.lastThread.get(op.user) : undefined;
      const reply = await h.send(op.user, {
        type: 'start_agent',
        id,
        agent: 'echo',
        input: { text: `${op.user} ${step}`, steps: op.steps, delayMs: 0 },
        ...(threadId === undefined ? {} : { threadId }),
      });
      model.add(ackedRunId(reply), op.user, true);
      model.lastThread.set(op.user, ackedThreadId(reply));
      return;
    }
    case 'ask': {
      const reply = await h.send(op.user, { type: 'user_message', id, content: 'what is 6*7, and my runs?' });
      model.add(ackedRunId(reply), op.user, true);
      return;
    }
    case 'heartbeat': {
      const target = model.target(op.pick);
      if (target === undefined) return;
      const scope = h.runtime.getExecutionTracker({ userId: op.user });
      if (model.owns(op.user, target.runId)) {
        assert.equal(typeof scope.heartbeat(target.runId), 'boolean');
      } else {
        assert.throws(() => scope.heartbeat(target.runId), RunNotFoundError);
        model.deniedExpected++;
      }
      return;
    }
    case 'cancel': {
      const target = model.target(op.pick);
      if (target === undefined) return;
      const own = model.owns(op.user, target.runId);
      if (op.via === 'scope') {
        const scope = h.runtime.getExecutionTracker({ userId: op.user });
        if (own) assert.ok(['cancelled', 'completed', 'failed'].includes(scope.cancel(target.runId).status));
        else assert.throws(() => scope.cancel(target.runId), RunNotFoundError);
      } else {
        const reply = await h.send(op.user, { type: 'stop_agent', id, runId: target.runId });
        if (own) assert.equal(reply?.type, 'ack', JSON.stringify(reply));
        else assert.deepEqual(reply, notFoundFrame(target.runId, id));
      }
      if (!own) model.deniedExpected++;
      return;
    }
    case 'get': {
      const target = model.target(op.pick);
      if (target === undefined) return;
      const own = model.owns(op.user, target.runId);
      if (op.via === 'scope') {
        const snapshot = h.runtime.getExecutionTracker({ userId: op.user }).getExecution(target.runId);
        if (own) assert.equal(snapshot?.runId, target.runId);
        else assert.equal(snapshot, undefined);
      } else {
        const reply = await h.send(op.user, { type: 'get_run', id, runId: target.runId });
        if (own) assert.equal(reply?.type === 'run' ? reply.run.runId : undefined, target.runId, JSON.stringify(reply));
        else assert.deepEqual(reply, notFoundFrame(target.runId, id));
      }
      if (!own) model.deniedExpected++;
      return;
    }
    case 'list': {
      const listed =
        op.via === 'scope'
          ? h.runtime.getExecutionTracker({ userId: op.user }).getUserExecutions()
          : await h.send(op.user, { type: 'list_runs', id, limit: 100 }).then((reply) => {
              assert.equal(reply?.type, 'runs', JSON.stringify(reply));
              return reply?.type === 'runs' ? reply.runs : [];
            });
      for (const run of listed) {
        assert.equal(
          model.owner.get(run.runId),
          op.user,
          `${op.user} listed ${run.runId} of ${model.owner.get(run.runId)}`,
        );
      }
      // Every run of the user is listed (the scope holds them all; the store pages by 100).
      const mine = [...model.owner].filter(([, owner]) => owner === op.user).length;
      assert.equal(listed.length, Math.min(mine, 100));
      return;
    }
    case 'turn':
      await new Promise<void>((resolve) => setImmediate(resolve));
      return;
    case 'advance':
      await h.clock.advance(op.ms);
      return;
  }
}

/** Everything each user received: only their own runs, seq 1, 2, 3, … with no gap, scheduled runs by the rules. */
function checkStreams(h: Harness, model: Model): void {
  for (const userId of USERS) {
    const events = h.events(userId);
    for (const event of events) {
      assert.equal(event.userId, userId, `${userId} received an event of ${event.userId}`);
      assert.equal(model.owner.get(event.runId), userId, `${userId} received an event of run ${event.runId}`);
    }
    assertGapFreeSeq(userId, events, 1);
    assertRunEventRules(
      events.filter((e) => model.scheduled.has(e.runId)),
      { allowOpenRuns: true },
    );
  }
}

describe('isolation between users (property)', () => {
  it("never lets one user read or touch another user's runs, and gives every user seq 1, 2, 3, … without a gap", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), async (ops) => {
        const h = await startHarness(USERS, { scheduler: { maxConcurrentRunsPerUser: 2, maxQueuedRunsPerUser: 64 } });
        const model = new Model();
        try {
          const denied = h.runtime.tracker.stats().deniedCrossUserAccesses;
          for (const [step, op] of ops.entries()) await apply(h, model, op, step);
          await h.idle();
          checkStreams(h, model);
          // Every scheduled run of the interleaving ends by itself (echo and supervisor need no time).
          for (const runId of model.scheduled) {
            const status = h.runtime.tracker.get(runId)?.status;
            assert.ok(status === 'completed' || status === 'cancelled', `${runId} is ${status}`);
          }
          assert.equal(h.runtime.tracker.stats().deniedCrossUserAccesses - denied, model.deniedExpected);
          await h.runtime.close();
          checkStreams(h, model);
          const all = USERS.flatMap((u) => h.events(u).filter((e) => model.scheduled.has(e.runId)));
          assertRunEventRules(all);
        } finally {
          await h.close();
        }
      }),
      { numRuns: 50 },
    );
  });
});
