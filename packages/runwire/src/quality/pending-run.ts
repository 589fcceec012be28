import type { RunRecord } from '../tracker/run-record.js';

/**
 * What the quality recorder knows of one run between its first event and the write of its rollup. One per run on
 * the run path, so it is a class of fixed shape holding flat arrays (a run calls few distinct tools and has few
 * calls open at once): no Map or counter object is allocated per run or per call.
 */
export class PendingRun {
  /** Epoch ms of the first event (`run_queued` or `agent_started`); `NaN` until seen. */
  firstEventAt = Number.NaN;
  ended: RunRecord | undefined = undefined;
  /** When this node saw the end (epoch ms); `NaN` until then. */
  endedAt = Number.NaN;
  /** Whether the run's terminal event is logged (so every tool event before it has been counted). */
  terminalSeen = false;
  /** Per distinct tool, three slots: name, calls, failures. */
  readonly tools: Array<string | number> = [];
  /** Per call not completed yet, two slots: toolCallId, tool name. */
  readonly #open: string[] = [];

  toolStarted(toolCallId: string, toolName: string): void {
    this.#open.push(toolCallId, toolName);
    this.#add(toolName, 1, 0);
  }

  /** Counts a completed call once; a completion of a call that is not open (a duplicate) changes nothing. */
  toolCompleted(toolCallId: string, toolName: string, success: boolean): void {
    const open = this.#open;
    for (let i = 0; i < open.length; i += 2) {
      if (open[i] !== toolCallId) continue;
      open.splice(i, 2);
      if (!success) this.#add(toolName, 0, 1);
      return;
    }
  }

  /** Counts the calls still open as failed: the run's end cut them off (the runner closes them `success:false`). */
  closeOpenCalls(): void {
    const open = this.#open;
    for (let i = 1; i < open.length; i += 2) this.#add(open[i] as string, 0, 1);
    open.length = 0;
  }

  #add(name: string, calls: number, failures: number): void {
    const tools = this.tools;
    for (let i = 0; i < tools.length; i += 3) {
      if (tools[i] !== name) continue;
      tools[i + 1] = (tools[i + 1] as number) + calls;
      tools[i + 2] = (tools[i + 2] as number) + failures;
      return;
    }
    tools.push(name, calls, failures);
  }
}
