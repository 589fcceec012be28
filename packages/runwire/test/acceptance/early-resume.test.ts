import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { type Frame, TestClient } from '../helpers/ws-client.js';
import { deleteKeys, randomPrefix, SHARED_REDIS_URL } from '../stores/redis-test-server.js';

describe('a resume sent the moment the socket opens', () => {
  let server: ServerProcess;
  // Redis makes the connection's setup (subscribe, read lastSeq) real round trips, so an early frame can race it.
  const prefix = randomPrefix();
  before(async () => {
    server = await startServerProcess({ args: ['--store', 'redis', '--redis-prefix', prefix] });
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  it('is answered after connection_established, with every event once and in order', async () => {
    const token = await server.token('early');
    const first = await TestClient.connect(server.wsUrl, token);
    const ack = await first.request({ type: 'start_agent', agent: 'echo', input: { text: 'x', steps: 5 } });
    await first.waitForTerminal(ack.runId as string);
    const total = first.events().length;
    await first.close();

    for (let attempt = 0; attempt < 5; attempt++) {
      const frames: Frame[] = [];
      const socket = new WebSocket(server.wsUrl, { headers: { authorization: `Bearer ${token}` } });
      socket.on('message', (data) => frames.push(JSON.parse(data.toString()) as Frame));
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => {
          // Sent before the server's first frame can have arrived.
          socket.send(JSON.stringify({ type: 'resume', id: 'early', after: 0 }));
          resolve();
        });
        socket.once('error', reject);
      });
      const deadline = Date.now() + 5000;
      while (!frames.some((f) => f.type === 'resumed') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      socket.close();
      assert.equal(frames[0]?.type, 'connection_established');
      const seqs = frames.filter((f) => typeof f.seq === 'number').map((f) => f.seq);
      assert.deepEqual(
        seqs,
        Array.from({ length: total }, (_, i) => i + 1),
      );
      const resumed = frames.find((f) => f.type === 'resumed');
      assert.deepEqual([resumed?.id, resumed?.after, resumed?.lastSeq], ['early', 0, total]);
    }
  });
});
