import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertServerFrames, runEventsOf } from '../helpers/frame-schemas.js';
import { assertRunEventRules } from '../helpers/protocol-rules.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { TestClient } from '../helpers/ws-client.js';

describe('chat runs streamed to their owners', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess();
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  it('streams two users chatting at once each their own run, in protocol order, and nothing of the other', async () => {
    const alice = await TestClient.connect(server.wsUrl, await server.token('chat-alice'));
    const bob = await TestClient.connect(server.wsUrl, await server.token('chat-bob'));
    try {
      const [aliceAck, bobAck] = await Promise.all([
        alice.request({ type: 'user_message', content: 'what is 2+3*4? and what time is it' }),
        bob.request({ type: 'user_message', content: 'compute (7-2)*3 please' }),
      ]);
      const runs = [
        { client: alice, ack: aliceAck, userId: 'chat-alice', answer: /2\+3\*4 = 14/ },
        { client: bob, ack: bobAck, userId: 'chat-bob', answer: /\(7-2\)\*3 = 15/ },
      ];
      for (const { client, ack, userId, answer } of runs) {
        assert.equal(ack.type, 'ack', JSON.stringify(ack));
        const runId = ack.runId as string;
        const done = await client.waitForTerminal(runId);
        assert.equal(done.type, 'agent_completed');
        assert.match(String(done.finalResponse), answer);

        assertServerFrames(client.frames);
        const events = runEventsOf(client.frames);
        assertRunEventRules(events, { firstSeq: 1 });
        // Only this user's run reached this user.
        assert.deepEqual([...new Set(events.map((e) => e.userId))], [userId]);
        assert.deepEqual([...new Set(events.map((e) => e.runId))], [runId]);
        assert.equal(events[0]?.threadId, ack.threadId);
        // The ack precedes the run's first event.
        assert.ok(client.frames.indexOf(ack) < client.frames.findIndex((f) => f.runId === runId && 'seq' in f));

        const types = events.map((e) => e.type);
        assert.deepEqual(types.slice(0, 3), ['agent_started', 'agent_thinking', 'tool_executing']);
        assert.equal(types.at(-1), 'agent_completed');
        for (const type of ['tool_completed', 'partial_result'])
          assert.ok(types.includes(type as (typeof types)[number]), `no ${type} in ${types.join(', ')}`);
        const calculator = events.find((e) => e.type === 'tool_completed' && e.toolName === 'calculator');
        assert.ok(calculator?.type === 'tool_completed' && calculator.success, 'the calculator call did not succeed');
        // The streamed parts add up to the final response.
        const streamed = events.map((e) => (e.type === 'partial_result' ? e.delta : '')).join('');
        assert.equal(streamed, done.finalResponse);
      }
    } finally {
      await alice.close();
      await bob.close();
    }
  });

  it('shows two connections of one user the same events with the same contiguous seq', async () => {
    const token = await server.token('chat-carol');
    const first = await TestClient.connect(server.wsUrl, token);
    const second = await TestClient.connect(server.wsUrl, token, { via: 'subprotocol' });
    const stranger = await TestClient.connect(server.wsUrl, await server.token('chat-dave'));
    try {
      const acks = [
        await first.request({ type: 'start_agent', agent: 'echo', input: { text: 'one', steps: 4 } }),
        await second.request({ type: 'start_agent', agent: 'echo', input: { text: 'two', steps: 4 } }),
        await first.request({ type: 'user_message', content: 'what time is it' }),
      ];
      for (const ack of acks) {
        assert.equal(ack.type, 'ack', JSON.stringify(ack));
        await first.waitForTerminal(ack.runId as string);
        await second.waitForTerminal(ack.runId as string);
      }
      const firstEvents = runEventsOf(first.frames);
      const secondEvents = runEventsOf(second.frames);
      assertServerFrames(first.frames);
      assertServerFrames(second.frames);
      assertRunEventRules(firstEvents, { firstSeq: 1 });
      assert.deepEqual(secondEvents, firstEvents);
      // The replies went only to the connection that asked; the events to both.
      assert.equal(second.frames.filter((f) => f.type === 'ack').length, 1);
      assert.equal(first.frames.filter((f) => f.type === 'ack').length, 2);
      const pong = await stranger.request({ type: 'ping' });
      assert.equal(pong.type, 'pong');
      assert.equal(stranger.events().length, 0, "another user's connection received carol's events");
    } finally {
      await first.close();
      await second.close();
      await stranger.close();
    }
  });
});
