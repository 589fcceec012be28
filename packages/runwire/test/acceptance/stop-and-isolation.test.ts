import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { defineAgent } from '../../src/agents/agent-definition.js';
import { defineTool } from '../../src/agents/tool.js';
import { assertServerFrame, assertServerFrames, runEventsOf } from '../helpers/frame-schemas.js';
import { httpRequest } from '../helpers/http-client.js';
import { type InProcessServer, startInProcessServer } from '../helpers/in-process-server.js';
import { assertRunEventRules } from '../helpers/protocol-rules.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { type Frame, TestClient } from '../helpers/ws-client.js';

const TERMINAL = new Set(['agent_completed', 'agent_error', 'agent_cancelled']);

/** Starts a run and returns its ack (asserted to be an ack). */
async function start(client: TestClient, frame: Record<string, unknown>): Promise<Frame & { runId: string }> {
  const ack = await client.request(frame);
  assert.equal(ack.type, 'ack', JSON.stringify(ack));
  assertServerFrame(ack);
  return ack as Frame & { runId: string };
}

/**
 * Runs a quick echo run to its end: every event of the user emitted before it (e.g. a stray second terminal event)
 * has then reached the client, since one user's events arrive in `seq` order.
 */
async function barrier(client: TestClient): Promise<void> {
  const ack = await start(client, { type: 'start_agent', agent: 'echo', input: { text: 'barrier', steps: 0 } });
  await client.waitForTerminal(ack.runId);
}

/** The error frame with the run id replaced, to compare a hidden run's answer with a missing run's. */
function withoutRunId(frame: Frame, runId: string): string {
  const { id: _id, ...rest } = frame;
  return JSON.stringify(rest).replaceAll(runId, '<runId>');
}

