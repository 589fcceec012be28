import type { LanguageModel } from 'ai';
import type { AgentDefinition } from '../agents/agent-definition.js';
import { DEFAULT_MODEL_CALL_LIMITS, type ModelCallLimits } from '../agents/model/model-call-limits.js';
import type { NamedRegistry } from '../agents/named-registry.js';
import type { RunContext, TokenUsage, ToolCallOptions } from '../agents/run-context.js';
import type { ToolDefinition } from '../agents/tool.js';
import type { Clock, Timer } from '../clock.js';
import { UserExecutionContext } from '../context/user-execution-context.js';
import { assertNever, errorMessage, ModelStalledError, RunEndedError, RunwireError, ToolCallError } from '../errors.js';
import { newToolCallId, type ToolCallId } from '../ids.js';
import type { RunEventBody } from '../protocol/run-events.js';
import type { ThreadMessageRecord } from '../stores/thread-store.js';
import type { AgentExecutionTracker } from '../tracker/execution-tracker.js';
import { type RunRecord, runDurationMs } from '../tracker/run-record.js';
import { abandonedToolCall } from './abandoned-tool-call.js';
import type { EventPublisher } from './event-publisher.js';

interface OpenToolCall {
  readonly toolCallId: ToolCallId;
  readonly toolName: string;
  readonly startedAt: number;
}

/** One agent task in flight on this node. */
interface ActiveRun {
  readonly record: RunRecord;
  readonly controller: AbortController;
  readonly openTools: Map<ToolCallId, OpenToolCall>;
  step: number;
  ended: boolean;
  /** Tokens reported by the agent's model calls (summed), for `agent_completed.usage`. */
  usage: TokenUsage | undefined;
  heartbeatTimer: Timer | undefined;
}

export interface AgentRunnerOptions {
  readonly tracker: AgentExecutionTracker;
  readonly agents: NamedRegistry<AgentDefinition>;
  readonly tools: NamedRegistry<ToolDefinition>;
  readonly publisher: EventPublisher;
  readonly clock: Clock;
  /** Interval of automatic heartbeats for agents with `heartbeat: 'auto'`. @default 10_000 */
  readonly heartbeatIntervalMs: number;
  /** The server's configured model (`ctx.model`), when there is one. */
  readonly model?: LanguageModel;
  /** Limits of model calls (`ctx.modelLimits`). @default DEFAULT_MODEL_CALL_LIMITS */
  readonly modelLimits?: ModelCallLimits;
  /** The thread's earlier messages for a run (`ctx.history()`), bounded by the history limit. @default none */
  readonly history?: (run: RunRecord) => Promise<readonly ThreadMessageRecord[]>;
  /** Called with a fault that is not the agent's (the tracker refused the run's end, e.g. it had already ended). */
  readonly onFault: (error: unknown, where: string) => void;
}

/**
 * Runs agents as tasks: each with an `AbortSignal`, heartbeats and a deadline (enforced by the tracker's sweeper).
 * Every end of a run, whoever causes it (the agent returning or throwing, a cancel, the sweeper, shutdown), goes
 * through `#onTerminal`: open tool calls are closed first, then exactly one terminal event is emitted.
 */
export class AgentRunner {
  readonly #o: AgentRunnerOptions;
  readonly #active = new Map<string, ActiveRun>();
  #closed = false;

  constructor(options: AgentRunnerOptions) {
    this.#o = options;
  }

  isActive(runId: string): boolean {
    return this.#active.has(runId);
  }

