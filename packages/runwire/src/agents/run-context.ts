import type { LanguageModel } from 'ai';
import type { Clock } from '../clock.js';
import type { UserExecutionContext } from '../context/user-execution-context.js';
import type { ThreadMessageRecord } from '../stores/thread-store.js';
import type { ModelCallLimits } from './model/model-call-limits.js';

/** Tokens a model reports for a run (summed over its steps); `agent_completed.usage`. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** Options of one `callTool`. */
export interface ToolCallOptions {
  /** The call's id on the wire, e.g. the model's own call id. @default a new `tc_…` id */
  readonly toolCallId?: string;
}

/**
 * What an agent gets to report progress and call tools. Every method refuses once the run has ended (the agent
 * should stop; `signal` is aborted then).
 */
export interface RunContext {
  /** The run's context: the owner, thread, run and request ids. */
  readonly context: UserExecutionContext;
  /** Aborted when the run is cancelled, times out, is declared dead, or the server shuts down. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** The server's configured model (`--llm-base-url`/`--llm-model`, or `llm` in the config), when there is one. */
  readonly model: LanguageModel | undefined;
  /** Timeouts and retries of model calls (`--llm-first-token-timeout`, `--llm-idle-timeout`, …). */
  readonly modelLimits: ModelCallLimits;
  /** Emits `agent_thinking` with the next step number. */
  thinking(reasoning: string): Promise<void>;
  /**
   * Calls a tool: emits `tool_executing`, runs it, emits `tool_completed`, and returns its result.
   * @throws ToolCallError when the tool is unknown, its parameters are invalid, or it fails (after `tool_completed {success:false}`).
   */
  callTool<R = unknown>(name: string, parameters: Record<string, unknown>, options?: ToolCallOptions): Promise<R>;
  /** Emits `partial_result` with a part of the final response. */
  partial(delta: string): Promise<void>;
  /** Records that the agent is alive (needed only by agents with `heartbeat: 'manual'` that wait long). */
  heartbeat(): void;
  /** Waits `ms` on the run's clock; rejects when the run ends first. */
  sleep(ms: number): Promise<void>;
  /** Adds tokens to the usage `agent_completed` reports. */
  reportUsage(usage: TokenUsage): void;
  /** The run's deadline (epoch ms), when it has one. */
  deadline(): number | undefined;
  /** The thread's earlier messages, oldest first, at most the history limit (`--history-limit`). */
  history(): Promise<readonly ThreadMessageRecord[]>;
}
