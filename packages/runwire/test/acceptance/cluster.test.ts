import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertServerFrames, runEventsOf } from '../helpers/frame-schemas.js';
import { httpRequest, metricSample } from '../helpers/http-client.js';
import { assertRunEventRules } from '../helpers/protocol-rules.js';
import { type ServerCluster, startServerCluster } from '../helpers/server-cluster.js';
import { TestClient } from '../helpers/ws-client.js';
import { SHARED_REDIS_URL } from '../stores/redis-test-server.js';

/** Runs that ended on one node, by final state, from its /metrics. */
async function endedOn(url: string, state: string): Promise<number> {
  const metrics = await httpRequest(`${url}/metrics`);
  return metricSample(metrics.text, 'runwire_runs_ended_total', { state }) ?? 0;
}

describe('three nodes on one Redis (runwire serve --store redis)', () => {
  let cluster: ServerCluster;
  const clients: TestClient[] = [];

  before(async () => {
    cluster = await startServerCluster({ count: 3, redisUrl: SHARED_REDIS_URL });
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await cluster.stop();
  });

  async function connect(node: number, userId: string): Promise<TestClient> {
    const server = cluster.nodes[node] as (typeof cluster.nodes)[number];
    const client = await TestClient.connect(server.wsUrl, await server.token(userId));
    clients.push(client);
    return client;
  }

  it('shows a run started through node 1 to the user on nodes 2 and 3 with the same contiguous seqs, and to no one else', async () => {
    const [on1, on2, on3] = [await connect(0, 'c-alice'), await connect(1, 'c-alice'), await connect(2, 'c-alice')];
    const [bobOn1, bobOn2] = [await connect(0, 'c-bob'), await connect(1, 'c-bob')];
    const ack = await on1.request({
      type: 'start_agent',
      agent: 'echo',
      input: { text: 'hello', steps: 5, delayMs: 20 },
    });
    assert.equal(ack.type, 'ack');
    const runId = ack.runId as string;
    const [end2, end3] = await Promise.all([on2.waitForTerminal(runId), on3.waitForTerminal(runId)]);
    assert.equal(end2.type, 'agent_completed');
    assert.equal(end3.type, 'agent_completed');
    await on1.waitForTerminal(runId);

    const seen2 = runEventsOf(on2.frames);
    const seen3 = runEventsOf(on3.frames);
    assert.deepEqual(seen3, seen2, 'both connections received the same events');
    assert.deepEqual(runEventsOf(on1.frames), seen2, 'and so did the connection that started it');
    // echo with 5 steps: agent_started, 5 × agent_thinking, tool_executing, tool_completed, agent_completed.
    assert.deepEqual(
      seen2.map((e) => e.seq),
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assertRunEventRules(seen2, { firstSeq: 1 });
    assert.ok(seen2.every((e) => e.runId === runId && e.userId === 'c-alice'));
    for (const client of [on1, on2, on3, bobOn1, bobOn2]) assertServerFrames(client.frames);

    // The other user got nothing, on any node, and cannot see the run from any node.
    assert.deepEqual([runEventsOf(bobOn1.frames), runEventsOf(bobOn2.frames)], [[], []]);
    for (const bob of [bobOn1, bobOn2]) {
      const answer = await bob.request({ type: 'get_run', runId });
      assert.deepEqual([answer.type, answer.code], ['error', 'not_found']);
    }
    const fromNode3 = await on3.request({ type: 'get_run', runId });
    assert.equal((fromNode3.run as { status: string }).status, 'completed');
  });

  it('ends a run on node 1 when stop_agent is sent to node 3, and delivers agent_cancelled to every connection', async () => {
    const [on1, on2, on3] = [await connect(0, 'c-carol'), await connect(1, 'c-carol'), await connect(2, 'c-carol')];
    const cancelledBefore = await endedOn((cluster.nodes[0] as { url: string }).url, 'cancelled');
    const ack = await on1.request({
      type: 'start_agent',
      agent: 'echo',
      input: { text: 'long', steps: 100, delayMs: 100 },
    });
    const runId = ack.runId as string;
    await on3.waitFor((f) => f.runId === runId && f.type === 'agent_thinking');

    const stopped = await on3.request({ type: 'stop_agent', runId });
    assert.deepEqual([stopped.type, stopped.runId, stopped.status], ['ack', runId, 'running']);
    const [end2, end3] = await Promise.all([on2.waitForTerminal(runId), on3.waitForTerminal(runId)]);
    for (const end of [end2, end3]) assert.deepEqual([end.type, end.reason], ['agent_cancelled', 'user']);
    await on1.waitForTerminal(runId);

    // Node 1, which ran it, ended it; the others only relayed the request.
    assert.equal(await endedOn((cluster.nodes[0] as { url: string }).url, 'cancelled'), cancelledBefore + 1);
    for (const node of cluster.nodes.slice(1)) assert.equal(await endedOn(node.url, 'cancelled'), 0);
    const events = runEventsOf(on2.frames, runId);
    assert.deepEqual(runEventsOf(on3.frames, runId), events);
    assertRunEventRules(events);
    const fromNode2 = await on2.request({ type: 'get_run', runId });
    assert.equal((fromNode2.run as { status: string }).status, 'cancelled');
  });

  it('ends a run on node 1 when POST /api/runs/:id/cancel reaches node 2', async () => {
    const [on1, on3] = [await connect(0, 'c-dave'), await connect(2, 'c-dave')];
    const ack = await on1.request({
      type: 'start_agent',
      agent: 'echo',
      input: { text: 'x', steps: 100, delayMs: 100 },
    });
    const runId = ack.runId as string;
    await on3.waitFor((f) => f.runId === runId && f.type === 'agent_started');
    const node2 = cluster.nodes[1] as (typeof cluster.nodes)[number];
    const token = await node2.token('c-dave');
    const answer = await httpRequest(`${node2.url}/api/runs/${runId}/cancel`, { method: 'POST', token });
    assert.equal(answer.status, 200);
    const end = await on3.waitForTerminal(runId);
    assert.deepEqual([end.type, end.reason], ['agent_cancelled', 'user']);
    const stranger = await httpRequest(`${node2.url}/api/runs/${runId}/cancel`, {
      method: 'POST',
      token: await node2.token('c-eve'),
    });
    assert.equal(stranger.status, 404, "another user's cancel is answered like a missing run");
    const run = await httpRequest(`${node2.url}/api/runs/${runId}`, { token });
    assert.equal((run.json as { status: string }).status, 'cancelled');
  });
});
