import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryAfterOf } from '../../src/agents/model/classify-model-error.js';
import { StreamWatchdog } from '../../src/agents/model/stream-watchdog.js';
import { FakeClock } from '../../src/clock.js';
import { compileServerConfig } from '../../src/config/server-config.js';
import { ModelStalledError } from '../../src/errors.js';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';

describe('model configuration', () => {
  it('keeps the API key out of anything that serialises the config', () => {
    const config = compileServerConfig([
      { jwtSecret: SECRET, llmBaseUrl: 'http://localhost:11434/v1/', llmModel: 'llama3.2', llmApiKey: 'sk-hidden' },
    ]);
    assert.equal(config.llm?.apiKey, 'sk-hidden');
    assert.equal(config.llm?.baseUrl, 'http://localhost:11434/v1');
    assert.equal(JSON.stringify(config).includes('sk-hidden'), false);
    assert.deepEqual(Object.keys(config.llm ?? {}), ['baseUrl', 'model']);
  });

  it('refuses a base URL that is not http(s), naming the option', () => {
    assert.throws(() => compileServerConfig([{ jwtSecret: SECRET, llmBaseUrl: 'localhost:11434', llmModel: 'm' }]), {
      name: 'ConfigError',
      message: "--llm-base-url (RUNWIRE_LLM_BASE_URL): 'localhost:11434' must be an http or https URL",
    });
  });

  it('reads Retry-After as seconds, as an HTTP date, and retry-after-ms', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    assert.equal(retryAfterOf({ 'retry-after': '2' }, now), 2000);
    assert.equal(retryAfterOf({ 'retry-after': new Date(now + 5000).toUTCString() }, now), 5000);
    assert.equal(retryAfterOf({ 'retry-after-ms': '150' }, now), 150);
    assert.equal(retryAfterOf({}, now), undefined);
  });
});

describe('StreamWatchdog', () => {
  it('reports a first-token stall after the first-token timeout, and a silence after the idle timeout', async () => {
    const clock = new FakeClock();
    const first = new StreamWatchdog(clock, { firstTokenTimeoutMs: 1000, idleTimeoutMs: 100 });
    await clock.advance(999);
    assert.equal(first.signal.aborted, false);
    await clock.advance(1);
    assert.ok(first.stall instanceof ModelStalledError);
    assert.equal(first.stall?.phase, 'first_token');

    const idle = new StreamWatchdog(clock, { firstTokenTimeoutMs: 1000, idleTimeoutMs: 100 });
    await clock.advance(500);
    idle.chunk();
    await clock.advance(60);
    idle.chunk();
    await clock.advance(99);
    assert.equal(idle.signal.aborted, false, 'chunks keep the stream alive');
    await clock.advance(1);
    assert.equal(idle.stall?.phase, 'between_chunks');
    idle.close();
  });

  it('stops watching on close', async () => {
    const clock = new FakeClock();
    const watchdog = new StreamWatchdog(clock, { firstTokenTimeoutMs: 10, idleTimeoutMs: 10 });
    watchdog.close();
    await clock.advance(100);
    assert.equal(watchdog.signal.aborted, false);
  });
});
