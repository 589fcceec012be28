import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compileServerConfig } from '../../runwire/src/config/server-config.js';
import { silentLogger } from '../../runwire/src/logger.js';
import { type RunwireServer, startServer } from '../../runwire/src/server.js';
import { memoryStores } from '../../runwire/src/stores/memory/memory-stores.js';
import { TEST_SECRET } from '../../runwire/test/helpers/server-process.js';

const DIST = new URL('../dist/', import.meta.url).pathname;

async function serve(t: { after(fn: () => Promise<void>): void }, secret: string | undefined): Promise<RunwireServer> {
  assert.ok(existsSync(`${DIST}index.html`), 'build the page first: npm run build -w @runwire/web');
  const server = await startServer({
    config: compileServerConfig([
      {
        host: '127.0.0.1',
        port: 0,
        store: 'memory',
        logLevel: 'silent',
        ...(secret === undefined ? {} : { jwtSecret: secret }),
      },
    ]),
    logger: silentLogger,
    stores: memoryStores,
    webRoot: DIST,
  });
  t.after(() => server.close(100));
  return server;
}

describe('the chat page as runwire serves it', () => {
  it('serves index.html no-cache and hashed assets immutable, all under a strict CSP', async (t) => {
    const server = await serve(t, TEST_SECRET);
    const index = await fetch(`${server.url}/`);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
    const csp = index.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    const html = await index.text();
    assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/, 'an inline script would be blocked by the CSP');
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.length >= 2, `assets in index.html: ${assets.join(', ')}`);
    for (const path of assets) {
      const asset = await fetch(`${server.url}${path}`);
      assert.equal(asset.status, 200, path);
      assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(asset.headers.get('x-content-type-options'), 'nosniff');
    }
    assert.equal((await fetch(`${server.url}/assets/..%2f..%2fpackage.json`)).status, 404);
    assert.equal((await fetch(`${server.url}/assets/missing-abc.js`)).status, 404);
  });

  it('has no POST /dev/token when a secret is configured', async (t) => {
    const server = await serve(t, TEST_SECRET);
    const response = await fetch(`${server.url}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'alice' }),
    });
    assert.equal(response.status, 404);
  });

  it('mints a working token for a user name in dev mode, and refuses placeholder names', async (t) => {
    const server = await serve(t, undefined);
    const post = (body: unknown) =>
      fetch(`${server.url}/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await post({ user: 'alice' });
    assert.equal(ok.status, 200);
    const { token, userId } = (await ok.json()) as { token: string; userId: string };
    assert.equal(userId, 'alice');
    const runs = await fetch(`${server.url}/api/runs`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(runs.status, 200);
    assert.equal((await post({ user: 'undefined' })).status, 400);
    assert.equal((await post({ name: 'alice' })).status, 400);
  });
});
