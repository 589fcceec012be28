import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
// The server's own sources and test helpers: the tests start a real server in-process with a test agent.
import type { AgentDefinition } from '../../runwire/src/agents/agent-definition.js';
import { type InProcessServer, startInProcessServer } from '../../runwire/test/helpers/in-process-server.js';
import { ConnectionError, RequestError, RunError } from '../src/index.js';
import { collect, record, seqGaps, testClient, until } from './harness.js';

/** Streams `count` numbered deltas, pausing `delayMs` between them: a long run with a known, checkable content. */
const counter: AgentDefinition<{ count: number; delayMs: number }> = {
  name: 'counter',
  description: 'Test: streams count numbered deltas',
  input: z.strictObject({ count: z.number().int().min(1).max(5000), delayMs: z.number().int().min(0) }),
  async run({ count, delayMs }, ctx) {
    for (let i = 0; i < count; i++) {
      await ctx.partial(`${i};`);
      if (delayMs > 0) await ctx.sleep(delayMs);
    }
    return `counted ${count}`;
  },
};

async function serverWith(
  t: { after(fn: () => Promise<void>): void },
  config: Parameters<typeof startInProcessServer>[0] = {},
): Promise<InProcessServer> {
  const server = await startInProcessServer({ runtime: { agents: [counter] }, ...config });
  t.after(() => server.close(100));
  return server;
}

/** Drops every socket of the server without a close handshake, as a network failure does. */
function terminateAll(server: InProcessServer): number {
  const connections = server.server.gateway.registry.all();
  for (const connection of connections) connection.terminate();
  return connections.length;
}

