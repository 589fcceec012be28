import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { RunEvent } from '../../src/protocol/run-events.js';
import { RedisKeys } from '../../src/stores/redis/redis-keys.js';
import { assertServerFrames, runEventsOf } from '../helpers/frame-schemas.js';
import { httpRequest } from '../helpers/http-client.js';
import { assertRunEventRules } from '../helpers/protocol-rules.js';
import { type ServerCluster, startServerCluster } from '../helpers/server-cluster.js';
import type { ServerProcess } from '../helpers/server-process.js';
import { Teardown } from '../helpers/teardown.js';
import { type Frame, TestClient } from '../helpers/ws-client.js';
import { eventually, PrivateRedis } from '../stores/redis-test-server.js';

/** A short lease for the test; the default is 15 s. Runs of a dead node must end within about 1.2 × this. */
const LEASE_TTL_MS = 3_000;
/** The lease target for LEASE_TTL_MS (ttl + one jittered reaper round), plus slack for process scheduling. */
const DEAD_WITHIN_MS = 1.2 * LEASE_TTL_MS + 1_500;

async function ready(url: string): Promise<number> {
  return (await httpRequest(`${url}/health/ready`).catch(() => ({ status: 0 }))).status;
}

/** How long one test of this file may take, and its teardown: a failure ends the file instead of hanging it. */
const TEST_TIMEOUT_MS = 90_000;
const TEARDOWN_TIMEOUT_MS = 60_000;

/** A private Redis and a 3-node cluster on it, with the lease TTL of this file; both added to `teardown` at once. */
async function startFaultCluster(teardown: Teardown): Promise<{ redis: PrivateRedis; cluster: ServerCluster }> {
  const redis = await PrivateRedis.start();
  teardown.add('the private Redis', () => redis.dispose());
  const cluster = await startServerCluster({
    count: 3,
    redisUrl: redis.url,
    args: ['--lease-ttl', `${LEASE_TTL_MS}ms`],
  });
  teardown.add('the cluster', () => cluster.stop());
  return { redis, cluster };
}

/** Connects `userId` to `node`; the socket is dropped at teardown (the nodes stop right after). */
async function connectTo(node: ServerProcess, userId: string, teardown: Teardown): Promise<TestClient> {
  const client = await TestClient.connect(node.wsUrl, await node.token(userId));
  teardown.add(`a client of ${userId}`, () => client.drop());
  return client;
}

describe('a node killed with SIGKILL mid-run', () => {
  const teardown = new Teardown();
  let cluster: ServerCluster;

  before(async () => {
    ({ cluster } = await startFaultCluster(teardown));
  });

  after(() => teardown.run(), { timeout: TEARDOWN_TIMEOUT_MS });

  it('has its runs marked dead (node_lost) once, within the lease target, while a slow run elsewhere goes on', {
    timeout: TEST_TIMEOUT_MS,
  }, async (t) => {
    const [node1, node2, node3] = cluster.nodes as [ServerProcess, ServerProcess, ServerProcess];
    const connect = (node: ServerProcess): Promise<TestClient> => connectTo(node, 'f-alice', teardown);
    const [on1, on2, on3] = [await connect(node1), await connect(node2), await connect(node3)];
    const long = { type: 'start_agent', agent: 'echo', input: { text: 'long', steps: 100, delayMs: 200 } };
    const doomed = [(await on1.request(long)).runId as string, (await on1.request(long)).runId as string];
    // Alive but slow: pauses longer than the lease TTL between its events, on a node that lives.
    const slow = (
      await on2.request({
        type: 'start_agent',
        agent: 'echo',
        input: { text: 'slow but alive', steps: 1, delayMs: LEASE_TTL_MS + 1_500 },
      })
    ).runId as string;
    for (const runId of doomed) await on2.waitFor((f) => f.runId === runId && f.type === 'agent_thinking');
    // The survivors' reapers only trust expired leases once Redis has answered them for a whole TTL.
    await delay(LEASE_TTL_MS);

    const killedAt = Date.now();
    node1.child.kill('SIGKILL');
    assert.equal(await node1.exited, 'SIGKILL');
    const isDeadEnd = (runId: string) => (f: Frame) => f.runId === runId && f.type === 'agent_error';
    for (const runId of doomed) await on2.waitFor(isDeadEnd(runId), 15_000);
    const elapsed = Date.now() - killedAt;
    assert.ok(elapsed <= DEAD_WITHIN_MS, `dead after ${elapsed} ms; the target is ${DEAD_WITHIN_MS} ms`);
    t.diagnostic(`runs of the killed node ended dead ${elapsed} ms after the kill (lease TTL ${LEASE_TTL_MS} ms)`);
    for (const runId of doomed) await on3.waitFor(isDeadEnd(runId), 5_000);

    // The slow run was never taken for dead: it completes.
    const slowEnd = await on3.waitForTerminal(slow, 15_000);
    assert.equal(slowEnd.type, 'agent_completed');
    // Another lease time: a second claim (by the other survivor) would have produced a second end by now.
    await delay(LEASE_TTL_MS);
    for (const client of [on2, on3]) {
      assertServerFrames(client.frames);
      const events = runEventsOf(client.frames);
      assertRunEventRules(events, { firstSeq: 1 });
      for (const runId of doomed) {
        const ends = events.filter(
          (e) =>
            e.runId === runId &&
            (e.type === 'agent_error' || e.type === 'agent_cancelled' || e.type === 'agent_completed'),
        );
        assert.equal(ends.length, 1, `one end of ${runId}`);
        const end = ends[0] as Extract<RunEvent, { type: 'agent_error' }>;
        assert.deepEqual([end.type, end.status, end.error.code], ['agent_error', 'dead', 'node_lost']);
      }
    }
    assert.deepEqual(runEventsOf(on2.frames), runEventsOf(on3.frames));
    for (const runId of doomed) {
      for (const client of [on2, on3]) {
        const answer = await client.request({ type: 'get_run', runId });
        const run = answer.run as { status: string; error?: { code: string } };
        assert.deepEqual([run.status, run.error?.code], ['dead', 'node_lost']);
      }
    }
  });
});

