import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { defineAgent } from '../../src/agents/agent-definition.js';
import { defineTool } from '../../src/agents/tool.js';
import { FakeClock, settle } from '../../src/clock.js';
import { UserExecutionContext } from '../../src/context/user-execution-context.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { InProcessBus } from '../../src/stores/memory/in-process-bus.js';
import { MemoryEventLog } from '../../src/stores/memory/memory-event-log.js';
import { MemoryRunStore } from '../../src/stores/memory/memory-run-store.js';
import { assertRunEventRules } from '../helpers/protocol-rules.js';

const hangingTool = defineTool({
  name: 'hang',
  description: 'never returns until aborted',
  parameters: z.strictObject({}),
  execute: (_params, call) =>
    new Promise((_resolve, reject) => call.signal.addEventListener('abort', () => reject(call.signal.reason))),
});
const toolUser = defineAgent({
  name: 'tool_user',
  description: 'calls the hanging tool',
  input: z.string(),
  async run(_input, ctx) {
    await ctx.callTool('hang', {});
    return 'never';
  },
});

describe('a run left unfinished by a process that is gone', () => {
  it('is ended on restart with its open tool call closed first, then exactly one agent_error (node_restarted)', async () => {
    const clock = new FakeClock();
    const runs = new MemoryRunStore();
    const events = new MemoryEventLog(clock);
    const shared = () => ({ runs, events, bus: new InProcessBus() });
    const first = createRuntime({ clock, nodeId: 'node_a', stores: shared, agents: [toolUser], tools: [hangingTool] });
    await first.start();
    const ctx = UserExecutionContext.create({ userId: 'ann' });
    const { runId } = first.runs.start(ctx, { agent: 'tool_user', input: { kind: 'message', content: 'go' } });
    for (let i = 0; i < 20 && !(await events.readRun('ann', runId)).some((e) => e.type === 'tool_executing'); i++) {
      await settle();
    }
    // The first process "dies": a second one starts on the same stores without the first closing.
    const second = createRuntime({ clock, nodeId: 'node_b', stores: shared, agents: [toolUser], tools: [hangingTool] });
    await second.start();
    await second.publisher.flush();
    const log = await events.readRun('ann', runId);
    assert.deepEqual(
      log.map((e) => e.type),
      ['agent_started', 'tool_executing', 'tool_completed', 'agent_error'],
    );
    const closed = log[2];
    assert.ok(closed?.type === 'tool_completed' && !closed.success && closed.error?.code === 'run_ended');
    const ended = log[3];
    assert.ok(ended?.type === 'agent_error' && ended.status === 'dead' && ended.error.code === 'node_restarted');
    assertRunEventRules(await events.read('ann', 0));
    assert.equal((await runs.get(runId))?.status, 'dead');
    await second.close();
  });
});
