import type { RunEventBody } from '../protocol/run-events.js';

/**
 * The `tool_completed {success:false}` that closes a tool call whose run ended first (docs/protocol.md §3, rule 3):
 * sent before the run's terminal event, with error code `run_ended`.
 */
export function abandonedToolCall(
  call: { readonly toolCallId: string; readonly toolName: string },
  durationMs: number,
  why: string,
): RunEventBody {
  return {
    type: 'tool_completed',
    toolCallId: call.toolCallId,
    toolName: call.toolName,
    success: false,
    results: null,
    durationMs: Math.max(0, Math.round(durationMs)),
    error: { code: 'run_ended', message: why },
  };
}
