import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HttpAgent } from '@ag-ui/client';
import { type BaseEvent, EventType } from '@ag-ui/core';
import { EventSchemas } from '@ag-ui/core/schemas';
import { z } from 'zod';
import { defineAgent } from '../../src/agents/agent-definition.js';
import { ConsoleCapture } from '../helpers/console-capture.js';
import { type InProcessServer, startInProcessServer } from '../helpers/in-process-server.js';

/** Fails with a message of its own, so a run ends `failed` with the runner's code. */
const brokenAgent = defineAgent({
  name: 'broken',
  description: 'Test: thinks once, then throws',
  input: z.string(),
  async run(_text, ctx) {
    await ctx.thinking('About to fail');
    throw new Error('the disk is full');
  },
});

/** Streams a few words slowly, so a test can cancel it or walk away in the middle. */
const slowAgent = defineAgent({
  name: 'slow',
  description: 'Test: streams ten words, 100 ms apart',
  input: z.string(),
  async run(_text, ctx) {
    for (let i = 1; i <= 10; i++) {
      await ctx.sleep(100);
      await ctx.partial(`word${i} `);
    }
    return 'done';
  },
});

interface RunOutcome {
  readonly events: BaseEvent[];
  readonly error?: unknown;
}

describe('the AG-UI endpoint, driven by @ag-ui/client', () => {
  let server: InProcessServer;
  let aliceToken: string;
  const consoleCapture = new ConsoleCapture();
  const warnings = consoleCapture.calls;

  before(async () => {
    server = await startInProcessServer({ runtime: { agents: [brokenAgent, slowAgent] } });
    aliceToken = await server.token('agui-alice-51d0');
    // The client reports anything it had to repair or could not verify through the console: none may appear.
    consoleCapture.start();
  });
  after(async () => {
    consoleCapture.restore();
    await server.close();
  });

  function agent(token: string, threadId: string): HttpAgent {
    return new HttpAgent({ url: `${server.url}/api/agui`, headers: { Authorization: `Bearer ${token}` }, threadId });
  }

  async function run(
    client: HttpAgent,
    text: string,
    forwardedProps: Record<string, unknown> = {},
    onEvent?: (event: BaseEvent) => void,
  ): Promise<RunOutcome> {
    client.addMessage({ id: `m-${Math.random().toString(36).slice(2)}`, role: 'user', content: text });
    const events: BaseEvent[] = [];
    try {
      await client.runAgent(
        { forwardedProps },
        {
          onEvent: ({ event }) => {
            events.push(event);
            onEvent?.(event);
          },
        },
      );
      return { events };
    } catch (error) {
      return { events, error };
    }
  }

  function types(events: readonly BaseEvent[]): string[] {
    return events.map((e) => e.type);
  }

  function assertValid(events: readonly BaseEvent[]): void {
    for (const event of events) {
      const parsed = EventSchemas.safeParse(event);
      assert.ok(parsed.success, `${event.type} fails AG-UI's schema: ${JSON.stringify(parsed.error?.issues)}`);
      if (event.timestamp !== undefined) assert.ok(Number.isInteger(event.timestamp), 'timestamps are integers');
      assert.ok(!Object.values(event).includes(null), `${event.type} has a null field`);
    }
  }

  it('streams a tool-using answer: run, step, reasoning, tool call with result, text, finish', async () => {
    const client = agent(aliceToken, 'agui-thread-tools');
    const outcome = await run(client, 'what is 2+3*4', { agent: 'supervisor' });
    assert.equal(outcome.error, undefined);
    const { events } = outcome;
    assertValid(events);
    const seen = types(events);
    assert.equal(seen[0], EventType.RUN_STARTED);
    assert.equal(seen.at(-1), EventType.RUN_FINISHED);
    for (const type of [
      EventType.STEP_STARTED,
      EventType.REASONING_MESSAGE_CONTENT,
      EventType.TOOL_CALL_START,
      EventType.TOOL_CALL_ARGS,
      EventType.TOOL_CALL_END,
      EventType.TOOL_CALL_RESULT,
      EventType.TEXT_MESSAGE_START,
      EventType.TEXT_MESSAGE_CONTENT,
      EventType.TEXT_MESSAGE_END,
      EventType.STEP_FINISHED,
    ]) {
      assert.ok(seen.includes(type), `${type} is missing from ${seen.join(' ')}`);
    }
    const started = events[0] as BaseEvent & { threadId: string; runId: string };
    const input = client.threadId;
    assert.equal(started.threadId, input);
    const args = events.find((e) => e.type === EventType.TOOL_CALL_ARGS) as BaseEvent & { delta: string };
    assert.deepEqual(JSON.parse(args.delta), { expression: '2+3*4' });
    const result = events.find((e) => e.type === EventType.TOOL_CALL_RESULT) as BaseEvent & { content: string };
    assert.equal((JSON.parse(result.content) as { value: number }).value, 14);
    const finished = events.at(-1) as BaseEvent & { runId: string; result: string };
    assert.equal(finished.runId, started.runId, 'RUN_FINISHED echoes the client runId');
    assert.match(finished.result, /14/);
    // The client assembled the answer into its own message list.
    const answer = client.messages.find((m) => m.role === 'assistant' && typeof m.content === 'string');
    assert.match(String(answer?.content), /2\+3\*4 = 14/);
    assert.deepEqual(warnings, []);
  });

  it('is the same run as on the socket and the REST API: one record, in list_runs of the thread', async () => {
    const client = agent(aliceToken, 'agui-thread-same-run');
    const outcome = await run(client, 'hello there', { agent: 'echo' });
    assert.equal(outcome.error, undefined);
    const started = outcome.events[0] as BaseEvent & { metadata: { runwireRunId: string } };
    const runwireRunId = started.metadata.runwireRunId;
    const res = await fetch(`${server.url}/api/runs?threadId=agui-thread-same-run`, {
      headers: { authorization: `Bearer ${aliceToken}` },
    });
    const body = (await res.json()) as { runs: Array<{ runId: string; status: string; agent: string }> };
    assert.deepEqual(
      body.runs.map((r) => [r.runId, r.status, r.agent]),
      [[runwireRunId, 'completed', 'echo']],
    );
    const text = outcome.events
      .filter((e) => e.type === EventType.TEXT_MESSAGE_CONTENT)
      .map((e) => (e as BaseEvent & { delta: string }).delta)
      .join('');
    assert.equal(text, 'hello there');
    assertValid(outcome.events);
  });

  it("ends a failing run with RUN_ERROR carrying the run's error code", async () => {
    const outcome = await run(agent(aliceToken, 'agui-thread-fail'), 'go', { agent: 'broken' });
    assertValid(outcome.events);
    const last = outcome.events.at(-1) as BaseEvent & { code: string; message: string };
    assert.equal(last.type, EventType.RUN_ERROR);
    assert.equal(last.code, 'agent_failed');
    assert.match(last.message, /the disk is full/);
    assert.ok(!types(outcome.events).includes(EventType.RUN_FINISHED));
  });

  it('ends a run cancelled elsewhere with RUN_ERROR code cancelled', async () => {
    let runwireRunId: string | undefined;
    const outcome = await run(agent(aliceToken, 'agui-thread-cancel'), 'go', { agent: 'slow' }, (event) => {
      if (event.type === EventType.RUN_STARTED) {
        runwireRunId = (event as BaseEvent & { metadata: { runwireRunId: string } }).metadata.runwireRunId;
      }
      if (event.type === EventType.TEXT_MESSAGE_CONTENT && runwireRunId !== undefined) {
        void fetch(`${server.url}/api/runs/${runwireRunId}/cancel`, {
          method: 'POST',
          headers: { authorization: `Bearer ${aliceToken}` },
        });
        runwireRunId = undefined;
      }
    });
    assertValid(outcome.events);
    const last = outcome.events.at(-1) as BaseEvent & { code: string };
    assert.equal(last.type, EventType.RUN_ERROR);
    assert.equal(last.code, 'cancelled');
  });

  it('lets the run finish when the client aborts, and cancels it when cancelOnDisconnect says so', async () => {
    for (const cancelOnDisconnect of [false, true]) {
      const client = agent(aliceToken, `agui-thread-abort-${cancelOnDisconnect}`);
      let runwireRunId: string | undefined;
      await run(client, 'go', { agent: 'slow', cancelOnDisconnect }, (event) => {
        if (event.type === EventType.RUN_STARTED) {
          runwireRunId = (event as BaseEvent & { metadata: { runwireRunId: string } }).metadata.runwireRunId;
        }
        if (event.type === EventType.TEXT_MESSAGE_CONTENT) client.abortRun();
      });
      assert.ok(runwireRunId !== undefined);
      const expected = cancelOnDisconnect ? 'cancelled' : 'completed';
      let status = '';
      for (let i = 0; i < 60 && status !== expected; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const res = await fetch(`${server.url}/api/runs/${runwireRunId}`, {
          headers: { authorization: `Bearer ${aliceToken}` },
        });
        status = ((await res.json()) as { status: string }).status;
      }
      assert.equal(status, expected, `cancelOnDisconnect ${cancelOnDisconnect}`);
    }
  });

  it('answers bad input with 400 JSON and a bad token with 401, before any stream', async () => {
    const post = (body: unknown, token = aliceToken) =>
      fetch(`${server.url}/api/agui`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify(body),
      });
    const good = { threadId: 'agui-thread-bad', runId: 'r1', messages: [{ id: 'm1', role: 'user', content: 'hi' }] };
    const cases: Array<[unknown, string]> = [
      [{ runId: 'r1', messages: [] }, 'threadId'],
      [{ ...good, messages: [] }, 'messages'],
      [{ ...good, forwardedProps: { agent: 'nobody' } }, 'agent'],
      [{ ...good, forwardedProps: { agent: 7 } }, 'forwardedProps.agent'],
    ];
    for (const [body, field] of cases) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      const json = (await res.json()) as { error: { code: string; message: string; details?: unknown } };
      assert.equal(json.error.code, 'bad_request');
      assert.ok(JSON.stringify(json.error).includes(field), `${JSON.stringify(json.error)} names ${field}`);
    }
    // Older clients: no protocolVersion, stray nulls in optional fields.
    const lenient = await post({ ...good, threadId: 'agui-thread-lenient', parentRunId: null, state: null });
    assert.equal(lenient.status, 200);
    assert.match(lenient.headers.get('content-type') ?? '', /text\/event-stream/);
    const text = await lenient.text();
    assert.ok(!text.includes('\r'), 'frames are LF only');
    assert.match(text, /^data: \{"type":"RUN_STARTED"/);
    const unauthorized = await post(good, 'not-a-token');
    assert.equal(unauthorized.status, 401);
    assert.equal(((await unauthorized.json()) as { error: { code: string } }).error.code, 'unauthenticated');
  });

  it("shows a second user nothing of the first user's thread of the same id", async () => {
    const bobToken = await server.token('agui-bob-77c2');
    const shared = 'agui-thread-shared-id';
    await run(agent(aliceToken, shared), 'what is 6*7', { agent: 'supervisor' });
    const bob = await run(agent(bobToken, shared), 'what is 1+1', { agent: 'supervisor' });
    assert.equal(bob.error, undefined);
    const said = bob.events
      .map((e) => {
        const x = e as BaseEvent & { delta?: string; content?: string };
        return x.delta ?? x.content ?? '';
      })
      .join('|');
    assert.match(said, /1\+1/);
    assert.ok(!said.includes('6*7') && !said.includes('42'), `no trace of alice in what bob was told: ${said}`);
    const res = await fetch(`${server.url}/api/runs?threadId=${shared}`, {
      headers: { authorization: `Bearer ${bobToken}` },
    });
    const runs = ((await res.json()) as { runs: Array<{ userId?: string }> }).runs;
    assert.equal(runs.length, 1, "bob's thread holds his run only");
  });

  it('printed no warning or error of the AG-UI client over every stream above', () => {
    assert.deepEqual(warnings, []);
  });
});