describe('stopping runs over a real socket', () => {
  let server: ServerProcess;
  let alice: TestClient;
  before(async () => {
    server = await startServerProcess();
    alice = await TestClient.connect(server.wsUrl, await server.token('stop-alice'));
  });
  after(async () => {
    await alice.close();
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  it('cancels a run during a thinking pause with agent_cancelled user; a second stop acks cancelled and emits nothing', async () => {
    const ack = await start(alice, {
      type: 'start_agent',
      agent: 'echo',
      input: { text: 'never', steps: 5, delayMs: 300 },
    });
    await alice.waitFor((f) => f.runId === ack.runId && f.type === 'agent_thinking');
    const stop = await alice.request({ type: 'stop_agent', runId: ack.runId });
    assertServerFrame(stop);
    assert.deepEqual(
      { type: stop.type, runId: stop.runId, status: stop.status },
      {
        type: 'ack',
        runId: ack.runId,
        status: 'cancelled',
      },
    );
    const cancelled = await alice.waitForTerminal(ack.runId);
    assert.equal(cancelled.type, 'agent_cancelled');
    assert.equal(cancelled.reason, 'user');
    assert.equal(cancelled.status, 'cancelled');

    const again = await alice.request({ type: 'stop_agent', runId: ack.runId });
    assert.equal(again.type, 'ack');
    assert.equal(again.status, 'cancelled');
    await barrier(alice);
    const events = runEventsOf(alice.frames, ack.runId);
    assert.equal(events.filter((e) => TERMINAL.has(e.type)).length, 1, 'a second terminal event was sent');
    assert.ok(!events.some((e) => e.type === 'agent_completed'));
    assertServerFrames(alice.frames);
    assertRunEventRules(runEventsOf(alice.frames), { firstSeq: 1 });
  });

  it('cancels a run waiting for its thread: run_queued, then agent_cancelled without ever starting', async () => {
    const first = await start(alice, {
      type: 'start_agent',
      agent: 'echo',
      input: { text: 'first', steps: 3, delayMs: 200 },
    });
    const queued = await start(alice, {
      type: 'start_agent',
      agent: 'echo',
      input: { text: 'second' },
      threadId: first.threadId,
    });
    await alice.waitFor((f) => f.runId === queued.runId && f.type === 'run_queued');
    const stop = await alice.request({ type: 'stop_agent', runId: queued.runId });
    assert.equal(stop.status, 'cancelled');
    await alice.waitForTerminal(first.runId);
    const types = runEventsOf(alice.frames, queued.runId).map((e) => e.type);
    assert.deepEqual(types, ['run_queued', 'agent_cancelled']);
    assertRunEventRules(runEventsOf(alice.frames), { firstSeq: 1 });
  });

  it('acks stop_agent of a finished run with its final status and sends no agent_cancelled', async () => {
    const ack = await start(alice, { type: 'start_agent', agent: 'echo', input: { text: 'quick', steps: 1 } });
    await alice.waitForTerminal(ack.runId);
    const stop = await alice.request({ type: 'stop_agent', runId: ack.runId });
    assert.equal(stop.type, 'ack');
    assert.equal(stop.status, 'completed');
    await barrier(alice);
    assert.deepEqual(
      runEventsOf(alice.frames, ack.runId)
        .filter((e) => TERMINAL.has(e.type))
        .map((e) => e.type),
      ['agent_completed'],
    );
  });
});

describe("another user's run", () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess();
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  it('is not_found on the socket (get_run, stop_agent), exactly like a missing run, and is left alone', async () => {
    const alice = await TestClient.connect(server.wsUrl, await server.token('iso-alice'));
    const mallory = await TestClient.connect(server.wsUrl, await server.token('iso-mallory'));
    try {
      const ack = await start(alice, {
        type: 'start_agent',
        agent: 'echo',
        input: { text: 'mine', steps: 3, delayMs: 150 },
      });
      const missing = 'run_doesnotexist0000000000';
      for (const type of ['get_run', 'stop_agent']) {
        const hidden = await mallory.request({ type, runId: ack.runId });
        const absent = await mallory.request({ type, runId: missing });
        assertServerFrame(hidden);
        assert.equal(hidden.type, 'error');
        assert.equal(hidden.code, 'not_found');
        assert.equal(withoutRunId(hidden, ack.runId), withoutRunId(absent, missing), `${type} reveals the run`);
      }
      const listed = await mallory.request({ type: 'list_runs' });
      assertServerFrame(listed);
      assert.deepEqual(listed.runs, []);
      // Mallory's stop did nothing: the run completes for its owner, who sees it.
      const done = await alice.waitForTerminal(ack.runId);
      assert.equal(done.type, 'agent_completed');
      const own = await alice.request({ type: 'get_run', runId: ack.runId });
      assertServerFrame(own);
      assert.equal((own.run as { status: string }).status, 'completed');
      assert.equal(mallory.events().length, 0);
    } finally {
      await alice.close();
      await mallory.close();
    }
  });

  it('is 404 over REST (run, cancel, events) with the body of a missing run, and REST without a token is 401', async () => {
    const alice = await TestClient.connect(server.wsUrl, await server.token('rest-alice'));
    try {
      const ack = await start(alice, {
        type: 'start_agent',
        agent: 'echo',
        input: { text: 'mine', steps: 2, delayMs: 200 },
      });
      const mallory = await server.token('rest-mallory');
      const missing = 'run_doesnotexist0000000000';
      const routes = [
        { method: 'GET', path: (id: string) => `/api/runs/${id}` },
        { method: 'POST', path: (id: string) => `/api/runs/${id}/cancel` },
        { method: 'GET', path: (id: string) => `/api/runs/${id}/events` },
      ];
      for (const route of routes) {
        const hidden = await httpRequest(`${server.url}${route.path(ack.runId)}`, {
          method: route.method,
          token: mallory,
        });
        const absent = await httpRequest(`${server.url}${route.path(missing)}`, {
          method: route.method,
          token: mallory,
        });
        const what = `${route.method} ${route.path(':id')}`;
        assert.equal(hidden.status, 404, `${what}: ${hidden.text}`);
        assert.equal(absent.status, 404, `${what}: ${absent.text}`);
        assert.equal((hidden.json as { error?: { code?: string } }).error?.code, 'not_found', what);
        assert.equal(
          hidden.text.replaceAll(ack.runId, '<runId>'),
          absent.text.replaceAll(missing, '<runId>'),
          `${what} reveals the run`,
        );
        const anonymous = await httpRequest(`${server.url}${route.path(ack.runId)}`, { method: route.method });
        assert.equal(anonymous.status, 401, `${what} without a token`);
        assert.equal((anonymous.json as { error?: { code?: string } }).error?.code, 'unauthenticated');
      }
      const done = await alice.waitForTerminal(ack.runId);
      assert.equal(done.type, 'agent_completed', "mallory's REST cancel stopped alice's run");
    } finally {
      await alice.close();
    }
  });
});

/** A tool that takes 10 s unless its run ends first. */
const slowTool = defineTool({
  name: 'slow_lookup',
  description: 'Test: a lookup that takes 10 s unless the run ends first',
  parameters: z.strictObject({ query: z.string() }),
  async execute(params, call) {
    await call.clock.sleep(10_000, call.signal);
    return { query: params.query, found: true };
  },
});

const slowToolAgent = defineAgent({
  name: 'slow_tool',
  description: 'Test: thinks once, then calls slow_lookup',
  input: z.strictObject({}),
  async run(_input, ctx) {
    await ctx.thinking('Looking it up');
    const result = await ctx.callTool('slow_lookup', { query: 'answer' });
    return JSON.stringify(result);
  },
});

// The built-in agents' tools (calculator, clock, my_runs) finish at once, so no run of the child-process server can
// be caught inside a tool call. This server runs in the test process with a slow tool, over the same gateway.
describe('stopping a run inside a tool call (in-process server with a slow tool)', () => {
  let server: InProcessServer;
  before(async () => {
    server = await startInProcessServer({ runtime: { agents: [slowToolAgent], tools: [slowTool] } });
  });
  after(async () => {
    await server.close(0);
  });

  it('sends tool_completed success:false, then agent_cancelled user; a second stop acks cancelled and adds nothing', async () => {
    const client = await TestClient.connect(server.wsUrl, await server.token('tool-alice'));
    try {
      const ack = await start(client, { type: 'start_agent', agent: 'slow_tool', input: {} });
      const executing = await client.waitFor((f) => f.runId === ack.runId && f.type === 'tool_executing');
      const stop = await client.request({ type: 'stop_agent', runId: ack.runId });
      assert.equal(stop.type, 'ack');
      assert.equal(stop.status, 'cancelled');
      await client.waitForTerminal(ack.runId);
      const again = await client.request({ type: 'stop_agent', runId: ack.runId });
      assert.equal(again.status, 'cancelled');
      await barrier(client);

      const events = runEventsOf(client.frames, ack.runId);
      assert.deepEqual(
        events.map((e) => e.type),
        ['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed', 'agent_cancelled'],
      );
      const completed = events[3];
      assert.ok(completed?.type === 'tool_completed');
      assert.equal(completed.toolCallId, executing.toolCallId);
      assert.equal(completed.success, false);
      assert.equal(completed.results, null);
      assert.equal(completed.error?.code, 'run_ended');
      const cancelled = events[4];
      assert.ok(cancelled?.type === 'agent_cancelled');
      assert.equal(cancelled.reason, 'user');
      assertServerFrames(client.frames);
      assertRunEventRules(runEventsOf(client.frames), { firstSeq: 1 });
    } finally {
      await client.close();
    }
  });
});
