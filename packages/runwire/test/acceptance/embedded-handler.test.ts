import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { mintToken } from '../../src/auth/mint-token.js';
import { createHandler, defineAgent, defineTool, type RunwireHandler } from '../../src/index.js';
import { TEST_SECRET } from '../helpers/server-process.js';
import { TestClient, upgradeStatus } from '../helpers/ws-client.js';

/** An existing app: its own `/hello` route and its own 404, with Runwire offered every request and upgrade first. */
async function hostApp(runwire: RunwireHandler): Promise<{ server: Server; url: string }> {
  const server = createHttpServer((req, res) => {
    if (runwire.handleRequest(req, res)) return;
    if (req.url === '/hello') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('hello from the app');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('the app has no such page');
  });
  server.on('upgrade', (req, socket, head) => {
    if (!runwire.handleUpgrade(req, socket, head)) {
      socket.end('HTTP/1.1 418 I am a teapot\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

describe('createHandler: Runwire on an existing node:http server', () => {
  it("serves my agents over the app's socket with contiguous seqs, keeps the app's routes, and closes gracefully", async () => {
    const upper = defineTool({
      name: 'upper',
      description: 'Upper-cases',
      parameters: z.strictObject({ text: z.string() }),
      execute: async ({ text }) => text.toUpperCase(),
    });
    let slowEndedUnaborted: boolean | undefined;
    const slow = defineAgent({
      name: 'slow',
      description: 'Takes a moment, so a shutdown finds it running',
      input: z.string(),
      async run(text, ctx) {
        await sleep(300);
        slowEndedUnaborted = !ctx.signal.aborted;
        return String(await ctx.callTool('upper', { text }));
      },
    });
    const runwire = await createHandler({
      store: 'memory',
      jwtSecret: TEST_SECRET,
      logLevel: 'silent',
      agents: [slow],
      tools: [upper],
    });
    const { server, url } = await hostApp(runwire);
    const wsUrl = `${url.replace('http', 'ws')}/ws`;
    try {
      assert.equal(await (await fetch(`${url}/hello`)).text(), 'hello from the app');
      const health = await fetch(`${url}/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      // The chat page is not Runwire's here: `/` is the app's.
      assert.equal(await (await fetch(`${url}/`)).text(), 'the app has no such page');
      assert.equal(await upgradeStatus(wsUrl), 401);
      assert.equal(await upgradeStatus(`${url.replace('http', 'ws')}/app-socket`), 418);

      const token = await mintToken({ secret: TEST_SECRET, userId: 'dana', ttlMs: 60_000 });
      const dana = await TestClient.connect(wsUrl, token);
      const ack = await dana.request({ type: 'user_message', content: 'what is 6*7?' });
      assert.equal(ack.type, 'ack');
      const done = await dana.waitForTerminal(ack.runId as string);
      assert.equal(done.type, 'agent_completed');
      assert.match(String(done.finalResponse), /6\*7 = 42/);
      const typesOfFirst = dana.events(ack.runId as string).map((e) => e.type);
      assert.equal(typesOfFirst[0], 'agent_started');
      assert.ok(typesOfFirst.includes('tool_completed'));

      const second = await dana.request({ type: 'start_agent', agent: 'slow', input: 'quiet' });
      await dana.waitFor((f) => f.runId === second.runId && f.type === 'agent_started');
      const seqs = dana.events().map((e) => e.seq);
      assert.deepEqual(
        seqs,
        seqs.map((_, i) => i + 1),
      );
      assert.ok(seqs.length > typesOfFirst.length);

      // Shutdown while `slow` runs: the socket closes with 1001, the run gets its grace and ends unaborted.
      await runwire.close(5_000);
      assert.equal(await dana.waitForClose(), 1001);
      assert.equal(slowEndedUnaborted, true);
      await runwire.close(); // idempotent

      assert.equal(await (await fetch(`${url}/hello`)).text(), 'hello from the app');
      assert.equal(await (await fetch(`${url}/health`)).text(), 'the app has no such page');
      assert.equal(await upgradeStatus(wsUrl), 418);
    } finally {
      await runwire.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
