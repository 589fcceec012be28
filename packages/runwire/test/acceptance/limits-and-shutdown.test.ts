import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { defineAgent } from '../../src/agents/agent-definition.js';
import { defineTool } from '../../src/agents/tool.js';
import type { RunEvent } from '../../src/protocol/run-events.js';
import { assertServerFrames, runEventsOf } from '../helpers/frame-schemas.js';
import { httpRequest, metricSample } from '../helpers/http-client.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { assertRunEventRules } from '../helpers/protocol-rules.js';
import { type ServerProcess, startServerProcess, tempDir } from '../helpers/server-process.js';
import { type Frame, TestClient } from '../helpers/ws-client.js';

/** The underlying TCP socket of a test client, to stop reading from it. */
function tcpOf(client: TestClient): { pause(): void; resume(): void } {
  return (client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
}

describe('frame size limit (--max-frame-bytes 2048)', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess({ args: ['--max-frame-bytes', '2048'] });
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  it('accepts a frame under the limit and closes the socket with 1009 on a larger one', async () => {
    const client = await TestClient.connect(server.wsUrl, await server.token('big-alice'));
    try {
      const fits = await client.request({ type: 'user_message', agent: 'echo', content: 'x'.repeat(1900) });
      assert.equal(fits.type, 'ack', JSON.stringify(fits).slice(0, 200));
      client.send({ type: 'user_message', agent: 'echo', content: 'x'.repeat(3000) });
      assert.equal(await client.waitForClose(), 1009);
    } finally {
      await client.close();
    }
  });
});

describe('rate limit (--rate-limit 5 --rate-burst 5)', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess({ args: ['--rate-limit', '5', '--rate-burst', '5'] });
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  it('answers frames past the burst with rate_limited and retryAfterMs, and serves again after that wait', async () => {
    const client = await TestClient.connect(server.wsUrl, await server.token('rate-alice'));
    try {
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) ids.push(client.send({ type: 'ping' }));
      await client.waitUntil(() => ids.every((id) => client.frames.some((f) => f.id === id)));
      const replies = ids.map((id) => client.frames.find((f) => f.id === id) as Frame);
      assertServerFrames(replies);
      assert.deepEqual(
        replies.map((r) => (r.type === 'error' ? r.code : r.type)),
        ['pong', 'pong', 'pong', 'pong', 'pong', 'rate_limited', 'rate_limited', 'rate_limited'],
      );
      const retryAfterMs = (replies[5]?.details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
      assert.ok(typeof retryAfterMs === 'number' && retryAfterMs > 0 && retryAfterMs <= 200, `${retryAfterMs}`);
      await new Promise((resolve) => setTimeout(resolve, retryAfterMs + 20));
      const pong = await client.request({ type: 'ping' });
      assert.equal(pong.type, 'pong');
      assert.equal(client.closeCode, undefined);
      const metrics = await httpRequest(`${server.url}/metrics`);
      assert.equal(metricSample(metrics.text, 'runwire_rate_limited_frames_total'), 3);
    } finally {
      await client.close();
    }
  });
});

describe('abuse: 100 bad frames in 10 s', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess();
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  it('keeps the socket open through 99 bad frames and closes it with 1008 at the 100th', async () => {
    const client = await TestClient.connect(server.wsUrl, await server.token('abuse-alice'));
    try {
      for (let i = 0; i < 99; i++) client.sendRaw('this is not json');
      await client.waitUntil(() => client.frames.filter((f) => f.code === 'bad_json').length === 99);
      // 99 bad frames and a ping: a burst of 100 stays within the default rate limit (burst 100).
      const pong = await client.request({ type: 'ping' });
      assert.equal(pong.type, 'pong');
      client.sendRaw('this is not json either');
      assert.equal(await client.waitForClose(), 1008);
    } finally {
      await client.close();
    }
  });
});

