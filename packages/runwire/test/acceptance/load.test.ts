import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertServerFrames, runEventsOf } from '../helpers/frame-schemas.js';
import { assertRunEventRules } from '../helpers/protocol-rules.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { TestClient } from '../helpers/ws-client.js';

describe('load on one server process', () => {
  let server: ServerProcess;
  before(async () => {
    // The default rate limit (50/s) is per connection; these clients stay under it.
    server = await startServerProcess({ args: ['--heartbeat', '5s'] });
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  it('12 users × 5 runs at once: zero events to the wrong user, each user seq contiguous from 1', async () => {
    const users = Array.from({ length: 12 }, (_, i) => `load-user-${i}`);
    const clients = await Promise.all(
      users.map(async (userId) => TestClient.connect(server.wsUrl, await server.token(userId))),
    );
    try {
      // Every user sends 5 runs without waiting for the replies: 60 runs start together.
      const ids = clients.map((client, i) =>
        Array.from({ length: 5 }, (_, run) =>
          client.send({
            type: 'start_agent',
            agent: 'echo',
            input: { text: `${users[i]} run ${run}`, steps: 3, delayMs: 20 },
          }),
        ),
      );
      await Promise.all(
        clients.map(async (client, i) => {
          const acks = await Promise.all((ids[i] ?? []).map((id) => client.waitFor((f) => f.id === id, 10_000)));
          for (const ack of acks) {
            assert.equal(ack.type, 'ack', JSON.stringify(ack));
            await client.waitForTerminal(ack.runId as string, 20_000);
          }
        }),
      );
      let wrong = 0;
      clients.forEach((client, i) => {
        const userId = users[i] as string;
        const acked = new Set(client.frames.filter((f) => f.type === 'ack').map((f) => f.runId));
        const events = runEventsOf(client.frames);
        wrong += events.filter((e) => e.userId !== userId || !acked.has(e.runId)).length;
        assertServerFrames(client.frames);
        assertRunEventRules(events, { firstSeq: 1 });
        assert.equal(new Set(events.map((e) => e.runId)).size, 5, `${userId} did not see its 5 runs`);
        for (const event of events) {
          if (event.type === 'agent_completed') assert.match(event.finalResponse, new RegExp(`^${userId} run \\d$`));
        }
      });
      assert.equal(wrong, 0, `${wrong} events reached the wrong user`);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it('50 connections × 100 events: zero seq inversions on every connection, the same stream per user', async () => {
    // 10 users with 5 connections each; each user runs 2 echo runs of 46 steps: 2 × (46 thinking + agent_started,
    // tool_executing, tool_completed, agent_completed) = 100 events on every connection.
    const users = Array.from({ length: 10 }, (_, i) => `fanout-user-${i}`);
    const byUser = await Promise.all(
      users.map(async (userId) => {
        const token = await server.token(userId);
        return Promise.all(Array.from({ length: 5 }, () => TestClient.connect(server.wsUrl, token)));
      }),
    );
    const all = byUser.flat();
    try {
      assert.equal(all.length, 50);
      const acks = await Promise.all(
        byUser.map(async (connections) => {
          const first = connections[0] as TestClient;
          const a = first.send({ type: 'start_agent', agent: 'echo', input: { text: 'a', steps: 46 } });
          const b = first.send({ type: 'start_agent', agent: 'echo', input: { text: 'b', steps: 46 } });
          return Promise.all([a, b].map((id) => first.waitFor((f) => f.id === id, 10_000)));
        }),
      );
      await Promise.all(
        byUser.map(async (connections, u) => {
          for (const connection of connections) {
            for (const ack of acks[u] ?? []) await connection.waitForTerminal(ack.runId as string, 20_000);
          }
        }),
      );
      let inversions = 0;
      for (const connections of byUser) {
        const reference = runEventsOf((connections[0] as TestClient).frames);
        assert.equal(reference.length, 100, 'events per connection');
        for (const connection of connections) {
          const events = runEventsOf(connection.frames);
          for (let i = 1; i < events.length; i++) {
            if ((events[i]?.seq ?? 0) <= (events[i - 1]?.seq ?? 0)) inversions++;
          }
          assertRunEventRules(events, { firstSeq: 1 });
          assert.deepEqual(events, reference, 'two connections of one user saw different streams');
        }
      }
      assert.equal(inversions, 0, `${inversions} seq inversions`);
    } finally {
      await Promise.all(all.map((c) => c.close()));
    }
  });
});
