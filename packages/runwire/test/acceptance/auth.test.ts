import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertServerFrame } from '../helpers/frame-schemas.js';
import { httpRequest, metricSample } from '../helpers/http-client.js';
import { type ServerProcess, startServerProcess, TEST_SECRET } from '../helpers/server-process.js';
import { claimsFor, hmacToken, rs256Token, unsignedToken } from '../helpers/tokens.js';
import { TestClient, upgradeAnswer, upgradeStatus } from '../helpers/ws-client.js';

/** Sockets the server has accepted so far, from its own metrics. */
async function socketsOpened(server: ServerProcess): Promise<number> {
  const metrics = await httpRequest(`${server.url}/metrics`);
  return metricSample(metrics.text, 'runwire_connections_opened_total') ?? 0;
}

describe('authentication on the WebSocket upgrade', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess({ args: ['--origin', 'https://good.example', '--log-level', 'debug'] });
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  it('refuses missing, forged, wrong-algorithm and expired tokens with 401 and opens no socket', async () => {
    const opened = await socketsOpened(server);
    const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    const refused: Record<string, number> = {
      missing: await upgradeStatus(server.wsUrl),
      'not a JWT': await upgradeStatus(server.wsUrl, bearer('not-a-jwt')),
      'wrong secret': await upgradeStatus(
        server.wsUrl,
        bearer(await hmacToken('HS256', 'another-secret-0123456789-abcdefghijkl', claimsFor('alice'))),
      ),
      HS512: await upgradeStatus(server.wsUrl, bearer(await hmacToken('HS512', TEST_SECRET, claimsFor('alice')))),
      'alg none': await upgradeStatus(server.wsUrl, bearer(unsignedToken(claimsFor('alice')))),
      'RS256 against an HS256 server': await upgradeStatus(server.wsUrl, bearer(await rs256Token(claimsFor('alice')))),
      expired: await upgradeStatus(
        server.wsUrl,
        bearer(await hmacToken('HS256', TEST_SECRET, claimsFor('alice', -60))),
      ),
      'no exp': await upgradeStatus(
        server.wsUrl,
        bearer(await hmacToken('HS256', TEST_SECRET, { sub: 'alice', iat: Math.floor(Date.now() / 1000) })),
      ),
      'no sub': await upgradeStatus(
        server.wsUrl,
        bearer(await hmacToken('HS256', TEST_SECRET, { exp: Math.floor(Date.now() / 1000) + 60 })),
      ),
      'a forged bearer subprotocol': await upgradeStatus(server.wsUrl, {
        protocols: ['runwire.v1', `bearer.${await hmacToken('HS512', TEST_SECRET, claimsFor('alice'))}`],
      }),
    };
    for (const [what, status] of Object.entries(refused)) assert.equal(status, 401, `${what} token: HTTP ${status}`);
    assert.equal(await socketsOpened(server), opened, 'a refused upgrade opened a socket');
  });

  it('refuses a token in the query string with 401, even next to a valid Authorization header', async () => {
    const good = await server.token('alice');
    const headers = { authorization: `Bearer ${good}` };
    const opened = await socketsOpened(server);
    assert.equal(await upgradeStatus(`${server.wsUrl}?token=${good}`), 401);
    assert.equal(await upgradeStatus(`${server.wsUrl}?token=${good}`, { headers }), 401);
    assert.equal(await upgradeStatus(`${server.wsUrl}?access_token=${good}`, { headers }), 401);
    assert.equal(await upgradeStatus(`${server.wsUrl}?after=0&state=${good}`, { headers }), 401, 'a JWT-shaped param');
    assert.equal(await socketsOpened(server), opened);
    // The same valid header without the query string is accepted: the refusal was the query string's.
    assert.equal(await upgradeStatus(`${server.wsUrl}?after=0`, { headers }), 101);
  });

  it('accepts the token as the bearer.<jwt> subprotocol, selects runwire.v1 and never echoes the token', async () => {
    const token = await server.token('alice');
    const client = await TestClient.connect(server.wsUrl, token, { via: 'subprotocol' });
    try {
      assert.equal(client.socket.protocol, 'runwire.v1');
      assert.equal(client.upgradeHeaders['sec-websocket-protocol'], 'runwire.v1');
      assert.ok(!JSON.stringify(client.upgradeHeaders).includes(token), 'the token appears in the 101 headers');
      const established = client.frames[0];
      assert.ok(established !== undefined);
      assertServerFrame(established);
      assert.equal(established.type, 'connection_established');
      assert.equal(established.userId, 'alice');
      const pong = await client.request({ type: 'ping' });
      assertServerFrame(pong);
      assert.equal(pong.type, 'pong');
    } finally {
      await client.close();
    }
  });

  it('refuses a disallowed Origin with 403 and accepts an allowed one', async () => {
    const authorization = `Bearer ${await server.token('alice')}`;
    assert.deepEqual(await upgradeAnswer(server.wsUrl, { authorization, origin: 'https://evil.example' }), {
      status: 403,
      retryAfter: undefined,
      body: {
        error: {
          code: 'origin_not_allowed',
          message:
            "The Origin 'https://evil.example' is not allowed to open sockets; the server's --origin lists the ones that are",
        },
      },
    });
    assert.equal(
      await upgradeStatus(server.wsUrl, { headers: { authorization, origin: 'https://good.example' } }),
      101,
    );
  });

  it('sends unauthenticated then closes with 1008 when the token expires while connected', async () => {
    const client = await TestClient.connect(server.wsUrl, await server.token('alice', 2000));
    try {
      const error = await client.waitFor((f) => f.type === 'error', 5000);
      assertServerFrame(error);
      assert.equal(error.code, 'unauthenticated');
      assert.equal(await client.waitForClose(5000), 1008);
      assert.ok(client.frames.indexOf(error) === client.frames.length - 1, 'frames followed the expiry error');
    } finally {
      await client.close();
    }
  });

  it('never writes a token to the log', async () => {
    const token = await server.token('alice');
    await upgradeStatus(`${server.wsUrl}?token=${token}`);
    await upgradeStatus(server.wsUrl, { headers: { authorization: `Bearer ${token}x` } });
    const signature = token.split('.')[2] ?? token;
    assert.ok(!server.output().includes(signature), 'a token signature appears in the server output');
  });
});
