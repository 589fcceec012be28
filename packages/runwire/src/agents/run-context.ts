import type { Clock } from '../clock.js';
import type { UserExecutionContext } from '../context/user-execution-context.js';

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
  /** Emits `agent_thinking` with the next step number. */
  thinking(reasoning: string): Promise<void>;
  /**
   * Calls a tool: emits `tool_executing`, runs it, emits `tool_completed`, and returns its result.
   * @throws ToolCallError when the tool is unknown, its parameters are invalid, or it fails (after `tool_completed {success:false}`).
   */
  callTool<R = unknown>(name: string, parameters: Record<string, unknown>): Promise<R>;
  /** Emits `partial_result` with a part of the final response. */
  partial(delta: string): Promise<void>;
  /** Records that the agent is alive (needed only by agents with `heartbeat: 'manual'` that wait long). */
  heartbeat(): void;
  /** Waits `ms` on the run's clock; rejects when the run ends first. */
  sleep(ms: number): Promise<void>;
}
