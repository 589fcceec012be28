import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

describe('POST /api/agui under the client JSON limits', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess();
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  async function post(body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
    const answer = await fetch(`${server.url}/api/agui`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await server.token('agui-alice')}`,
        'content-type': 'application/json',
        ...headers,
      },
      body,
    });
    return { status: answer.status, json: await answer.json() };
  }

  it('answers a body nested deeper than the limit with 400 bad_request naming it, never 500', async () => {
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const answer = await post(`{"threadId":"t","runId":"r","messages":${deep}}`);
    assert.equal(answer.status, 400);
    assert.deepEqual((answer.json as { error: { code: string; message: string } }).error.code, 'bad_request');
    assert.equal(
      (answer.json as { error: { message: string } }).error.message,
      'The request body is refused: nested deeper than 64 levels (the limit)',
    );
  });

  it('refuses a disallowed Origin with 403 origin_not_allowed, like the socket', async () => {
    const answer = await post('{}', { origin: 'https://evil.example' });
    assert.equal(answer.status, 403);
    assert.equal((answer.json as { error: { code: string } }).error.code, 'origin_not_allowed');
  });
});
