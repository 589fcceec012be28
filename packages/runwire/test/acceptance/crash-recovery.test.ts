import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunEvent } from '../../src/protocol/run-events.js';
import { assertServerFrames, runEventsOf } from '../helpers/frame-schemas.js';
import { assertRunEventRules } from '../helpers/protocol-rules.js';
import { type ServerProcess, startServerProcess, tempDir } from '../helpers/server-process.js';
import { type Frame, TestClient } from '../helpers/ws-client.js';

const USERS = ['crash-ann', 'crash-bob', 'crash-cy'];

interface UserBeforeKill {
  readonly userId: string;
  readonly quick: string[];
  readonly slow: string[];
  /** The run events this user's connection received before the kill. */
  readonly seen: RunEvent[];
}

async function startEcho(client: TestClient, text: string, steps: number, delayMs: number): Promise<string> {
  const ack = await client.request({ type: 'start_agent', agent: 'echo', input: { text, steps, delayMs } });
  assert.equal(ack.type, 'ack', `start_agent answered ${JSON.stringify(ack)}`);
  return ack.runId as string;
}

function isTerminal(frame: Frame | RunEvent): boolean {
  return frame.type === 'agent_completed' || frame.type === 'agent_error' || frame.type === 'agent_cancelled';
}

describe('runwire serve on SQLite killed with SIGKILL mid-run and started again on the same file', () => {
  const dir = tempDir('runwire-crash-');
  const file = join(dir.path, 'runwire.db');
  const servers: ServerProcess[] = [];
  const clients: TestClient[] = [];

  async function serve(): Promise<ServerProcess> {
    const server = await startServerProcess({ args: ['--store', 'sqlite', '--db', file] });
    servers.push(server);
    return server;
  }

  async function connect(server: ServerProcess, userId: string, options: { after?: number } = {}) {
    const client = await TestClient.connect(server.wsUrl, await server.token(userId), options);
    clients.push(client);
    return client;
  }

  const before_: UserBeforeKill[] = [];

  before(async () => {
    const server = await serve();
    const connections = new Map<string, TestClient>();
    for (const userId of USERS) {
      const client = await connect(server, userId);
      connections.set(userId, client);
      const quick = [await startEcho(client, `quick ${userId}`, 2, 10)];
      // Long enough (40 × 150 ms) that the kill always lands in the middle.
      const slow = [
        await startEcho(client, `slow ${userId}`, 40, 150),
        await startEcho(client, `slower ${userId}`, 20, 300),
      ];
      before_.push({ userId, quick, slow, seen: [] });
    }
    for (const { userId, quick, slow } of before_) {
      const client = connections.get(userId) as TestClient;
      for (const runId of quick) await client.waitForTerminal(runId);
      for (const runId of slow) {
        await client.waitUntil(
          () => client.events(runId).filter((f) => f.type === 'agent_thinking').length >= 2,
          10_000,
          `two thinking steps of ${runId}`,
        );
      }
    }
    assert.equal(await server.stop('SIGKILL'), 'SIGKILL');
    for (const entry of before_) {
      const client = connections.get(entry.userId) as TestClient;
      await client.closed;
      entry.seen.push(...runEventsOf(client.frames));
      assert.ok(
        entry.slow.every((runId) => !entry.seen.some((e) => e.runId === runId && isTerminal(e))),
        'the slow runs were still going when the server was killed',
      );
    }
  });

  after(async () => {
    for (const client of clients) client.drop();
    for (const server of servers) await server.stop('SIGKILL');
    dir.remove();
  });

  it('replays, on ?after=N, the rest once and in order, with one agent_error {status:"dead"} per interrupted run', async () => {
    const server = await serve();
    for (const { userId, slow, seen } of before_) {
      const last = seen.at(-1)?.seq ?? 0;
      const client = await connect(server, userId, { after: last });
      await client.waitFor((f) => f.type === 'resumed');
      for (const runId of slow) await client.waitForTerminal(runId);
      assertServerFrames(client.frames);
      const resumed = client.frames.find((f) => f.type === 'resumed');
      assert.equal(resumed?.after, last);
      const events = runEventsOf(client.frames);
      assert.deepEqual(
        events.map((e) => e.seq),
        events.map((_, i) => last + 1 + i),
        `${userId}: the events after ${last} come each once, in order, without gap`,
      );
      for (const runId of slow) {
        const ends = events.filter((e) => e.runId === runId && isTerminal(e));
        assert.equal(ends.length, 1, `${runId}: one terminal event`);
        const end = ends[0];
        assert.ok(end?.type === 'agent_error', `${runId} ends with agent_error, not ${end?.type}`);
        assert.equal(end.status, 'dead');
        assert.equal(end.error.code, 'node_restarted');
      }
    }
  });

  it('keeps every event written before the kill, once and unchanged, in a full replay that follows the run rules', async () => {
    const server = servers.at(-1) as ServerProcess;
    for (const { userId, seen, quick, slow } of before_) {
      const client = await connect(server, userId, { after: 0 });
      await client.waitFor((f) => f.type === 'resumed');
      const events = runEventsOf(client.frames);
      assert.deepEqual(
        events.slice(0, seen.length),
        seen,
        `${userId}: what was seen before the kill is the log's start`,
      );
      assertRunEventRules(events, { firstSeq: 1 });
      for (const runId of quick) {
        assert.equal(events.filter((e) => e.runId === runId).at(-1)?.type, 'agent_completed');
      }
      for (const runId of slow) {
        assert.equal(events.filter((e) => e.runId === runId).at(-1)?.type, 'agent_error');
      }
    }
  });

  it('lists the finished runs as completed and the interrupted ones as dead with list_runs', async () => {
    const server = servers.at(-1) as ServerProcess;
    for (const { userId, quick, slow } of before_) {
      const client = await connect(server, userId);
      const reply = await client.request({ type: 'list_runs', limit: 20 });
      assert.equal(reply.type, 'runs');
      const runs = reply.runs as Array<{
        runId: string;
        status: string;
        finalResponse?: string;
        error?: { code: string };
      }>;
      assert.deepEqual(
        runs.map((r) => [r.runId, r.status]).sort(),
        [...quick.map((id) => [id, 'completed']), ...slow.map((id) => [id, 'dead'])].sort(),
      );
      for (const run of runs) {
        if (run.status === 'completed') assert.equal(run.finalResponse, `quick ${userId}`);
        else assert.equal(run.error?.code, 'node_restarted');
      }
    }
  });
});
