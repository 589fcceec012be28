import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { z } from 'zod';
import { defineAgent } from '../../src/agents/agent-definition.js';
import { defineTool } from '../../src/agents/tool.js';
import { FakeOpenAIServer, presets } from '../helpers/fake-openai-server.js';
import { type InProcessServer, startInProcessServer } from '../helpers/in-process-server.js';
import { FAST_MODEL_LIMITS, slowTool } from '../helpers/llm-test-parts.js';
import { type Frame, TestClient } from '../helpers/ws-client.js';

// A real model cannot run here: the fake OpenAI-compatible server stands in for it (a real HTTP server streaming
// Chat Completions chunks), and everything else is real: the server, its socket, the AI SDK provider over HTTP.

describe('LLM agents against an OpenAI-compatible server', () => {
  let fake: FakeOpenAIServer;
  let server: InProcessServer;
  let client: TestClient;

  const weatherTool = defineTool({
    name: 'weather',
    description: 'Weather of a city',
    parameters: z.strictObject({ city: z.string() }),
    async execute({ city }) {
      if (city === 'Atlantis') throw new Error(`No station in ${city}`);
      return { city, celsius: 21 };
    },
  });

  before(async () => {
    fake = await FakeOpenAIServer.start();
    const provider = createOpenAICompatible({ name: 'fake', baseURL: fake.baseUrl, apiKey: 'sk-test-secret' });
    const model = provider('fake-model');
    const agents = [
      defineAgent({
        name: 'helper',
        description: 'An LLM agent with tools',
        model,
        instructions: 'You are terse.',
        tools: [weatherTool, slowTool],
        maxSteps: 3,
        limits: FAST_MODEL_LIMITS,
      }),
    ];
    server = await startInProcessServer({ runtime: { agents, tools: [weatherTool, slowTool] } });
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

  async function run(content: string): Promise<{ runId: string; end: Frame; events: Frame[] }> {
    const ack = await client.request({ type: 'user_message', agent: 'helper', content });
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    const runId = ack.runId as string;
    const end = await client.waitForTerminal(runId);
    return { runId, end, events: client.events(runId) };
  }

  it('streams text deltas as partial_result and completes with the text and usage', async () => {
    // Paced like a model: each delta is its own event (deltas of one burst are sent together, see below).
    fake.enqueue(
      presets.openai.text(['Hel', 'lo ', 'there'], { usage: { promptTokens: 12, completionTokens: 3 }, delayMs: 30 }),
    );
    const { end, events } = await run('hi');
    assert.equal(end.type, 'agent_completed', JSON.stringify(end));
    assert.equal(end.finalResponse, 'Hello there');
    assert.deepEqual(end.usage, { inputTokens: 12, outputTokens: 3 });
    assert.deepEqual(
      events.filter((e) => e.type === 'partial_result').map((e) => e.delta),
      ['Hel', 'lo ', 'there'],
    );
    const request = fake.journal[0]!;
    assert.equal(request.path, '/v1/chat/completions');
    assert.equal(request.headers.authorization, 'Bearer sk-test-secret');
    assert.equal(request.body?.stream, true);
    assert.deepEqual(request.body?.messages?.[0], { role: 'system', content: 'You are terse.' });
    assert.deepEqual(request.body?.messages?.at(-1), { role: 'user', content: 'hi' });
    assert.deepEqual(request.body?.tools?.map((t) => t.function.name).sort(), ['slow', 'weather']);
  });

  it('sends a burst of deltas in fewer partial_result events, first delta first, the text whole and in order', async () => {
    const deltas = Array.from({ length: 200 }, (_, i) => `w${i} `);
    fake.enqueue(presets.openai.text(deltas));
    const { end, events } = await run('burst');
    assert.equal(end.type, 'agent_completed', JSON.stringify(end));
    const partials = events.filter((e) => e.type === 'partial_result').map((e) => String(e.delta));
    assert.equal(partials.join(''), deltas.join(''));
    assert.equal(end.finalResponse, deltas.join(''));
    assert.equal(partials[0], 'w0 ');
    assert.ok(partials.length < deltas.length, `${partials.length} events for ${deltas.length} deltas`);
  });

  it('runs one tool call with the model’s call id and sends the result back to the model', async () => {
    fake.enqueue(
      presets.openai.toolCalls([{ id: 'call_w1', name: 'weather', arguments: { city: 'Oslo' } }], {
        usage: { promptTokens: 10, completionTokens: 5 },
      }),
      presets.openai.text(['It is 21 °C in Oslo.'], { usage: { promptTokens: 30, completionTokens: 8 } }),
    );
    const { end, events } = await run('weather in Oslo?');
    assert.equal(end.type, 'agent_completed', JSON.stringify(end));
    assert.equal(end.finalResponse, 'It is 21 °C in Oslo.');
    assert.deepEqual(end.usage, { inputTokens: 40, outputTokens: 13 });
    const executing = events.find((e) => e.type === 'tool_executing')!;
    assert.equal(executing.toolCallId, 'call_w1');
    assert.equal(executing.toolName, 'weather');
    assert.deepEqual(executing.parameters, { city: 'Oslo' });
    const completed = events.find((e) => e.type === 'tool_completed')!;
    assert.equal(completed.toolCallId, 'call_w1');
    assert.equal(completed.success, true);
    assert.deepEqual(completed.results, { city: 'Oslo', celsius: 21 });
    const second = fake.journal[1]!.body!.messages!;
    const assistant = second.find((m) => m.role === 'assistant')!;
    assert.equal(assistant.tool_calls?.[0]?.id, 'call_w1');
    assert.deepEqual(JSON.parse(assistant.tool_calls?.[0]?.function.arguments ?? ''), { city: 'Oslo' });
    const toolMessage = second.find((m) => m.role === 'tool')!;
    assert.equal(toolMessage.tool_call_id, 'call_w1');
    assert.deepEqual(JSON.parse(String(toolMessage.content)), { city: 'Oslo', celsius: 21 });
  });

  for (const preset of ['openai', 'ollama'] as const) {
    it(`runs two parallel calls (${preset} stream shape) and returns both results`, async () => {
      fake.enqueue(
        presets[preset].toolCalls([
          { id: 'call_a', name: 'weather', arguments: { city: 'Oslo' } },
          { id: 'call_b', name: 'weather', arguments: { city: 'Rome' } },
        ]),
        presets.openai.text(['Both fine.']),
      );
      const { end, events } = await run('Oslo and Rome?');
      assert.equal(end.type, 'agent_completed', JSON.stringify(end));
      const executing = events.filter((e) => e.type === 'tool_executing');
      assert.deepEqual(
        executing.map((e) => [e.toolCallId, (e.parameters as { city: string }).city]),
        [
          ['call_a', 'Oslo'],
          ['call_b', 'Rome'],
        ],
      );
      assert.equal(events.filter((e) => e.type === 'tool_completed' && e.success === true).length, 2);
      const toolMessages = fake.journal[1]!.body!.messages!.filter((m) => m.role === 'tool');
      assert.deepEqual(
        toolMessages.map((m) => m.tool_call_id),
        ['call_a', 'call_b'],
      );
    });
  }

  it('makes its own call id where the server sends none (vLLM) or an empty one (LM Studio)', async () => {
    fake.enqueue(
      presets.vllm.toolCalls([{ name: 'weather', arguments: { city: 'Oslo' } }]),
      presets.openai.text(['ok']),
      presets.lmstudio.toolCalls([{ name: 'weather', arguments: { city: 'Rome' } }]),
      presets.openai.text(['ok']),
    );
    for (const city of ['Oslo', 'Rome']) {
      const { end, events } = await run(`weather in ${city}`);
      assert.equal(end.type, 'agent_completed', JSON.stringify(end));
      const executing = events.find((e) => e.type === 'tool_executing')!;
      assert.equal(typeof executing.toolCallId, 'string');
      assert.ok((executing.toolCallId as string).length > 0);
      const completed = events.find((e) => e.type === 'tool_completed')!;
      assert.equal(completed.toolCallId, executing.toolCallId);
      assert.equal(completed.success, true);
    }
  });

  it('returns a tool’s error to the model, which answers from it', async () => {
    fake.enqueue(
      presets.openai.toolCalls([{ id: 'call_x', name: 'weather', arguments: { city: 'Atlantis' } }]),
      presets.openai.text(['There is no station there.']),
    );
    const { end, events } = await run('weather in Atlantis?');
    assert.equal(end.type, 'agent_completed', JSON.stringify(end));
    const completed = events.find((e) => e.type === 'tool_completed')!;
    assert.equal(completed.success, false);
    assert.equal((completed.error as { code: string }).code, 'tool_failed');
    assert.match((completed.error as { message: string }).message, /No station in Atlantis/);
    const toolMessage = fake.journal[1]!.body!.messages!.find((m) => m.role === 'tool')!;
    assert.match(String(toolMessage.content), /No station in Atlantis/);
  });

  it('stops at maxSteps: the last call may not use tools, and further calls are not run', async () => {
    fake.enqueue(
      presets.openai.toolCalls([{ id: 'c1', name: 'weather', arguments: { city: 'A' } }]),
      presets.openai.toolCalls([{ id: 'c2', name: 'weather', arguments: { city: 'B' } }]),
      presets.openai.toolCalls([{ id: 'c3', name: 'weather', arguments: { city: 'C' } }]),
    );
    const { end, events } = await run('loop forever');
    assert.equal(end.type, 'agent_completed', JSON.stringify(end));
    assert.equal(fake.journal.length, 3);
    assert.equal(fake.journal[0]!.body?.tool_choice, 'auto');
    assert.equal(fake.journal[2]!.body?.tool_choice, 'none');
    assert.deepEqual(
      events.filter((e) => e.type === 'tool_executing').map((e) => e.toolCallId),
      ['c1', 'c2'],
    );
    const note = events.filter((e) => e.type === 'agent_thinking').at(-1)!;
    assert.match(String(note.reasoning), /step limit \(3\)/);
  });

  it('reports reasoning_content (llama.cpp) as agent_thinking before the text', async () => {
    fake.enqueue(presets.llamacpp.reasoningThenText(['Let me ', 'think.'], ['Answer.']));
    const { end, events } = await run('think first');
    assert.equal(end.type, 'agent_completed', JSON.stringify(end));
    const types = events.map((e) => e.type);
    const thinking = events.find((e) => e.type === 'agent_thinking')!;
    assert.equal(thinking.reasoning, 'Let me think.');
    assert.ok(types.indexOf('agent_thinking') < types.indexOf('partial_result'));
    assert.equal(end.finalResponse, 'Answer.');
  });
});
