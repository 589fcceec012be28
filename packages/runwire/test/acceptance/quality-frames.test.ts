import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { defineAgent } from '../../src/agents/agent-definition.js';
import { failingAgent } from '../helpers/failing-agent.js';
import { assertServerFrame } from '../helpers/frame-schemas.js';
import { type InProcessServer, startInProcessServer } from '../helpers/in-process-server.js';
import { type Frame, TestClient } from '../helpers/ws-client.js';

/** Never heartbeats and waits until stopped: the tracker marks it dead. */
const hanging = defineAgent({
  name: 'hanging',
  description: 'Test: hangs without heartbeats',
  input: z.strictObject({}),
  heartbeat: 'manual',
  run: (_input, ctx) =>
    new Promise<string>((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('stopped')))),
});

async function start(client: TestClient, agent: string, input: unknown = {}): Promise<string> {
  const ack = await client.request({ type: 'start_agent', agent, input });
  assert.equal(ack.type, 'ack', JSON.stringify(ack));
  return ack.runId as string;
}

/** Asks for metrics until `done` holds (rollups are written when the run's terminal event is logged). */
async function metricsWhen(client: TestClient, done: (frame: Frame) => boolean): Promise<Frame> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const frame = await client.request({ type: 'get_quality_metrics' });
    if (done(frame)) return frame;
    if (Date.now() > deadline) assert.fail(`metrics never satisfied the test: ${JSON.stringify(frame)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

type Agent = {
  agent: string;
  runs: number;
  outcomes: Record<string, number>;
  tools: Record<string, { calls: number; failures: number }>;
};
const agentsOf = (frame: Frame): Agent[] => frame.agents as Agent[];
const runsOf = (frame: Frame): number => agentsOf(frame).reduce((sum, a) => sum + a.runs, 0);

describe('quality frames over a real socket', () => {
  let server: InProcessServer;
  before(async () => {
    server = await startInProcessServer({
      config: { runHeartbeatTimeout: '300ms', alertWindow: 2, alertFailurePercent: 100 },
      runtime: { agents: [failingAgent, hanging], sweepInterval: 50 },
    });
  });
  after(async () => {
    await server.close(0);
  });

  it("answers get_quality_metrics with the caller's own runs only, per agent, outcome and tool", async () => {
    const alice = await TestClient.connect(server.wsUrl, await server.token('q-alice'));
    const bob = await TestClient.connect(server.wsUrl, await server.token('q-bob'));
    try {
      for (const runId of [await start(alice, 'echo', { text: 'a', steps: 1 }), await start(alice, 'failing')]) {
        await alice.waitForTerminal(runId);
      }
      const bobRun = await start(bob, 'echo', { text: 'b', steps: 0 });
      await bob.waitForTerminal(bobRun);
      const mine = await metricsWhen(alice, (f) => runsOf(f) === 2);
      assertServerFrame(mine);
      assert.equal(mine.periodHours, 24);
      const [echo, fails] = agentsOf(mine);
      assert.deepEqual(
        agentsOf(mine).map((a) => a.agent),
        ['echo', 'failing'],
      );
      assert.equal(echo?.runs, 1);
      assert.equal(echo?.outcomes.completed, 1);
      assert.deepEqual(echo?.tools, { clock: { calls: 1, failures: 0 } });
      assert.equal(fails?.outcomes.failed, 1);
      assert.deepEqual(Object.keys((fails as unknown as { failedByCode: object }).failedByCode), ['agent_failed']);
      assert.equal((fails as unknown as { successRate: number }).successRate, 0);

      const theirs = await metricsWhen(bob, (f) => runsOf(f) === 1);
      assert.deepEqual(
        agentsOf(theirs).map((a) => [a.agent, a.runs]),
        [['echo', 1]],
      );
      const onlyFailing = await alice.request({ type: 'get_quality_metrics', agent: 'failing', periodHours: 1 });
      assert.deepEqual(
        agentsOf(onlyFailing).map((a) => a.agent),
        ['failing'],
      );
      const bad = await alice.request({ type: 'get_quality_metrics', periodHours: -1 });
      assert.equal(bad.code, 'bad_request');
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });

  it('pushes quality_alert (no seq) to the subscribed owner of a run that dies, and to no one else', async () => {
    const alice = await TestClient.connect(server.wsUrl, await server.token('alert-alice'));
    const bob = await TestClient.connect(server.wsUrl, await server.token('alert-bob'));
    try {
      for (const client of [alice, bob]) {
        const ack = await client.request({ type: 'subscribe_quality_alerts', action: 'subscribe' });
        assert.equal(ack.type, 'ack');
        assertServerFrame(ack);
      }
      const runId = await start(alice, 'hanging');
      const end = await alice.waitForTerminal(runId);
      assert.equal(end.status, 'dead');
      const alert = await alice.waitFor((f) => f.type === 'quality_alert' && f.runId === runId);
      assertServerFrame(alert);
      assert.equal(alert.alert, 'run_dead');
      assert.equal(alert.agent, 'hanging');
      assert.equal(alert.seq, undefined);
      assert.equal(alert.id, undefined);
      // Bob subscribed too, on the same node: a run of his ends after Alice's alert, and he got no alert of hers.
      await bob.waitForTerminal(await start(bob, 'echo', { text: 'x', steps: 0 }));
      await bob.request({ type: 'ping' });
      assert.deepEqual(
        bob.frames.filter((f) => f.type === 'quality_alert'),
        [],
      );
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });

  it("raises failure_rate when an agent's failures over the window reach the threshold, and stops after unsubscribe", async () => {
    const alice = await TestClient.connect(server.wsUrl, await server.token('rate-alice'));
    try {
      await alice.request({ type: 'subscribe_quality_alerts', action: 'subscribe' });
      await alice.waitForTerminal(await start(alice, 'failing'));
      await alice.waitForTerminal(await start(alice, 'failing'));
      const alert = await alice.waitFor((f) => f.type === 'quality_alert' && f.alert === 'failure_rate');
      assertServerFrame(alert);
      assert.equal(alert.agent, 'failing');
      assert.equal(alert.failureRate, 1);
      assert.equal(alert.windowRuns, 2);
      const unsubscribed = await alice.request({ type: 'subscribe_quality_alerts', action: 'unsubscribe' });
      assert.equal(unsubscribed.type, 'ack');
      const runId = await start(alice, 'hanging');
      await alice.waitForTerminal(runId);
      await alice.waitForTerminal(await start(alice, 'echo', { text: 'x', steps: 0 }));
      await alice.request({ type: 'ping' });
      assert.equal(alice.frames.filter((f) => f.type === 'quality_alert' && f.runId === runId).length, 0);
    } finally {
      await alice.close();
    }
  });

  it('ends a subscription with its connection', async () => {
    const alerts = server.server.runtime.quality.alerts;
    const before = alerts.subscriptions;
    const alice = await TestClient.connect(server.wsUrl, await server.token('gone-alice'));
    await alice.request({ type: 'subscribe_quality_alerts', action: 'subscribe' });
    await alice.request({ type: 'subscribe_quality_alerts', action: 'subscribe' });
    assert.equal(alerts.subscriptions, before + 1);
    await alice.close();
    await alice.waitUntil(() => alerts.subscriptions === before, 2000, 'the subscription to end');
  });

  it('answers validate_content with the rule, message and place of each issue', async () => {
    const alice = await TestClient.connect(server.wsUrl, await server.token('v-alice'));
    try {
      const ok = await alice.request({ type: 'validate_content', content: 'A complete and useful answer.' });
      assertServerFrame(ok);
      assert.deepEqual([ok.valid, ok.score, ok.issues], [true, 100, []]);
      const bad = await alice.request({
        type: 'validate_content',
        content: '{"a": 1,}',
        contentType: 'json',
      });
      assertServerFrame(bad);
      assert.equal(bad.valid, false);
      const [issue] = bad.issues as Array<Record<string, unknown>>;
      assert.equal(issue?.rule, 'invalid-json');
      assert.equal(issue?.line, 1);
      assert.equal(issue?.start, 8);
    } finally {
      await alice.close();
    }
  });

  it("answers generate_quality_report with the caller's summary and the change against the previous period", async () => {
    const carol = await TestClient.connect(server.wsUrl, await server.token('r-carol'));
    try {
      await carol.waitForTerminal(await start(carol, 'echo', { text: 'x', steps: 0 }));
      await metricsWhen(carol, (f) => runsOf(f) === 1);
      const report = await carol.request({ type: 'generate_quality_report', period: 'day' });
      assertServerFrame(report);
      const summary = report.summary as { runs: number; successRate: number };
      assert.equal(report.period, 'day');
      assert.equal(summary.runs, 1);
      assert.equal(summary.successRate, 1);
      assert.deepEqual(report.change, { runs: 1, successRate: null });
      const week = await carol.request({ type: 'generate_quality_report' });
      assert.equal(week.period, 'week');
      assert.equal((week.summary as { runs: number }).runs, 1);
    } finally {
      await carol.close();
    }
  });
});