  /** Resolves when no task is running (or after `timeoutMs`); returns whether all finished. */
  async waitForIdle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#active.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.#active.size === 0;
  }

  /** Starts a `pending` run: `starting`, `running`, `agent_started`, then the agent's task. */
  start(record: RunRecord, input: unknown): void {
    const { tracker, publisher } = this.#o;
    const agent = this.#o.agents.get(record.agent);
    const run: ActiveRun = {
      record,
      controller: new AbortController(),
      openTools: new Map(),
      step: 0,
      ended: false,
      usage: undefined,
      heartbeatTimer: undefined,
    };
    this.#active.set(record.runId, run);
    tracker.transition(record.runId, 'starting');
    tracker.transition(record.runId, 'running');
    void publisher.emit(record, { type: 'agent_started', status: 'running' });
    if (agent === undefined) {
      this.#fail(run, new RunwireError('agent_failed', `Agent '${record.agent}' is not registered on this node`));
      return;
    }
    if (agent.heartbeat !== 'manual') {
      run.heartbeatTimer = this.#o.clock.setInterval(() => this.#beat(run), this.#o.heartbeatIntervalMs);
    }
    const ctx = this.#runContext(run);
    // The task starts on a later turn, never inline in the caller (the socket loop).
    setImmediate(() => {
      if (run.ended) return;
      Promise.resolve()
        .then(() => agent.run(input, ctx))
        .then(
          (finalResponse) => this.#complete(run, finalResponse),
          (error: unknown) => this.#fail(run, error),
        );
    });
  }

  /** Stops listening to the tracker (idempotent). Runs in flight are ended by their own cancellation. */
  close(): void {
    this.#closed = true;
  }

  #beat(run: ActiveRun): void {
    if (!run.ended) this.#o.tracker.heartbeat(run.record.runId);
  }

  #complete(run: ActiveRun, finalResponse: unknown): void {
    if (run.ended) return;
    if (typeof finalResponse !== 'string') {
      this.#fail(run, new RunwireError('agent_failed', `Agent '${run.record.agent}' returned no final response text`));
      return;
    }
    const { tracker } = this.#o;
    try {
      tracker.transition(run.record.runId, 'completing');
      tracker.transition(run.record.runId, 'completed', { finalResponse });
    } catch (error) {
      this.#o.onFault(error, 'complete');
    }
  }

  #fail(run: ActiveRun, error: unknown): void {
    if (run.ended) return;
    const code = error instanceof RunwireError ? error.code : 'agent_failed';
    const message =
      error instanceof RunwireError ? error.message : `Agent '${run.record.agent}' failed: ${errorMessage(error)}`;
    const phase = error instanceof ModelStalledError ? { phase: error.phase } : {};
    try {
      this.#o.tracker.transition(run.record.runId, 'failed', { error: { code, message, ...phase } });
    } catch (fault) {
      this.#o.onFault(fault, 'fail');
    }
  }

  /**
   * The runner's part of a run's ending (called by `RunLifecycle`): stops the agent's task (abort, heartbeat), closes
   * its open tool calls, then emits the run's one terminal event.
   */
  runEnded(record: RunRecord): void {
    if (this.#closed) return;
    const run = this.#active.get(record.runId);
    if (run !== undefined) {
      run.ended = true;
      run.heartbeatTimer?.cancel();
      this.#active.delete(record.runId);
      this.#closeOpenTools(run, record);
      if (!run.controller.signal.aborted) {
        run.controller.abort(RunEndedError.abortReason(record.runId, record.status));
      }
    }
    this.#emitTerminal(record, run?.usage);
  }

  #closeOpenTools(run: ActiveRun, record: RunRecord): void {
    const now = this.#o.clock.now();
    for (const call of run.openTools.values()) {
      const why = `The run ended (${record.status}) before the tool finished`;
      void this.#o.publisher.emit(record, abandonedToolCall(call, now - call.startedAt, why));
    }
    run.openTools.clear();
  }

  #emitTerminal(record: RunRecord, usage: TokenUsage | undefined): void {
    const body = terminalEventOf(record, runDurationMs(record, record.endedAt ?? this.#o.clock.now()), usage);
    // A failed write is reported once, by the publisher's onError.
    if (body !== undefined) void this.#o.publisher.emit(record, body);
  }

  #guard(run: ActiveRun): void {
    if (run.ended) {
      const current = this.#o.tracker.get(run.record.runId);
      throw new RunEndedError(run.record.runId, current?.status ?? 'ended');
    }
  }

  #runContext(run: ActiveRun): RunContext {
    const { tracker, publisher, clock, tools, history } = this.#o;
    const modelLimits = this.#o.modelLimits ?? DEFAULT_MODEL_CALL_LIMITS;
    const record = run.record;
    const context = UserExecutionContext.create({
      userId: record.userId,
      threadId: record.threadId,
      runId: record.runId,
    });
    const signal = run.controller.signal;
    const activity = (): void => {
      this.#guard(run);
      tracker.heartbeat(record.runId);
    };
    return Object.freeze({
      context,
      signal,
      clock,
      model: this.#o.model,
      modelLimits,
      reportUsage(usage: TokenUsage): void {
        activity();
        run.usage = {
          inputTokens: (run.usage?.inputTokens ?? 0) + usage.inputTokens,
          outputTokens: (run.usage?.outputTokens ?? 0) + usage.outputTokens,
        };
      },
      deadline(): number | undefined {
        return tracker.get(record.runId)?.deadlineAt;
      },
      async history(): Promise<readonly ThreadMessageRecord[]> {
        activity();
        return history === undefined ? [] : history(record);
      },
      async thinking(reasoning: string): Promise<void> {
        activity();
        run.step++;
        await publisher.emit(record, { type: 'agent_thinking', reasoning, step: run.step });
      },
      async partial(delta: string): Promise<void> {
        activity();
        await publisher.emit(record, { type: 'partial_result', delta });
      },
      heartbeat(): void {
        activity();
      },
      sleep(ms: number): Promise<void> {
        activity();
        return clock.sleep(ms, signal);
      },
      async callTool<R>(name: string, parameters: Record<string, unknown>, options?: ToolCallOptions): Promise<R> {
        activity();
        const tool = tools.get(name);
        const toolCallId = (options?.toolCallId || newToolCallId()) as ToolCallId;
        const startedAt = clock.now();
        const call: OpenToolCall = { toolCallId, toolName: name, startedAt };
        run.openTools.set(toolCallId, call);
        void publisher.emit(record, {
          type: 'tool_executing',
          toolCallId,
          toolName: name,
          parameters: toJsonObject(parameters),
        });
        const finish = (success: boolean, results: unknown, error?: { code: string; message: string }): void => {
          // A call already closed by the run's end was reported then; never report it twice.
          if (!run.openTools.delete(toolCallId) || run.ended) return;
          tracker.heartbeat(record.runId);
          void publisher.emit(record, {
            type: 'tool_completed',
            toolCallId,
            toolName: name,
            success,
            results: success ? toJson(results) : null,
            durationMs: Math.max(0, clock.now() - startedAt),
            ...(error === undefined ? {} : { error }),
          });
        };
        if (tool === undefined) {
          const error = new ToolCallError(
            'unknown_tool',
            name,
            `Unknown tool '${name}'; known: ${tools.names().join(', ')}`,
          );
          finish(false, null, { code: error.code, message: error.message });
          throw error;
        }
        const parsed = tool.parameters.safeParse(parameters);
        if (!parsed.success) {
          const message = `Invalid parameters for tool '${name}': ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`;
          finish(false, null, { code: 'tool_failed', message });
          throw new ToolCallError('tool_failed', name, message);
        }
        let result: unknown;
        try {
          // The scope is looked up per call: cleanupUserData() may have released the one of an earlier call.
          const scope = tracker.forUser(record.userId);
          result = await tool.execute(parsed.data, { context, scope, signal, clock });
        } catch (error) {
          if (run.ended) throw new RunEndedError(record.runId, tracker.get(record.runId)?.status ?? 'ended');
          const message = errorMessage(error);
          finish(false, null, { code: 'tool_failed', message });
          throw new ToolCallError('tool_failed', name, `Tool '${name}' failed: ${message}`, { cause: error });
        }
        if (run.ended) throw new RunEndedError(record.runId, tracker.get(record.runId)?.status ?? 'ended');
        finish(true, result);
        return result as R;
      },
    });
  }
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON-safe copy: what the wire will carry (functions and `undefined` dropped, non-finite numbers as null). */
function toJson(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value) ?? 'null') as JsonValue);
}

function toJsonObject(value: Record<string, unknown>): Record<string, JsonValue> {
  const json = toJson(value);
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? json : {};
}

/** The one terminal event of a run that has reached a terminal state (`undefined` while it has not). */
function terminalEventOf(
  record: RunRecord,
  durationMs: number,
  usage: TokenUsage | undefined,
): RunEventBody | undefined {
  const status = record.status;
  switch (status) {
    case 'completed':
      return {
        type: 'agent_completed',
        status,
        finalResponse: record.finalResponse ?? '',
        durationMs,
        ...(usage === undefined ? {} : { usage: { ...usage } }),
      };
    case 'failed':
    case 'timeout':
    case 'dead':
      return {
        type: 'agent_error',
        status,
        error: record.error ?? { code: 'agent_failed', message: `Run '${record.runId}' ended as '${status}'` },
        durationMs,
      };
    case 'cancelled':
      return { type: 'agent_cancelled', status, reason: record.cancelReason ?? 'user', durationMs };
    case 'pending':
    case 'starting':
    case 'running':
    case 'completing':
      return undefined;
    default:
      return assertNever(status, 'run status');
  }
}
