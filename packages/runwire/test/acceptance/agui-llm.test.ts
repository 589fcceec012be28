import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { HttpAgent } from '@ag-ui/client';
import { type BaseEvent, EventType } from '@ag-ui/core';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ConsoleCapture } from '../helpers/console-capture.js';
import { FakeOpenAIServer, presets } from '../helpers/fake-openai-server.js';
import { type InProcessServer, startInProcessServer } from '../helpers/in-process-server.js';

// A real model cannot run here: the fake OpenAI-compatible server stands in for it. The Runwire server is real, with
// the built-in `assistant` on that model, and AG-UI's own HttpAgent drives it.

describe('the AG-UI endpoint on a model', () => {
  let fake: FakeOpenAIServer;
  let server: InProcessServer;
  let token: string;
  const consoleCapture = new ConsoleCapture();
  const warnings = consoleCapture.calls;

  before(async () => {
    fake = await FakeOpenAIServer.start();
    const model = createOpenAICompatible({ name: 'fake', baseURL: fake.baseUrl })('fake-model');
    server = await startInProcessServer({ runtime: { model, modelLimits: { retryBaseDelay: 10 } } });
    token = await server.token('agui-llm-ada');
    consoleCapture.start();
  });
  after(async () => {
    consoleCapture.restore();
    await server.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  async function run(client: HttpAgent, text: string): Promise<BaseEvent[]> {
    client.addMessage({ id: `m-${Math.random().toString(36).slice(2)}`, role: 'user', content: text });
    const events: BaseEvent[] = [];
    await client.runAgent({}, { onEvent: ({ event }) => void events.push(event) });
    return events;
  }

  function agent(threadId: string): HttpAgent {
    return new HttpAgent({ url: `${server.url}/api/agui`, headers: { Authorization: `Bearer ${token}` }, threadId });
  }

  it("streams the model's tool call, the tool's result and the streamed answer, with the model's call id", async () => {
    fake.enqueue(
      presets.openai.toolCalls([{ id: 'call_mul', name: 'calculator', arguments: { expression: '6*7' } }]),
      presets.openai.text(['6*7 ', 'is ', '42.']),
    );
    const events = await run(agent('agui-llm-tools'), 'what is 6*7?');
    const types = events.map((e) => e.type);
    assert.equal(types[0], EventType.RUN_STARTED);
    assert.equal(types.at(-1), EventType.RUN_FINISHED);
    const start = events.find((e) => e.type === EventType.TOOL_CALL_START) as BaseEvent & {
      toolCallId: string;
      toolCallName: string;
    };
    assert.deepEqual([start.toolCallId, start.toolCallName], ['call_mul', 'calculator']);
    const result = events.find((e) => e.type === EventType.TOOL_CALL_RESULT) as BaseEvent & { content: string };
    assert.equal((JSON.parse(result.content) as { value: number }).value, 42);
    const text = events
      .filter((e) => e.type === EventType.TEXT_MESSAGE_CONTENT)
      .map((e) => (e as BaseEvent & { delta: string }).delta)
      .join('');
    assert.equal(text, '6*7 is 42.');
    // The model got the tool's result back in its second request.
    assert.ok(fake.journal[1]?.body?.messages?.some((m) => m.role === 'tool' && m.tool_call_id === 'call_mul'));
  });

  it('continues the conversation on a second run of the thread: the model sees the first exchange', async () => {
    fake.enqueue(presets.openai.text(['Nice to meet you, Ada.']), presets.openai.text(['Your name is Ada.']));
    const client = agent('agui-llm-history');
    await run(client, 'My name is Ada.');
    const second = await run(client, 'What is my name?');
    assert.equal(second.at(-1)?.type, EventType.RUN_FINISHED);
    const messages = fake.journal[1]?.body?.messages ?? [];
    const said = messages.map((m) => `${m.role}: ${String(m.content)}`);
    assert.ok(said.includes('user: My name is Ada.'), said.join(' | '));
    assert.ok(said.includes('assistant: Nice to meet you, Ada.'), said.join(' | '));
    assert.equal(said.at(-1), 'user: What is my name?');
  });

  it('printed no warning or error of the AG-UI client', () => {
    assert.deepEqual(warnings, []);
  });
});
