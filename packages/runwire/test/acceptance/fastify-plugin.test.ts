import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { mintToken } from '../../src/auth/mint-token.js';
import { runwireFastifyPlugin } from '../../src/index.js';
import { TEST_SECRET } from '../helpers/server-process.js';
import { TestClient, upgradeStatus } from '../helpers/ws-client.js';

describe('runwireFastifyPlugin: Runwire inside an existing fastify app', () => {
  it("serves runs over the app's port beside the app's own routes, and the app's close() closes Runwire gracefully", async () => {
    const app = Fastify();
    app.get('/hello', async () => 'hello from the app');
    app.post('/echo', async (req) => ({ echoed: req.body }));
    await app.register(runwireFastifyPlugin, { store: 'memory', jwtSecret: TEST_SECRET, logLevel: 'silent' });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const wsUrl = `${url.replace('http', 'ws')}/ws`;
    let closed = false;
    try {
      assert.equal(await (await fetch(`${url}/hello`)).text(), 'hello from the app');
      const echoed = await fetch(`${url}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ a: 1 }),
      });
      assert.deepEqual(await echoed.json(), { echoed: { a: 1 } });
      assert.equal((await fetch(`${url}/nowhere`)).status, 404);
      assert.equal(await upgradeStatus(wsUrl), 401);

      const token = await mintToken({ secret: TEST_SECRET, userId: 'erin', ttlMs: 60_000 });
      const erin = await TestClient.connect(wsUrl, token);
      // A run started over Runwire's HTTP route (its body read by Runwire, not the app) reaches the socket.
      const started = await fetch(`${url}/api/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'what is 6*7?' }),
      });
      assert.equal(started.status, 202);
      const { runId } = (await started.json()) as { runId: string };
      const done = await erin.waitForTerminal(runId);
      assert.equal(done.type, 'agent_completed');
      assert.match(String(done.finalResponse), /6\*7 = 42/);
      const ack = await erin.request({ type: 'user_message', content: 'what is 2+2?' });
      await erin.waitForTerminal(ack.runId as string);
      const seqs = erin.events().map((e) => e.seq);
      assert.deepEqual(
        seqs,
        seqs.map((_, i) => i + 1),
      );

      await app.close();
      closed = true;
      assert.equal(await erin.waitForClose(), 1001);
      await assert.rejects(fetch(`${url}/hello`));
    } finally {
      if (!closed) await app.close();
    }
  });
});
