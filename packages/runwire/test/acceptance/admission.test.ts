import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { TestClient, upgradeAnswer } from '../helpers/ws-client.js';

describe('admission limits', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess({ args: ['--max-connections-per-user', '2'] });
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  it("refuses a user's connection past --max-connections-per-user with 429 rate_limited, others unaffected", async () => {
    const token = await server.token('greedy');
    const open = [await TestClient.connect(server.wsUrl, token), await TestClient.connect(server.wsUrl, token)];
    const refused = await upgradeAnswer(server.wsUrl, { authorization: `Bearer ${token}` });
    assert.deepEqual(refused, {
      status: 429,
      retryAfter: '1',
      body: {
        error: {
          code: 'rate_limited',
          message: 'Too many open connections for this user (at most 2); close some first',
        },
      },
    });
    const other = await TestClient.connect(server.wsUrl, await server.token('modest'));
    assert.equal((await other.request({ type: 'ping' })).type, 'pong');
    await open[0]?.close();
    // The freed slot is counted back once the server has seen the close.
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 101; attempt++) {
      status = (await upgradeAnswer(server.wsUrl, { authorization: `Bearer ${token}` })).status;
      if (status !== 101) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(status, 101);
    await Promise.all([open[1]?.close(), other.close()]);
  });

  it('answers an upgrade without a valid token with 401 before it counts against any user', async () => {
    const answer = await upgradeAnswer(server.wsUrl, { authorization: 'Bearer not.a.token' });
    assert.equal(answer.status, 401);
  });
});