describe('@runwire/client against a real server', () => {
  it("hands out a run's events in seq order, ending with the terminal one, and resolves result with the answer", async (t) => {
    const server = await serverWith(t);
    const client = testClient(t, { url: server.wsUrl, token: await server.token('alice') });
    const statuses: string[] = [];
    client.on('status', (s) => statuses.push(s));
    const run = await client.sendMessage('hello there', { agent: 'echo' });
    const events = await collect(run.events);
    assert.equal(await run.result, 'hello there');
    assert.deepEqual(
      events.map((e) => e.type),
      [
        'agent_started',
        'agent_thinking',
        'agent_thinking',
        'agent_thinking',
        'tool_executing',
        'tool_completed',
        'agent_completed',
      ],
    );
    assert.deepEqual(seqGaps(events), []);
    assert.ok(events.every((e) => e.runId === run.runId && e.threadId === run.threadId));
    assert.deepEqual(statuses, ['connecting', 'open']);
    // A second iteration replays the same events: the iterator is not a one-shot stream.
    assert.deepEqual(await collect(run.events), events);
  });

  it('loses and repeats nothing of a 500-event run across 20 server-side terminate()s', async (t) => {
    const server = await serverWith(t);
    const client = testClient(t, { url: server.wsUrl, token: await server.token('alice') });
    const seen = record(client);
    const run = await client.startAgent('counter', { count: 498, delayMs: 15 });
    const iterated = collect(run.events);
    let drops = 0;
    while (drops < 20) {
      const before = seen.events.length;
      // Drop only an open connection that has moved on since the last drop, so each drop lands mid-stream.
      await until(() => client.status === 'open' && seen.events.length > before + 3, 'the client to take in events');
      if (run.ended) break;
      if (terminateAll(server) > 0) drops++;
    }
    assert.equal(await run.result, 'counted 498');
    const events = await iterated;
    assert.equal(drops, 20, 'the run ended before 20 drops: make it longer');
    assert.ok(seen.reconnects() >= 20, `reconnected ${seen.reconnects()} times`);
    assert.equal(events.length, 500);
    assert.deepEqual(seqGaps(events), []);
    const deltas = events.filter((e) => e.type === 'partial_result').map((e) => e.delta);
    assert.deepEqual(
      deltas,
      Array.from({ length: 498 }, (_, i) => `${i};`),
    );
    assert.deepEqual(seen.events, events);
  });

  it('asks the token function again on reconnect when the server closes an expired token (1008)', async (t) => {
    const server = await serverWith(t);
    const issued: number[] = [];
    const client = testClient(t, {
      url: server.wsUrl,
      token: () => {
        // The first token lives 1.5 s; the server closes the socket with 1008 when it expires.
        const ttl = issued.length === 0 ? 1500 : 3_600_000;
        issued.push(ttl);
        return server.token('alice', ttl);
      },
    });
    const seen = record(client);
    const run = await client.startAgent('counter', { count: 60, delayMs: 50 });
    const events = await collect(run.events);
    assert.equal(await run.result, 'counted 60');
    assert.ok(issued.length >= 2, `the token function was called ${issued.length} time(s)`);
    assert.ok(seen.reconnects() >= 1);
    assert.equal(events.length, 62);
    assert.deepEqual(seqGaps(events), []);
  });

  it('surfaces resync_required when the position is older than the log keeps, and goes on after its lastSeq', async (t) => {
    const server = await serverWith(t, { config: { eventRetentionCount: 5 } });
    const first = testClient(t, { url: server.wsUrl, token: await server.token('alice') });
    await (await first.startAgent('counter', { count: 20, delayMs: 0 })).result;
    const lastSeq = first.lastSeq ?? 0;
    assert.equal(lastSeq, 22);

    const late = testClient(t, { url: server.wsUrl, token: await server.token('alice'), resumeAfter: 1 });
    const resyncs: { oldestSeq: number; lastSeq: number }[] = [];
    late.on('resync', (r) => resyncs.push({ oldestSeq: r.oldestSeq, lastSeq: r.lastSeq }));
    await late.connect();
    await until(() => resyncs.length === 1, 'resync_required');
    assert.equal(resyncs[0]?.lastSeq, 22);
    assert.ok((resyncs[0]?.oldestSeq ?? 0) > 2);
    assert.equal(late.lastSeq, 22);
    const run = await late.startAgent('counter', { count: 1, delayMs: 0 });
    assert.deepEqual(
      (await collect(run.events)).map((e) => e.seq),
      [23, 24, 25],
    );

    const ahead = testClient(t, { url: server.wsUrl, token: await server.token('alice'), resumeAfter: 999 });
    const ahead2: number[] = [];
    ahead.on('resync', (r) => ahead2.push(r.lastSeq));
    await ahead.connect();
    await until(() => ahead2.length === 1, 'resync_required for a position past the log');
    assert.deepEqual(ahead2, [25]);
  });

  it('keeps concurrent runs of one client apart', async (t) => {
    const server = await serverWith(t);
    const client = testClient(t, { url: server.wsUrl, token: await server.token('alice') });
    const runs = await Promise.all(
      ['one', 'two', 'three', 'four'].map((text) => client.startAgent('echo', { text, steps: 5, delayMs: 10 })),
    );
    assert.equal(new Set(runs.map((r) => r.runId)).size, 4);
    const results = await Promise.all(
      runs.map(async (run) => ({ events: await collect(run.events), text: await run.result, run })),
    );
    assert.deepEqual(
      results.map((r) => r.text),
      ['one', 'two', 'three', 'four'],
    );
    for (const { events, run } of results) {
      assert.equal(events.length, 9);
      assert.ok(events.every((e) => e.runId === run.runId));
      const seqs = events.map((e) => e.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
      );
    }
  });

  it('cancel() stops a run: its events end with agent_cancelled and result rejects with RunError cancelled', async (t) => {
    const server = await serverWith(t);
    const client = testClient(t, { url: server.wsUrl, token: await server.token('alice') });
    const run = await client.startAgent('counter', { count: 1000, delayMs: 20 });
    const events: string[] = [];
    for await (const event of run.events) {
      events.push(event.type);
      if (events.length === 3) {
        const ack = await run.cancel();
        assert.equal(ack.runId, run.runId);
      }
    }
    assert.equal(events.at(-1), 'agent_cancelled');
    assert.ok(events.length < 100);
    await assert.rejects(run.result, (error: unknown) => {
      assert.ok(error instanceof RunError);
      assert.equal(error.status, 'cancelled');
      assert.equal(error.code, 'cancelled');
      assert.equal(error.runId, run.runId);
      return true;
    });
    assert.equal((await client.getRun(run.runId)).status, 'cancelled');
  });

  it('rejects a failed run with RunError carrying its status and code, and a foreign run id with not_found', async (t) => {
    const server = await serverWith(t);
    const alice = testClient(t, { url: server.wsUrl, token: await server.token('alice') });
    const bob = testClient(t, { url: server.wsUrl, token: await server.token('bob') });
    const run = await alice.startAgent('echo', { text: 'x', steps: 0 });
    await run.result;
    await assert.rejects(bob.getRun(run.runId), (error: unknown) => {
      assert.ok(error instanceof RequestError);
      assert.equal(error.code, 'not_found');
      return true;
    });
    await assert.rejects(alice.startAgent('echo', { steps: 2 }), (error: unknown) => {
      assert.ok(error instanceof RequestError);
      assert.equal(error.code, 'bad_request');
      return true;
    });
    const { runs } = await alice.listRuns({ limit: 5 });
    assert.deepEqual(
      runs.map((r) => r.runId),
      [run.runId],
    );
    assert.equal((await bob.listRuns()).runs.length, 0);
  });

  it('answers or rejects every request the socket drop interrupts, and holds new ones until it is back', async (t) => {
    const server = await serverWith(t);
    const client = testClient(t, { url: server.wsUrl, token: await server.token('alice') });
    await client.connect();
    // Sent on the open socket, which dies before the server could read them.
    const read = client.listRuns();
    const start = client.sendMessage('lost?', { agent: 'echo' });
    assert.equal(terminateAll(server), 1);
    await assert.rejects(start, (error: unknown) => {
      assert.ok(error instanceof ConnectionError);
      assert.equal(error.code, 'connection_lost');
      return true;
    });
    await until(() => client.status === 'reconnecting', 'reconnecting');
    const whileDown = client.ping();
    assert.ok(Array.isArray((await read).runs));
    assert.match(await whileDown, /^\d{4}-/);
    assert.equal(client.status, 'open');

    client.close();
    await assert.rejects(
      client.getRun('run_x'),
      (error: unknown) => error instanceof ConnectionError && error.code === 'closed',
    );
  });

  it("rejects a run's result and ends its events when the client is closed mid-run", async (t) => {
    const server = await serverWith(t);
    const client = testClient(t, { url: server.wsUrl, token: await server.token('alice') });
    const run = await client.startAgent('counter', { count: 1000, delayMs: 20 });
    client.close();
    await assert.rejects(run.result, (error: unknown) => error instanceof ConnectionError && error.code === 'closed');
    await assert.rejects(collect(run.events), (error: unknown) => error instanceof ConnectionError);
    assert.equal(client.status, 'closed');
  });

  it('sends a request refused as rate_limited again after retryAfterMs, so a burst still gets every answer', async (t) => {
    const server = await serverWith(t, { config: { rateLimit: 20, rateBurst: 5 } });
    const client = testClient(t, { url: server.wsUrl, token: await server.token('alice') });
    await client.connect();
    const answers = await Promise.all(Array.from({ length: 12 }, () => client.ping()));
    assert.equal(answers.length, 12);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(
      metrics,
      /runwire_rate_limited_frames_total [1-9]/,
      'the burst was not rate limited: the test proves nothing',
    );
  });

  it("lists the user's threads and reads one, with the message and the answer in order", async (t) => {
    const server = await serverWith(t);
    const client = testClient(t, { url: server.wsUrl, token: await server.token('alice') });
    const run = await client.sendMessage('remember me', { agent: 'echo' });
    await run.result;
    const threads = await client.listThreads();
    assert.ok(threads.threads.some((th) => th.threadId === run.threadId));
    const thread = await client.getThread(run.threadId);
    assert.deepEqual(
      thread.messages.filter((m) => m.role !== 'tool').map((m) => [m.role, m.content]),
      [
        ['user', 'remember me'],
        ['assistant', 'remember me'],
      ],
    );
  });
});
