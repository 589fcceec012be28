import { z } from 'zod';
import { type AgentDefinition, defineAgent } from '../../src/agents/agent-definition.js';
import { defineTool, type ToolDefinition } from '../../src/agents/tool.js';
import { FakeClock, settle } from '../../src/clock.js';
import { UserExecutionContext } from '../../src/context/user-execution-context.js';
import type { RunEvent } from '../../src/protocol/run-events.js';
import type { ReplyFrame } from '../../src/protocol/server-frames.js';
import type { HandlerCall } from '../../src/routing/handler.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime/create-runtime.js';
import type { Subscription } from '../../src/stores/bus.js';

/** Keyed promises that test agents wait on, opened by the test. */
export class Gates {
  readonly #waiting = new Map<string, () => void>();
  readonly #opened = new Set<string>();

  /** Resolves when `open(key)` is called (at once if it already was), or rejects when `signal` aborts. */
  wait(key: string, signal: AbortSignal): Promise<void> {
    if (this.#opened.has(key)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      this.#waiting.set(key, resolve);
    });
  }

  open(key: string): void {
    this.#opened.add(key);
    this.#waiting.get(key)?.();
    this.#waiting.delete(key);
  }
}

/** Resolves when `signal` aborts; rejects with its reason, as awaited work in an agent does. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** A tool that never finishes on its own: it only ends when the run's signal aborts. */
export const hangTool: ToolDefinition = defineTool({
  name: 'hang',
  description: 'Test: waits until the run ends',
  parameters: z.strictObject({}),
  execute: (_params, call) => untilAborted(call.signal),
});

/** Test agents: `gate` (waits for its key), `silent` (hangs without heartbeats), `overrun`, `tool_hang`. */
export function testAgents(gates: Gates): AgentDefinition[] {
  return [
    defineAgent({
      name: 'gate',
      description: 'Test: waits until the test opens its gate, then answers',
      input: z.strictObject({ key: z.string() }),
      async run(input, ctx) {
        await gates.wait(input.key, ctx.signal);
        return `opened ${input.key}`;
      },
    }),
    defineAgent({
      name: 'silent',
      description: 'Test: hangs without ever heartbeating',
      input: z.strictObject({}),
      heartbeat: 'manual',
      run: (_input, ctx) => untilAborted(ctx.signal),
    }),
    defineAgent({
      name: 'overrun',
      description: 'Test: heartbeats but works for a minute against a 5 s deadline',
      input: z.strictObject({}),
      timeoutMs: 5_000,
      async run(_input, ctx) {
        await ctx.sleep(60_000);
        return 'too late';
      },
    }),
    defineAgent({
      name: 'tool_hang',
      description: 'Test: calls a tool that never finishes',
      input: z.strictObject({}),
      async run(_input, ctx) {
        await ctx.callTool('hang', {});
        return 'unreachable';
      },
    }),
  ] as AgentDefinition[];
}

/** A runtime on a fake clock with the test agents, bus subscriptions per user and a router caller. */
export interface Harness {
  readonly runtime: Runtime;
  readonly clock: FakeClock;
  readonly gates: Gates;
  /** The run events a user received over the bus so far, in arrival order. */
  events(userId: string): RunEvent[];
  /** The events of one run as its owner received them. */
  runEvents(userId: string, runId: string): RunEvent[];
  /** Dispatches one frame through the router as `userId`. */
  send(userId: string, frame: Record<string, unknown> | string): Promise<ReplyFrame | undefined>;
  /** Lets queued work (scheduler turns, event writes) finish without moving the clock. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Builds and starts a harness; `users` are subscribed to the bus before anything runs. */
export async function startHarness(
  users: readonly string[],
  options: RuntimeOptions = {},
  gates = new Gates(),
): Promise<Harness> {
  const clock = new FakeClock();
  const runtime = createRuntime({
    clock,
    ...options,
    agents: [...testAgents(gates), ...(options.agents ?? [])],
    tools: [hangTool, ...(options.tools ?? [])],
  });
  await runtime.start();
  const received = new Map<string, RunEvent[]>();
  const subscriptions: Subscription[] = [];
  for (const userId of users) {
    const list: RunEvent[] = [];
    received.set(userId, list);
    subscriptions.push(await runtime.bus.subscribe(userId, (event) => list.push(event)));
  }
  const contexts = new Map<string, UserExecutionContext>();
  const callOf = (userId: string): HandlerCall => {
    let context = contexts.get(userId);
    if (context === undefined) {
      context = UserExecutionContext.create({ userId });
      contexts.set(userId, context);
    }
    return {
      context,
      session: {
        resume: () => Promise.reject(new Error('resume is not part of the core tests')),
        push: () => false,
        onClose: () => undefined,
      },
    };
  };
  // Quiet means: a few turns pass with no new event and no change of any run's state.
  const idle = async (): Promise<void> => {
    let last = '';
    for (let round = 0; round < 200; round++) {
      await settle(3);
      await runtime.publisher.flush();
      let total = 0;
      for (const list of received.values()) total += list.length;
      const now = `${total}:${JSON.stringify(runtime.tracker.stats().byState)}`;
      if (now === last) return;
      last = now;
    }
    throw new Error('the runtime did not become idle within 200 rounds');
  };
  return {
    runtime,
    clock,
    gates,
    events: (userId) => [...(received.get(userId) ?? [])],
    runEvents: (userId, runId) => (received.get(userId) ?? []).filter((e) => e.runId === runId),
    send: (userId, frame) =>
      runtime.router.dispatch(typeof frame === 'string' ? frame : JSON.stringify(frame), callOf(userId)),
    idle,
    async close() {
      await runtime.close();
      for (const s of subscriptions) await s.unsubscribe();
    },
  };
}

/** The `runId` of an `ack`, or a failed assertion naming what came instead. */
export function ackedRunId(reply: ReplyFrame | undefined): string {
  if (reply?.type !== 'ack' || reply.runId === undefined) {
    throw new Error(`expected an ack with a runId, got ${JSON.stringify(reply)}`);
  }
  return reply.runId;
}

/** The `threadId` of an `ack`. */
export function ackedThreadId(reply: ReplyFrame | undefined): string {
  if (reply?.type !== 'ack' || reply.threadId === undefined) {
    throw new Error(`expected an ack with a threadId, got ${JSON.stringify(reply)}`);
  }
  return reply.threadId;
}

/** The event types of a list, for compact assertions. */
export function typesOf(events: readonly RunEvent[]): string[] {
  return events.map((e) => e.type);
}
