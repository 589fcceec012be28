import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mintToken } from '../../src/auth/mint-token.js';
import { compileServerConfig } from '../../src/config/server-config.js';
import type { Logger } from '../../src/logger.js';
import { validateContentFrameSchema } from '../../src/protocol/inbound-frames.js';
import { type RunwireServer, startServer } from '../../src/server.js';
import { memoryStores } from '../../src/stores/memory/memory-stores.js';
import { TEST_SECRET } from '../helpers/server-process.js';
import { TestClient } from '../helpers/ws-client.js';

describe('a handler that faults', () => {
  let server: RunwireServer;
  let wsUrl: string;
  const errorLines: string[] = [];
  before(async () => {
    const noop = (): void => {};
    const logger: Logger = {
      debug: noop,
      info: noop,
      warn: noop,
      error: (_fields, message) => errorLines.push(message ?? ''),
    };
    server = await startServer({
      config: compileServerConfig([{ host: '127.0.0.1', port: 0, store: 'memory', jwtSecret: TEST_SECRET }]),
      logger,
      stores: memoryStores,
    });
    wsUrl = `${server.url.replace(/^http/, 'ws')}/ws`;
    // A frame type without a handler gets one that always throws: a stand-in for a server bug a client can repeat.
    server.runtime.router.register('validate_content', validateContentFrameSchema, () => {
      throw new Error('a bug in a handler');
    });
  });
  after(() => server.close(0));

  it('answers internal, counts each one toward the bad-frame budget and logs one line for the whole flood', async () => {
    const client = await TestClient.connect(
      wsUrl,
      await mintToken({ secret: TEST_SECRET, userId: 'mallory', ttlMs: 60_000 }),
    );
    const first = await client.request({ type: 'validate_content', content: 'x' });
    assert.deepEqual(first, { type: 'error', id: first.id, code: 'internal', message: 'Internal server error' });
    for (let i = 1; i < 100; i++) client.send({ type: 'validate_content', content: 'x' });
    assert.equal(await client.waitForClose(), 1008);
    assert.equal(client.closeReason, 'Too many bad frames');
    assert.equal(client.frames.filter((f) => f.code === 'internal').length, 100);
    assert.deepEqual(errorLines, ['handler fault']);
  });
});
