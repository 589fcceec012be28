import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { defineAgent } from '../../src/agents/agent-definition.js';
import { chunk, FakeOpenAIServer, presets } from '../helpers/fake-openai-server.js';
import { type InProcessServer, startInProcessServer } from '../helpers/in-process-server.js';
import { FAST_MODEL_LIMITS, slowTool } from '../helpers/llm-test-parts.js';
import { type Frame, TestClient } from '../helpers/ws-client.js';

// A real model cannot run here: the fake OpenAI-compatible server stands in for it. Each test scripts how the model
// server fails and checks the run's one honest ending through a real socket, and the request journal.

describe('honest endings of LLM runs', () => {
  let fake: FakeOpenAIServer;
  let server: InProcessServer;
  let client: TestClient;

  before(async () => {
    fake = await FakeOpenAIServer.start();
    const model = createOpenAICompatible({ name: 'fake', baseURL: fake.baseUrl, apiKey: 'sk-test' })('fake-model');
    const nowhere = createOpenAICompatible({ name: 'nowhere', baseURL: await FakeOpenAIServer.refusedUrl() })('m');
    const noV1 = createOpenAICompatible({ name: 'nov1', baseURL: fake.origin })('fake-model');
    const agents = [
      defineAgent({ name: 'llm', description: 'fast limits', model, tools: [slowTool], limits: FAST_MODEL_LIMITS }),
      defineAgent({ name: 'unreachable', description: 'nothing listens', model: nowhere, limits: FAST_MODEL_LIMITS }),
      defineAgent({ name: 'no-v1', description: 'base URL without /v1', model: noV1, limits: FAST_MODEL_LIMITS }),
      defineAgent({
        name: 'patient',
        description: 'honours long Retry-After',
        model,
        limits: { ...FAST_MODEL_LIMITS, maxRetryAfterMs: 20_000 },
      }),
      defineAgent({
        name: 'short-deadline',
        description: 'runs of 1.5 s',
        model,
        timeoutMs: 1_500,
        limits: { ...FAST_MODEL_LIMITS, maxRetryAfterMs: 20_000 },
      }),
    ];
    server = await startInProcessServer({ runtime: { agents, tools: [slowTool] } });
  });
  after(async () => {
    await server.close();
    await fake.close();
  });
  beforeEach(async () => {
    fake.reset();
    await client?.close();
    client = await TestClient.connect(server.wsUrl, await server.token('alice'));
  });

  async function start(agent: string, content = 'hello'): Promise<string> {
    const ack = await client.request({ type: 'user_message', agent, content });
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    return ack.runId as string;
  }

  async function failure(agent: string): Promise<{ code: string; message: string; phase?: string; end: Frame }> {
    const runId = await start(agent);
    const end = await client.waitForTerminal(runId);
    assert.equal(end.type, 'agent_error', JSON.stringify(end));
    assert.equal(end.status, 'failed');
    const error = end.error as { code: string; message: string; phase?: string };
    return { ...error, end };
  }

  it('ends with llm_unreachable when nothing listens at the base URL, after the retries', async () => {
    const error = await failure('unreachable');
    assert.equal(error.code, 'llm_unreachable');
    assert.match(
      error.message,
      /^Cannot reach the model server at http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: ECONNREFUSED/,
    );
    assert.match(error.message, /after 2 retries/);
  });

  it('ends with llm_auth and the server’s message on 401, without retrying', async () => {
    fake.enqueue(presets.errors.unauthorized('Incorrect API key provided: sk-te**'));
    const error = await failure('llm');
    assert.equal(error.code, 'llm_auth');
    assert.equal(
      error.message,
      'The model server refused the API key (HTTP 401): Incorrect API key provided: sk-te**. Check RUNWIRE_LLM_API_KEY',
    );
    assert.equal(fake.journal.length, 1);
  });

  it('ends with llm_model_not_found and the server’s message on a JSON 404', async () => {
    fake.enqueue(presets.errors.modelNotFoundJson('fake-model'));
    const error = await failure('llm');
    assert.equal(error.code, 'llm_model_not_found');
    assert.equal(
      error.message,
      'The model server does not know the model (HTTP 404): The model `fake-model` does not exist',
    );
  });

  it('says the base URL probably lacks /v1 on a plain-text 404', async () => {
    fake.enqueue(presets.errors.notFoundPlain());
    const error = await failure('no-v1');
    assert.equal(error.code, 'llm_model_not_found');
    assert.match(error.message, /the base URL probably lacks \/v1/);
    assert.equal(fake.journal[0]!.path, '/chat/completions');
  });

  it('honours Retry-After on 429 and succeeds when the server recovers', async () => {
    fake.enqueue(presets.errors.rateLimited(0.3), presets.openai.text(['fine']));
    const runId = await start('llm');
    const end = await client.waitForTerminal(runId);
    assert.equal(end.type, 'agent_completed', JSON.stringify(end));
    assert.equal(fake.journal.length, 2);
    const waited = fake.journal[1]!.receivedAt - fake.journal[0]!.receivedAt;
    assert.ok(waited >= 290, `retried after ${waited} ms, before Retry-After`);
  });

  it('ends with llm_rate_limited after the retries', async () => {
    fake.always(presets.errors.rateLimited(0.05, 'Rate limit reached for requests'));
    const error = await failure('llm');
    assert.equal(error.code, 'llm_rate_limited');
    assert.equal(
      error.message,
      'The model server is rate limiting (HTTP 429): Rate limit reached for requests (after 2 retries)',
    );
    assert.equal(fake.journal.length, 3);
  });

  it('does not wait for a Retry-After longer than the cap', async () => {
    fake.always(presets.errors.rateLimited(60));
    const error = await failure('llm');
    assert.equal(error.code, 'llm_rate_limited');
    assert.match(error.message, /not retried: the server asks to wait 60000 ms, more than the 1000 ms cap/);
    assert.equal(fake.journal.length, 1);
  });

  it('does not wait for a Retry-After past the run’s deadline', async () => {
    fake.always(presets.errors.rateLimited(5));
    const error = await failure('short-deadline');
    assert.equal(error.code, 'llm_rate_limited');
    assert.match(error.message, /not retried: waiting 5000 ms would pass the run's deadline/);
    assert.equal(fake.journal.length, 1);
  });

  it('returns at once when the run is cancelled during a Retry-After wait', async () => {
    fake.always(presets.errors.rateLimited(10));
    const runId = await start('patient');
    await fake.waitFor((j) => j.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    const stopAt = Date.now();
    const ack = await client.request({ type: 'stop_agent', runId });
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    const end = await client.waitForTerminal(runId, 2_000);
    assert.equal(end.type, 'agent_cancelled');
    assert.equal(end.reason, 'user');
    assert.ok(Date.now() - stopAt < 1_000);
    assert.equal(fake.journal.length, 1);
  });

  it('retries a 503 and ends with llm_server_error when 500s outlast the retries', async () => {
    fake.enqueue(presets.errors.server(503), presets.openai.text(['recovered']));
    const runId = await start('llm');
    assert.equal((await client.waitForTerminal(runId)).type, 'agent_completed');
    fake.reset();
    fake.always(presets.errors.server(500, 'boom'));
    const error = await failure('llm');
    assert.equal(error.code, 'llm_server_error');
    assert.equal(error.message, 'The model server failed (HTTP 500): boom (after 2 retries)');
    assert.equal(fake.journal.length, 3);
  });

  it('ends with llm_server_error on an error event in the stream (vLLM), with its message', async () => {
    fake.always(presets.vllm.error('CUDA out of memory'));
    const error = await failure('llm');
    assert.equal(error.code, 'llm_server_error');
    assert.match(error.message, /^The model server reported an error in its stream: CUDA out of memory/);
  });

  it('never retries once part of the answer reached the user', async () => {
    fake.always(presets.vllm.error('engine died', 500, ['Partial ']));
    const runId = await start('llm');
    const end = await client.waitForTerminal(runId);
    assert.equal((end.error as { code: string }).code, 'llm_server_error');
    assert.match(
      (end.error as { message: string }).message,
      /not retried: part of the answer had already reached the user/,
    );
    assert.equal(fake.journal.length, 1);
    assert.deepEqual(
      client
        .events(runId)
        .filter((e) => e.type === 'partial_result')
        .map((e) => e.delta),
      ['Partial '],
    );
  });

  it('ends with llm_stalled (first_token) when nothing arrives, and closes the request', async () => {
    fake.always({ kind: 'hang', headers: true });
    const error = await failure('llm');
    assert.equal(error.code, 'llm_stalled');
    assert.equal(error.phase, 'first_token');
    assert.match(error.message, /within 400 ms/);
    await fake.waitFor((j) => j.length > 0 && j.every((e) => e.clientWentAway));
  });

  it('ends with llm_stalled (between_chunks) on a silence mid-answer, without retrying', async () => {
    fake.enqueue(presets.stallAfter(['Hel']));
    const error = await failure('llm');
    assert.equal(error.code, 'llm_stalled');
    assert.equal(error.phase, 'between_chunks');
    assert.equal(fake.journal.length, 1);
    await fake.waitFor((j) => j[0]!.clientWentAway);
  });

  it('ends with llm_truncated when the stream is cut without its end', async () => {
    fake.always(presets.cut(['Hello', ' wor']));
    const error = await failure('llm');
    assert.equal(error.code, 'llm_truncated', error.message);
    assert.match(error.message, /^The model's stream was cut before its end: UND_ERR_SOCKET/);
  });

  it('ends with llm_truncated, without retrying, when the stream is cut after text reached the user', async () => {
    fake.always({
      kind: 'sse',
      steps: [
        { data: chunk({ role: 'assistant', content: 'Hello' }) },
        { data: chunk({ content: ' wor' }), delayMs: 50 },
        { pauseMs: 50 },
      ],
      end: 'cut',
    });
    const error = await failure('llm');
    assert.equal(error.code, 'llm_truncated', error.message);
    assert.equal(fake.journal.length, 1);
  });

  it('ends with llm_truncated when the stream ends without a finish reason', async () => {
    fake.enqueue({ kind: 'sse', steps: [{ data: chunk({ role: 'assistant', content: 'Hel' }) }] });
    const error = await failure('llm');
    assert.equal(error.code, 'llm_truncated');
  });

  it('ends with llm_refused on a content filter', async () => {
    fake.enqueue(presets.refused());
    const error = await failure('llm');
    assert.equal(error.code, 'llm_refused');
  });

  it('ends with tool_timeout when a tool outlives its deadline', async () => {
    fake.enqueue(presets.openai.toolCalls([{ id: 'call_s', name: 'slow', arguments: {} }]));
    const { code, message, end } = await failure('llm');
    assert.equal(code, 'tool_timeout');
    assert.equal(message, "Tool 'slow' did not finish within 300 ms");
    const completed = client.events(end.runId as string).find((e) => e.type === 'tool_completed')!;
    assert.equal(completed.toolCallId, 'call_s');
    assert.equal(completed.success, false);
  });

  it('cancels mid-stream on stop_agent: agent_cancelled, and the model request is closed at once', async () => {
    fake.enqueue(presets.openai.text(['one ', 'two ', 'three ', 'four ', 'five'], { delayMs: 150 }));
    const runId = await start('llm');
    await client.waitFor((f) => f.runId === runId && f.type === 'partial_result');
    const stopAt = Date.now();
    await client.request({ type: 'stop_agent', runId });
    const end = await client.waitForTerminal(runId);
    assert.equal(end.type, 'agent_cancelled');
    assert.equal(end.reason, 'user');
    await fake.waitFor((j) => j[0]!.clientWentAway, 1_000);
    const closedAfter = fake.journal[0]!.wentAwayAt! - stopAt;
    assert.ok(closedAfter < 250, `the request closed ${closedAfter} ms after stop_agent`);
    assert.ok(client.events(runId).filter((e) => e.type === 'partial_result').length < 5);
  });
});