describe('a Redis restart that loses every key, mid-run (private redis-server without persistence)', () => {
  const teardown = new Teardown();
  let redis: PrivateRedis;
  let cluster: ServerCluster;

  before(async () => {
    ({ redis, cluster } = await startFaultCluster(teardown));
  });

  after(() => teardown.run(), { timeout: TEARDOWN_TIMEOUT_MS });

  it('reports not ready while Redis is down, then marks the seam with resync_required and resumes without a gap or a repeat', {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const [node1, node2, node3] = cluster.nodes as [ServerProcess, ServerProcess, ServerProcess];
    const connect = (node: ServerProcess): Promise<TestClient> => connectTo(node, 'r-alice', teardown);
    const [on1, on2, on3] = [await connect(node1), await connect(node2), await connect(node3)];
    const ack = await on1.request({
      type: 'start_agent',
      agent: 'echo',
      input: { text: 'done', steps: 40, delayMs: 100 },
    });
    const runId = ack.runId as string;
    await on2.waitFor((f) => f.runId === runId && f.type === 'agent_thinking' && f.step === 5);

    await redis.stop(true);
    for (const node of cluster.nodes) await eventually(async () => (await ready(node.url)) === 503, 'not ready');
    const notReady = await httpRequest(`${node2.url}/health/ready`);
    assert.equal((notReady.json as { checks: { store: boolean } }).checks.store, false);
    await delay(500);
    await redis.restart();
    for (const node of cluster.nodes) await eventually(async () => (await ready(node.url)) === 200, 'ready again');

    const ends = await Promise.all([on2, on3].map((c) => c.waitForTerminal(runId, 20_000)));
    for (const end of ends) assert.equal(end.type, 'agent_completed');

    // What Redis holds now: the events appended since it came back, each once, numbered 1..M without a gap.
    const keys = new RedisKeys(cluster.prefix);
    const probe = new Redis(redis.url);
    const entries = await probe.xrange(keys.userStream('r-alice'), '-', '+').finally(() => probe.disconnect());
    const logged = entries.map(([, fields]) => JSON.parse(fields[fields.indexOf('e') + 1] as string) as RunEvent);
    assert.ok(logged.length > 0);
    assert.deepEqual(
      logged.map((e) => e.seq),
      logged.map((_, i) => i + 1),
    );
    const identities = logged.map(
      (e) => `${e.type}:${'step' in e ? e.step : ''}:${'toolCallId' in e ? e.toolCallId : ''}`,
    );
    assert.equal(new Set(identities).size, identities.length, 'no event is in the log twice');
    assert.equal(logged.filter((e) => e.type === 'agent_completed').length, 1);

    // Each connection: the old events without a gap, one resync_required at the seam, then the new log without a gap.
    for (const client of [on2, on3]) {
      assertServerFrames(client.frames);
      const streamed = client.frames.filter((f) => typeof f.seq === 'number' || f.type === 'resync_required');
      const seam = streamed.findIndex((f) => f.type === 'resync_required');
      assert.ok(seam > 0, 'the seam is marked');
      assert.equal(streamed.filter((f) => f.type === 'resync_required').length, 1);
      const before = streamed.slice(0, seam) as unknown as RunEvent[];
      const resync = streamed[seam] as Frame & { oldestSeq: number; lastSeq: number };
      const afterSeam = streamed.slice(seam + 1) as unknown as RunEvent[];
      assert.deepEqual(
        before.map((e) => e.seq),
        before.map((_, i) => i + 1),
      );
      assert.equal(resync.oldestSeq, 1);
      assert.deepEqual(
        afterSeam.map((e) => e.seq),
        afterSeam.map((_, i) => resync.lastSeq + 1 + i),
      );
      assert.deepEqual(afterSeam, logged.slice(resync.lastSeq), 'live after the seam is the new log');
    }

    // A client that resumes from the start of the new log gets all of it, once, then live.
    const resumed = await TestClient.connect(node3.wsUrl, await node3.token('r-alice'), { after: 0 });
    teardown.add('the resumed client', () => resumed.drop());
    await resumed.waitFor((f) => f.type === 'resumed');
    assert.deepEqual(runEventsOf(resumed.frames), logged);
    const run = await on3.request({ type: 'get_run', runId });
    assert.equal((run.run as { status: string }).status, 'completed');
  });
});
