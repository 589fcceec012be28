import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { type Frame, TestClient, upgradeStatus } from '../helpers/ws-client.js';

describe('golden path over a real server process', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess();
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  it('streams a supervisor run to its owner with every required field and nothing to another user', async () => {
    const alice = await TestClient.connect(server.wsUrl, await server.token('alice'));
    const bob = await TestClient.connect(server.wsUrl, await server.token('bob'));
    const established = alice.frames[0] as Frame;
    assert.equal(established.type, 'connection_established');
    assert.equal(established.userId, 'alice');
    assert.equal(typeof established.connectionId, 'string');
    assert.equal(established.lastSeq, 0);

    const ack = await alice.request({ type: 'user_message', content: 'what is 2+3*4? and what time is it' });
    assert.equal(ack.type, 'ack');
    const runId = ack.runId as string;
    const done = await alice.waitForTerminal(runId);
    assert.equal(done.type, 'agent_completed');
    assert.match(String(done.finalResponse), /2\+3\*4 = 14/);
    const types = alice.events(runId).map((e) => e.type);
    assert.deepEqual(types.slice(0, 3), ['agent_started', 'agent_thinking', 'tool_executing']);
    assert.ok(types.includes('tool_completed'));
    assert.equal(types.at(-1), 'agent_completed');
    const seqs = alice.events().map((e) => e.seq);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i + 1),
    );
    for (const e of alice.events()) {
      for (const field of ['seq', 'runId', 'threadId', 'userId', 'agent', 'ts'])
        assert.ok(field in e, `${e.type} lacks ${field}`);
      assert.equal(e.userId, 'alice');
    }
    // The ack came before the run's first event.
    const ackIndex = alice.frames.indexOf(ack);
    const firstEvent = alice.frames.findIndex((f) => f.runId === runId && typeof f.seq === 'number');
    assert.ok(ackIndex < firstEvent);

    const other = await bob.request({ type: 'get_run', runId });
    assert.equal(other.type, 'error');
    assert.equal(other.code, 'not_found');
    assert.equal(bob.events().length, 0);
    await alice.close();
    await bob.close();
  });

  it('refuses a missing token with 401 and no socket', async () => {
    assert.equal(await upgradeStatus(server.wsUrl), 401);
  });
});
