import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { streamText } from 'ai';
import { z } from 'zod';
import { defineAgent } from '../../src/agents/agent-definition.js';
import { FakeOpenAIServer, presets } from '../helpers/fake-openai-server.js';
import { httpRequest } from '../helpers/http-client.js';
import { type InProcessServer, startInProcessServer } from '../helpers/in-process-server.js';
import { type Frame, TestClient } from '../helpers/ws-client.js';

// A real model cannot run here: the fake OpenAI-compatible server stands in for it. The server is real, with the
// built-in `assistant` on the configured model and the thread history in the (memory) store.

describe('the assistant and thread history', () => {
  let fake: FakeOpenAIServer;
  let server: InProcessServer;
  let alice: TestClient;
  let bob: TestClient;

  before(async () => {
    fake = await FakeOpenAIServer.start();
    const model = createOpenAICompatible({ name: 'fake', baseURL: fake.baseUrl })('fake-model');
    // A code agent that calls the server's model itself, with the run's signal.
    const coder = defineAgent({
      name: 'coder',
      description: 'Calls ctx.model directly',
      input: z.string(),
      async run(prompt, ctx) {
        const result = streamText({ model: ctx.model!, prompt, abortSignal: ctx.signal, maxRetries: 0 });
        let text = '';
        for await (const delta of result.textStream) {
          text += delta;
          await ctx.partial(delta);
        }
        return text;
      },
    });
    server = await startInProcessServer({
      runtime: { model, agents: [coder], historyLimit: 4, modelLimits: { retryBaseDelay: 10 } },
    });
  });
  after(async () => {
    await server.close();
    await fake.close();
  });
  beforeEach(async () => {
    fake.reset();
    await alice?.close();
    await bob?.close();
    alice = await TestClient.connect(server.wsUrl, await server.token('alice'));
    bob = await TestClient.connect(server.wsUrl, await server.token('bob'));
  });

  async function say(client: TestClient, content: string, threadId?: string): Promise<Frame> {
    const ack = await client.request({
      type: 'user_message',
      content,
      ...(threadId === undefined ? {} : { threadId }),
    });
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    const end = await client.waitForTerminal(ack.runId as string);
    assert.equal(end.type, 'agent_completed', JSON.stringify(end));
    return end;
  }

  it('sends user_message without agent to the assistant, with the built-in tools', async () => {
    fake.enqueue(
      presets.openai.toolCalls([{ id: 'call_c', name: 'calculator', arguments: { expression: '6*7' } }]),
      presets.openai.text(['6*7 is 42.']),
    );
    const end = await say(alice, 'what is 6*7?');
    assert.equal(end.agent, 'assistant');
    assert.equal(end.finalResponse, '6*7 is 42.');
    assert.deepEqual(fake.journal[0]!.body?.tools?.map((t) => t.function.name).sort(), [
      'calculator',
      'clock',
      'my_runs',
    ]);
    const toolMessage = fake.journal[1]!.body!.messages!.find((m) => m.role === 'tool')!;
    assert.equal(JSON.parse(String(toolMessage.content)).value, 42);
  });

  it('gives code agents the server’s model as ctx.model', async () => {
    fake.enqueue(presets.openai.text(['from ', 'code']));
    const ack = await alice.request({ type: 'start_agent', agent: 'coder', input: 'say it' });
    const end = await alice.waitForTerminal(ack.runId as string);
    assert.equal(end.type, 'agent_completed', JSON.stringify(end));
    assert.equal(end.finalResponse, 'from code');
    assert.deepEqual(fake.journal[0]!.body?.messages?.at(-1), { role: 'user', content: 'say it' });
  });

  it('sends a thread’s earlier exchange, tool calls included, with its second message', async () => {
    fake.enqueue(
      presets.openai.toolCalls([{ id: 'call_1', name: 'calculator', arguments: { expression: '2+2' } }]),
      presets.openai.text(['It is 4.']),
      presets.openai.text(['Double that is 8.']),
    );
    const first = await say(alice, 'What is 2+2?');
    await say(alice, 'And double it?', first.threadId as string);
    const messages = fake.journal[2]!.body!.messages!;
    assert.deepEqual(
      messages.map((m) => m.role),
      ['system', 'user', 'assistant', 'tool', 'assistant', 'user'],
    );
    assert.equal(messages[1]!.content, 'What is 2+2?');
    assert.equal(messages[2]!.tool_calls?.[0]?.id, 'call_1');
    assert.equal(messages[3]!.tool_call_id, 'call_1');
    assert.equal(messages[4]!.content, 'It is 4.');
    assert.equal(messages[5]!.content, 'And double it?');
  });

  it('bounds the history by --history-limit, dropping the oldest first', async () => {
    fake.always(presets.openai.text(['ok']));
    const first = await say(alice, 'm1');
    const threadId = first.threadId as string;
    for (const m of ['m2', 'm3', 'm4']) await say(alice, m, threadId);
    const last = fake.journal.at(-1)!.body!.messages!;
    // Six earlier messages (m1 ok m2 ok m3 ok); the limit of 4 keeps the newest, then the new message.
    assert.deepEqual(
      last.filter((m) => m.role !== 'system').map((m) => m.content),
      ['m2', 'ok', 'm3', 'ok', 'm4'],
    );
  });

  it('lists the user’s threads newest first and pages a thread’s messages, oldest first', async () => {
    fake.always(presets.openai.text(['fine']));
    const one = await say(alice, 'first thread');
    const two = await say(alice, 'second thread');
    const threads = await alice.request({ type: 'list_threads' });
    assert.equal(threads.type, 'threads');
    const list = threads.threads as Array<Record<string, unknown>>;
    assert.deepEqual(
      list.slice(0, 2).map((t) => [t.threadId, t.title, t.lastRunId]),
      [
        [two.threadId, 'second thread', two.runId],
        [one.threadId, 'first thread', one.runId],
      ],
    );
    const page = await alice.request({ type: 'get_thread', threadId: one.threadId, limit: 1 });
    assert.equal(page.type, 'thread');
    assert.equal(page.threadId, one.threadId);
    assert.deepEqual(
      (page.messages as Frame[]).map((m) => [m.role, m.content, m.runId]),
      [['user', 'first thread', one.runId]],
    );
    const rest = await alice.request({ type: 'get_thread', threadId: one.threadId, after: page.next });
    assert.deepEqual(
      (rest.messages as Frame[]).map((m) => [m.role, m.content]),
      [['assistant', 'fine']],
    );
    assert.equal(rest.next, undefined);
  });

  it('answers another user’s thread exactly like a missing one, on the socket and over HTTP', async () => {
    fake.always(presets.openai.text(['private']));
    const mine = await say(alice, 'my secret');
    const other = await bob.request({ id: 'q', type: 'get_thread', threadId: mine.threadId });
    const missing = await bob.request({ id: 'q2', type: 'get_thread', threadId: 'thr_nope' });
    assert.equal(other.type, 'error');
    assert.equal(other.code, 'not_found');
    assert.deepEqual(
      { ...other, message: String(other.message).replace(String(mine.threadId), 'X') },
      { ...missing, id: 'q', message: String(missing.message).replace('thr_nope', 'X') },
    );
    const bobThreads = await bob.request({ type: 'list_threads' });
    assert.equal(
      (bobThreads.threads as Frame[]).some((t) => t.threadId === mine.threadId),
      false,
    );
    const bobToken = await server.token('bob');
    const httpOther = await httpRequest(`${server.url}/api/threads/${mine.threadId}/messages`, { token: bobToken });
    const httpMissing = await httpRequest(`${server.url}/api/threads/thr_nope/messages`, { token: bobToken });
    assert.equal(httpOther.status, 404);
    assert.equal(httpMissing.status, 404);
    assert.equal(httpOther.text.replace(String(mine.threadId), 'X'), httpMissing.text.replace('thr_nope', 'X'));
    const httpDelete = await httpRequest(`${server.url}/api/threads/${mine.threadId}`, {
      method: 'DELETE',
      token: bobToken,
    });
    assert.equal(httpDelete.status, 404);
  });

  it('serves threads over HTTP and deletes a thread with its messages', async () => {
    fake.always(presets.openai.text(['noted']));
    const run = await say(alice, 'keep this');
    const token = await server.token('alice');
    const list = await httpRequest(`${server.url}/api/threads`, { token });
    assert.equal(list.status, 200);
    assert.equal((list.json as { threads: Frame[] }).threads[0]?.threadId, run.threadId);
    const messages = await httpRequest(`${server.url}/api/threads/${run.threadId}/messages`, { token });
    assert.deepEqual(
      (messages.json as { messages: Frame[] }).messages.map((m) => m.content),
      ['keep this', 'noted'],
    );
    const deleted = await httpRequest(`${server.url}/api/threads/${run.threadId}`, { method: 'DELETE', token });
    assert.equal(deleted.status, 204);
    const gone = await httpRequest(`${server.url}/api/threads/${run.threadId}/messages`, { token });
    assert.equal(gone.status, 404);
  });
});