describe('slow consumer (--max-buffered-bytes 65536)', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess({
      args: [
        '--max-buffered-bytes',
        '65536',
        '--max-runs-per-user',
        '50',
        '--max-queued-per-user',
        '1000',
        '--rate-limit',
        '1000',
        '--rate-burst',
        '1000',
      ],
    });
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  it('closes a client that stops reading with 1013, and it resumes from its last seq with nothing lost', async () => {
    const token = await server.token('slow-alice');
    const slow = await TestClient.connect(server.wsUrl, token);
    const driver = await TestClient.connect(server.wsUrl, token);
    let resumed: TestClient | undefined;
    try {
      tcpOf(slow).pause();
      // Big events (30 kB answers) until the server has given up on the slow socket: it then sends fewer
      // agent_completed frames than twice the runs (the driver gets every one; the slow client not all).
      const text = 'x'.repeat(30_000);
      let runs = 0;
      for (let batch = 0; batch < 40; batch++) {
        const acks: Frame[] = [];
        for (let i = 0; i < 25; i++) {
          acks.push(await driver.request({ type: 'start_agent', agent: 'echo', input: { text, steps: 0 } }));
        }
        for (const ack of acks) await driver.waitForTerminal(ack.runId as string, 20_000);
        runs += acks.length;
        const metrics = await httpRequest(`${server.url}/metrics`);
        const completedSent = metricSample(metrics.text, 'runwire_frames_sent_total', { type: 'agent_completed' });
        if ((completedSent ?? 0) < 2 * runs) break;
      }
      const total = driver.events().at(-1)?.seq as number;
      // An echo run with no steps: agent_started, tool_executing, tool_completed, agent_completed.
      assert.equal(total, runs * 4, 'the driver did not receive every event');

      tcpOf(slow).resume();
      assert.equal(await slow.waitForClose(10_000), 1013);
      const got = runEventsOf(slow.frames);
      assert.ok(got.length < total, 'the slow client was not cut off');
      assertRunEventRules(got, { firstSeq: 1, allowOpenRuns: true });

      resumed = await TestClient.connect(server.wsUrl, token, { after: got.at(-1)?.seq ?? 0 });
      await resumed.waitFor((f) => f.type === 'resumed', 10_000);
      assertServerFrames(resumed.frames);
      const all = [...got, ...runEventsOf(resumed.frames)];
      assert.equal(all.length, total);
      assertRunEventRules(all, { firstSeq: 1 });
      assert.deepEqual(all, runEventsOf(driver.frames), 'the slow client and the driver saw different events');
    } finally {
      // A paused socket never reads the close handshake: drop it instead.
      tcpOf(slow).resume();
      if (slow.closeCode === undefined) slow.drop();
      await slow.closed;
      await driver.close();
      await resumed?.close();
    }
  });
});

describe('heartbeat (--heartbeat 200ms)', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess({ args: ['--heartbeat', '200ms'] });
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  it('keeps a peer that answers pings and drops one that stops answering', async () => {
    const token = await server.token('beat-alice');
    const live = await TestClient.connect(server.wsUrl, token);
    const silent = await TestClient.connect(server.wsUrl, token);
    try {
      assert.equal(live.frames[0]?.heartbeatMs, 200);
      // A peer that stops reading never sees the pings, so it never answers them.
      tcpOf(silent).pause();
      const deadline = Date.now() + 5000;
      let open: number | undefined;
      while (Date.now() < deadline) {
        const metrics = await httpRequest(`${server.url}/metrics`);
        open = metricSample(metrics.text, 'runwire_connections');
        if (open === 1) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(open, 1, 'the silent peer was not dropped');
      // The live one has been pinged several times meanwhile and still answers.
      const pong = await live.request({ type: 'ping' });
      assert.equal(pong.type, 'pong');
      assert.equal(live.closeCode, undefined);
    } finally {
      tcpOf(silent).resume();
      if (silent.closeCode === undefined) silent.drop();
      await silent.closed;
      await live.close();
    }
  });
});

