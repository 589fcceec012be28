import type { JSONValue, ModelMessage, ToolResultPart } from 'ai';
import type { ThreadMessageRecord } from '../../stores/thread-store.js';

/**
 * A thread's history as model messages: user and assistant messages as they are; each run of consecutive tool
 * messages as the assistant's tool calls followed by their results (how the model made them).
 */
export function historyToModelMessages(history: readonly ThreadMessageRecord[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  let i = 0;
  while (i < history.length) {
    const message = history[i]!;
    if (message.role !== 'tool') {
      out.push({ role: message.role, content: message.content });
      i++;
      continue;
    }
    const calls: ThreadMessageRecord[] = [];
    while (i < history.length && history[i]!.role === 'tool') calls.push(history[i++]!);
    const usable = calls.filter((c) => c.toolCallId !== undefined && c.toolName !== undefined);
    if (usable.length === 0) continue;
    out.push({
      role: 'assistant',
      content: usable.map((c) => ({
        type: 'tool-call' as const,
        toolCallId: c.toolCallId!,
        toolName: c.toolName!,
        input: recordedCall(c.content).parameters,
      })),
    });
    out.push({
      role: 'tool',
      content: usable.map((c): ToolResultPart => {
        const recorded = recordedCall(c.content);
        return {
          type: 'tool-result',
          toolCallId: c.toolCallId!,
          toolName: c.toolName!,
          output:
            recorded.error === undefined
              ? { type: 'json', value: recorded.result ?? null }
              : { type: 'error-text', value: recorded.error },
        };
      }),
    });
  }
  return out;
}

/** The JSON a `tool` thread message holds. */
export interface RecordedToolCall {
  readonly parameters: Record<string, unknown>;
  readonly result?: JSONValue;
  readonly error?: string;
}

/** The content of a `tool` thread message for a call and its outcome. */
export function recordToolCall(call: RecordedToolCall): string {
  return JSON.stringify(call);
}

function recordedCall(content: string): RecordedToolCall {
  try {
    const parsed = JSON.parse(content) as Partial<RecordedToolCall>;
    return {
      parameters: typeof parsed.parameters === 'object' && parsed.parameters !== null ? parsed.parameters : {},
      ...(parsed.result === undefined ? {} : { result: parsed.result }),
      ...(typeof parsed.error === 'string' ? { error: parsed.error } : {}),
    };
  } catch {
    return { parameters: {}, error: content };
  }
}
