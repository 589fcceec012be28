import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertServerFrame, assertServerFrames } from '../helpers/frame-schemas.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { type Frame, TestClient } from '../helpers/ws-client.js';

describe('malformed frames over a real socket', () => {
  let server: ServerProcess;
  let client: TestClient;
  before(async () => {
    server = await startServerProcess();
    client = await TestClient.connect(server.wsUrl, await server.token('alice'));
  });
  after(async () => {
    await client.close();
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  /** The next frame after the ones received so far. */
  async function nextFrame(): Promise<Frame> {
    const seen = client.frames.length;
    return client.waitUntil(() => client.frames[seen], 5000, 'the next frame');
  }

  /** Asserts the connection still answers: `ping` gets its `pong`. */
  async function assertStillAnswers(): Promise<void> {
    const pong = await client.request({ type: 'ping' });
    assertServerFrame(pong);
    assert.equal(pong.type, 'pong');
    assert.equal(client.closeCode, undefined, 'the socket closed');
  }

  it('answers text that is not JSON with bad_json, then still answers ping', async () => {
    const next = nextFrame();
    client.sendRaw('{"type": "ping",');
    const error = await next;
    assertServerFrame(error);
    assert.equal(error.type, 'error');
    assert.equal(error.code, 'bad_json');
    await assertStillAnswers();
  });

  it('answers an unknown type with unknown_type carrying the request id, then still answers ping', async () => {
    const error = await client.request({ type: 'make_coffee' });
    assertServerFrame(error);
    assert.equal(error.type, 'error');
    assert.equal(error.code, 'unknown_type');
    await assertStillAnswers();
  });

  it('answers a schema violation with bad_request listing each field in details.issues, then still answers ping', async () => {
    const error = await client.request({ type: 'user_message', content: '', threadId: 7 });
    assertServerFrame(error);
    assert.equal(error.code, 'bad_request');
    const issues = (error.details as { issues?: Array<{ path: string; message: string }> } | undefined)?.issues;
    assert.ok(Array.isArray(issues), 'details.issues is missing');
    assert.deepEqual(issues.map((i) => i.path).sort(), ['content', 'threadId']);
    for (const issue of issues) assert.ok(issue.message.length > 0);
    const resume = await client.request({ type: 'resume', after: -1 });
    assert.equal(resume.code, 'bad_request');
    await assertStillAnswers();
  });

  it('answers an unknown field with bad_request naming it, then still answers ping', async () => {
    const error = await client.request({ type: 'ping', sneaky: true });
    assertServerFrame(error);
    assert.equal(error.code, 'bad_request');
    assert.match(JSON.stringify(error.details), /sneaky/);
    await assertStillAnswers();
  });

  it('answers a binary frame with bad_request, then still answers ping', async () => {
    const next = nextFrame();
    client.sendRaw(Buffer.from(JSON.stringify({ type: 'ping', id: 'bin' })), true);
    const error = await next;
    assertServerFrame(error);
    assert.equal(error.type, 'error');
    assert.equal(error.code, 'bad_request');
    await assertStillAnswers();
  });

  it('answers a JSON value that is not an object with bad_request, then still answers ping', async () => {
    for (const text of ['[]', '42', 'null', '{"id":"x"}']) {
      const next = nextFrame();
      client.sendRaw(text);
      const error = await next;
      assert.equal(error.code, 'bad_request', `${text} → ${JSON.stringify(error)}`);
    }
    await assertStillAnswers();
  });

  it('answers input nested deeper than the depth limit with bad_request naming the limit, not internal', async () => {
    // 5,000 levels: deep enough to overflow the stack of a recursive schema walk, and still a small frame.
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const next = nextFrame();
    client.sendRaw(`{"type":"start_agent","id":"deep","agent":"echo","input":${deep}}`);
    const error = await next;
    assertServerFrame(error);
    assert.equal(error.id, 'deep');
    assert.equal(error.code, 'bad_request');
    assert.equal(error.message, 'The frame is refused: nested deeper than 64 levels (the limit)');
    await assertStillAnswers();
  });

  it('accepts input at the depth limit as far as the limit goes (the agent schema then judges it)', async () => {
    // The frame is level 1 and `input` level 2: 63 nested arrays reach level 64 exactly.
    const atLimit = `${'['.repeat(63)}${']'.repeat(63)}`;
    const next = nextFrame();
    client.sendRaw(`{"type":"start_agent","id":"at-limit","agent":"echo","input":${atLimit}}`);
    const error = await next;
    assert.equal(error.code, 'bad_request');
    assert.doesNotMatch(String(error.message), /the limit/);
    assert.equal((error.details as { issues: Array<{ path: string }> }).issues[0]?.path.startsWith('input'), true);
  });

  it('answers a frame with more JSON values than the limit with bad_request naming the limit', async () => {
    const error = await client.request({ type: 'start_agent', agent: 'echo', input: new Array(10_001).fill(0) });
    assert.equal(error.code, 'bad_request');
    assert.match(String(error.message), /more than 10000 JSON values \(the limit\)/);
    await assertStillAnswers();
  });

  it('refuses an own "__proto__" key inside input as bad_request naming its path', async () => {
    const next = nextFrame();
    client.sendRaw('{"type":"start_agent","id":"proto","agent":"echo","input":{"text":"hi","__proto__":{"steps":0}}}');
    const error = await next;
    assertServerFrame(error);
    assert.equal(error.code, 'bad_request');
    assert.deepEqual((error.details as { issues: Array<{ path: string }> }).issues[0]?.path, 'input.__proto__');
    await assertStillAnswers();
  });

  it('closes a connection that sends invalid UTF-8 in a text frame with 1007, as documented', async () => {
    const other = await TestClient.connect(server.wsUrl, await server.token('alice'));
    other.sendRaw(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    assert.equal(await other.waitForClose(), 1007);
    await assertStillAnswers();
  });

  it('sent only frames that match their wire schema, and no run event', () => {
    assertServerFrames(client.frames);
    assert.equal(client.events().length, 0);
  });
});