describe('SIGTERM', () => {
  it('closes sockets with 1001, gives a longer run the grace period, then exits 0 saying so', async () => {
    const server = await startServerProcess({ args: ['--shutdown-grace', '1s'] });
    const alice = await TestClient.connect(server.wsUrl, await server.token('term-alice'));
    const bob = await TestClient.connect(server.wsUrl, await server.token('term-bob'));
    try {
      const ack = await alice.request({
        type: 'start_agent',
        agent: 'echo',
        input: { text: 'too long', steps: 50, delayMs: 200 },
      });
      await alice.waitFor((f) => f.runId === ack.runId && f.type === 'agent_thinking');
      const signalled = Date.now();
      const exitCode = await server.stop('SIGTERM');
      const tookMs = Date.now() - signalled;
      assert.equal(exitCode, 0);
      assert.equal(alice.closeCode, 1001);
      assert.equal(bob.closeCode, 1001);
      // It waited for the run (the grace period) but not for the run's 10 s.
      assert.ok(tookMs >= 900 && tookMs < 5000, `exited ${tookMs} ms after SIGTERM`);
      const log = server
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const stopping = log.find((l) => l.msg === 'shutting down');
      const stopped = log.find((l) => l.msg === 'stopped');
      assert.equal(stopping?.signal, 'SIGTERM');
      assert.equal(stopping?.runsInFlight, 1, JSON.stringify(stopping));
      assert.equal(stopped?.runsCancelled, 1, JSON.stringify(stopped));
      assert.equal(stopped?.runsFinished, 0, JSON.stringify(stopped));
    } finally {
      await alice.close();
      await bob.close();
      await server.stop('SIGKILL');
    }
  });

  it('with a durable store (SQLite): the run cut off by SIGTERM reads as agent_cancelled shutdown after a restart', async () => {
    const dir = tempDir();
    const db = join(dir.path, 'runwire.db');
    const args = ['--store', 'sqlite', '--db', db, '--shutdown-grace', '500ms'];
    let server = await startServerProcess({ args });
    const token = await server.token('term-durable');
    const client = await TestClient.connect(server.wsUrl, token);
    let restarted: TestClient | undefined;
    try {
      const ack = await client.request({
        type: 'start_agent',
        agent: 'echo',
        input: { text: 'too long', steps: 50, delayMs: 200 },
      });
      assert.equal(ack.type, 'ack');
      await client.waitFor((f) => f.runId === ack.runId && f.type === 'agent_thinking');
      assert.equal(await server.stop('SIGTERM'), 0);
      assert.equal(client.closeCode, 1001);
      const lastSeen = client.events().at(-1)?.seq as number;

      server = await startServerProcess({ args });
      const snapshot = await httpRequest(`${server.url}/api/runs/${ack.runId}`, { token });
      assert.equal((snapshot.json as { status?: string }).status, 'cancelled', snapshot.text);
      const events = await httpRequest(`${server.url}/api/runs/${ack.runId}/events`, { token });
      const list = (events.json as { events: RunEvent[] }).events;
      assertRunEventRules(list, { firstSeq: 1 });
      const last = list.at(-1);
      assert.ok(last?.type === 'agent_cancelled', JSON.stringify(last));
      assert.equal(last.reason, 'shutdown');
      // A client that resumes from what it saw gets the rest, ending with that agent_cancelled.
      restarted = await TestClient.connect(server.wsUrl, token, { after: lastSeen });
      await restarted.waitFor((f) => f.type === 'resumed');
      assert.deepEqual(restarted.events().at(-1), last);
    } finally {
      await client.close();
      await restarted?.close();
      assert.equal(await server.stop('SIGTERM'), 0);
      dir.remove();
    }
  });

  it('exits 0 at once with no run in flight', async () => {
    const server = await startServerProcess({ args: ['--shutdown-grace', '10s'] });
    const client = await TestClient.connect(server.wsUrl, await server.token('term-idle'));
    const signalled = Date.now();
    assert.equal(await server.stop('SIGTERM'), 0);
    assert.ok(Date.now() - signalled < 5000);
    assert.equal(client.closeCode, 1001);
  });
});

/** A tool that takes 10 s unless its run ends first. */
const slowTool = defineTool({
  name: 'slow_lookup',
  description: 'Test: a lookup that takes 10 s unless the run ends first',
  parameters: z.strictObject({}),
  async execute(_params, call) {
    await call.clock.sleep(10_000, call.signal);
    return { found: true };
  },
});

const slowToolAgent = defineAgent({
  name: 'slow_tool',
  description: 'Test: calls slow_lookup',
  input: z.strictObject({}),
  async run(_input, ctx) {
    await ctx.callTool('slow_lookup', {});
    return 'found';
  },
});

// With the memory store the events of a shutdown die with the process; this server runs in the test process, so its
// event log can be read after the shutdown.
describe('shutdown of an in-process server with runs in flight', () => {
  it('lets a short run complete within the grace and cancels a longer one (reason shutdown, open tool closed)', async () => {
    const server = await startInProcessServer({ runtime: { agents: [slowToolAgent], tools: [slowTool] } });
    const client = await TestClient.connect(server.wsUrl, await server.token('grace-alice'));
    let events: RunEvent[] = [];
    let short: Frame | undefined;
    let long: Frame | undefined;
    try {
      short = await client.request({
        type: 'start_agent',
        agent: 'echo',
        input: { text: 'quick', steps: 2, delayMs: 150 },
      });
      long = await client.request({ type: 'start_agent', agent: 'slow_tool', input: {} });
      await client.waitFor((f) => f.runId === long?.runId && f.type === 'tool_executing');
      await server.close(1000);
      assert.equal(await client.waitForClose(), 1001);
      events = await server.server.runtime.events.read('grace-alice', 0);
    } finally {
      await client.close();
      await server.close(0);
    }
    assertRunEventRules(events, { firstSeq: 1 });
    const typesOf = (runId: unknown) => events.filter((e) => e.runId === runId).map((e) => e.type);
    assert.equal(typesOf(short?.runId).at(-1), 'agent_completed');
    assert.deepEqual(typesOf(long?.runId), ['agent_started', 'tool_executing', 'tool_completed', 'agent_cancelled']);
    const cancelled = events.find((e) => e.runId === long?.runId && e.type === 'agent_cancelled');
    assert.ok(cancelled?.type === 'agent_cancelled');
    assert.equal(cancelled.reason, 'shutdown');
    const toolEnd = events.find((e) => e.runId === long?.runId && e.type === 'tool_completed');
    assert.ok(toolEnd?.type === 'tool_completed');
    assert.equal(toolEnd.success, false);
  });
});
