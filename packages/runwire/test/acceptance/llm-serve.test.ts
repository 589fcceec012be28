import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { FakeOpenAIServer, presets } from '../helpers/fake-openai-server.js';
import { BIN, type ServerProcess, startServerProcess, TEST_SECRET } from '../helpers/server-process.js';
import { TestClient } from '../helpers/ws-client.js';

// A real model cannot run here: the fake OpenAI-compatible server stands in for it. `runwire serve` runs as users
// run it (the built CLI in a child process), configured by flags and environment.

const API_KEY = 'sk-live-do-not-log-4f9a2c';

/** POST with a JSON body (the shared HTTP helper sends no body). */
function postJson(
  url: string,
  body: unknown,
  token: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe('runwire serve with a model', () => {
  let fake: FakeOpenAIServer;
  let server: ServerProcess;
  before(async () => {
    fake = await FakeOpenAIServer.start();
    server = await startServerProcess({
      args: ['--llm-base-url', fake.baseUrl, '--llm-model', 'fake-model', '--log-level', 'trace'],
      env: { RUNWIRE_LLM_API_KEY: API_KEY },
    });
  });
  after(async () => {
    await server.stop('SIGTERM');
    await fake.close();
  });

  it('answers user_message without agent with the assistant, sending the key only to the model server', async () => {
    fake.enqueue(presets.openai.text(['Hi', ' there'], { usage: { promptTokens: 9, completionTokens: 2 } }));
    const client = await TestClient.connect(server.wsUrl, await server.token('alice'));
    const ack = await client.request({ type: 'user_message', content: 'write me a haiku' });
    const end = await client.waitForTerminal(ack.runId as string);
    assert.equal(end.type, 'agent_completed', JSON.stringify(end));
    assert.equal(end.agent, 'assistant');
    assert.equal(end.finalResponse, 'Hi there');
    assert.deepEqual(end.usage, { inputTokens: 9, outputTokens: 2 });
    const call = fake.journal[0]!;
    assert.equal(call.path, '/v1/chat/completions');
    assert.equal(call.headers.authorization, `Bearer ${API_KEY}`);
    assert.equal(call.body?.model, 'fake-model');
    assert.deepEqual(call.body?.stream_options, { include_usage: true });
    await client.close();
    assert.equal(server.output().includes(API_KEY), false, 'the API key appeared in the server output');
  });

  it('starts a run with POST /api/runs whose events reach the user’s socket', async () => {
    fake.enqueue(presets.openai.text(['over HTTP']));
    const token = await server.token('carol');
    const client = await TestClient.connect(server.wsUrl, token);
    const answer = await postJson(`${server.url}/api/runs`, { content: 'hello over http' }, token);
    assert.equal(answer.status, 202);
    assert.match(String(answer.json.runId), /^run_/);
    assert.match(String(answer.json.threadId), /^thr_/);
    const end = await client.waitForTerminal(answer.json.runId as string);
    assert.equal(end.type, 'agent_completed');
    assert.equal(end.finalResponse, 'over HTTP');
    const echo = await postJson(
      `${server.url}/api/runs`,
      { agent: 'echo', input: { text: 'x', steps: 0 }, threadId: answer.json.threadId },
      token,
    );
    assert.equal(echo.status, 202);
    assert.equal(echo.json.threadId, answer.json.threadId);
    assert.equal((await client.waitForTerminal(echo.json.runId as string)).type, 'agent_completed');
    await client.close();
  });

  it('refuses bad run requests over HTTP with 400 and the socket’s error codes', async () => {
    const token = await server.token('carol');
    const client = await TestClient.connect(server.wsUrl, token);
    const unknownHttp = await postJson(`${server.url}/api/runs`, { agent: 'nobody', input: {} }, token);
    const unknownWs = await client.request({ type: 'start_agent', agent: 'nobody', input: {} });
    assert.equal(unknownHttp.status, 400);
    assert.equal((unknownHttp.json.error as { code: string }).code, 'bad_request');
    assert.equal(unknownWs.code, 'bad_request');
    assert.equal((unknownHttp.json.error as { message: string }).message, unknownWs.message);
    const empty = await postJson(`${server.url}/api/runs`, { content: '' }, token);
    assert.equal(empty.status, 400);
    assert.equal((empty.json.error as { code: string }).code, 'bad_request');
    const both = await postJson(`${server.url}/api/runs`, { content: 'x', input: {} }, token);
    assert.equal(both.status, 400);
    await client.close();
  });
});

describe('runwire serve model options', () => {
  function serve(args: string[], env: Record<string, string> = {}): { status: number | null; output: string } {
    const result = spawnSync(process.execPath, [BIN, 'serve', '--store', 'memory', '--port', '0', ...args], {
      env: { ...process.env, NODE_ENV: 'test', RUNWIRE_JWT_SECRET: TEST_SECRET, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  it('has no flag for the API key', () => {
    const result = serve(['--llm-api-key', 'sk-x']);
    assert.notEqual(result.status, 0);
    assert.match(result.output, /unknown option '--llm-api-key'/);
  });

  it('refuses a model without a base URL, naming both options', () => {
    const result = serve(['--llm-model', 'llama3']);
    assert.notEqual(result.status, 0);
    assert.match(result.output, /--llm-model \(RUNWIRE_LLM_MODEL\) needs --llm-base-url \(RUNWIRE_LLM_BASE_URL\)/);
  });

  it('lists the model options in --help, with their defaults', () => {
    const result = spawnSync(process.execPath, [BIN, 'serve', '--help'], { encoding: 'utf8' });
    assert.match(result.stdout, /--llm-base-url <URL>/);
    assert.match(result.stdout, /--llm-first-token-timeout <DURATION>[\s\S]*default: 2m/);
    assert.match(result.stdout, /--llm-idle-timeout <DURATION>[\s\S]*default: 30s/);
    assert.match(result.stdout, /--history-limit <N>[\s\S]*default: 50/);
    assert.match(result.stdout, /RUNWIRE_LLM_API_KEY/);
  });
});
