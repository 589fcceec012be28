import type { LanguageModel, ModelMessage, ToolResultPart, ToolSet } from 'ai';
import { tool } from 'ai';
import { ModelCallError, ToolCallError, ToolTimeoutError } from '../../errors.js';
import { newToolCallId } from '../../ids.js';
import type { RunContext } from '../run-context.js';
import type { ToolDefinition } from '../tool.js';
import type { ModelCallLimits } from './model-call-limits.js';
import { withModelRetries } from './model-retry.js';
import { type ModelToolCall, streamModelStep } from './model-step.js';

export interface ToolLoopInput {
  readonly model: LanguageModel;
  readonly instructions: string | undefined;
  /** The conversation so far (the thread's history), then the new user message. */
  readonly messages: readonly ModelMessage[];
  readonly tools: readonly ToolDefinition[];
  /** Model calls at most; the last one may not call tools. */
  readonly maxSteps: number;
  readonly ctx: RunContext;
  readonly limits: ModelCallLimits;
}

export interface ToolLoopResult {
  /** Every text delta of every step: what the user received as `partial_result`. */
  readonly text: string;
  readonly steps: number;
}

/**
 * The LLM agent's run: the model streams; its tool calls run through `ctx.callTool` (with the model's call ids), their
 * results or errors go back to the model, until it answers without tools or `maxSteps` is reached (the last step
 * is asked with `toolChoice: 'none'`). Token usage is reported to the run as it comes.
 */
export async function runToolLoop(input: ToolLoopInput): Promise<ToolLoopResult> {
  const { ctx, limits } = input;
  const tools = toModelTools(input.tools);
  const messages: ModelMessage[] = [...input.messages];
  let text = '';
  for (let step = 1; step <= input.maxSteps; step++) {
    const last = step === input.maxSteps;
    const outcome = await withModelRetries(ctx, limits, (progress) =>
      streamModelStep(
        {
          model: input.model,
          instructions: input.instructions,
          messages,
          tools,
          toolChoice: last || Object.keys(tools).length === 0 ? 'none' : 'auto',
          ctx,
          limits,
        },
        progress,
      ),
    );
    text += outcome.text;
    if (outcome.inputTokens !== undefined || outcome.outputTokens !== undefined) {
      ctx.reportUsage({ inputTokens: outcome.inputTokens ?? 0, outputTokens: outcome.outputTokens ?? 0 });
    }
    if (outcome.finishReason === 'content-filter') {
      throw new ModelCallError(
        'llm_refused',
        outcome.text.length > 0
          ? `The model refused to answer: ${outcome.text}`
          : 'The model refused to answer (its content filter stopped the answer)',
      );
    }
    if (last && (outcome.toolCalls.length > 0 || outcome.ignoredToolChoice)) {
      await ctx.thinking(`Reached the step limit (${input.maxSteps}); the model's further tool calls were not run`);
      return { text, steps: step };
    }
    if (outcome.toolCalls.length === 0) return { text, steps: step };
    const calls = outcome.toolCalls.map((call) =>
      call.toolCallId.length > 0 ? call : { ...call, toolCallId: newToolCallId() },
    );
    messages.push({
      role: 'assistant',
      content: [
        ...(outcome.text.length > 0 ? [{ type: 'text' as const, text: outcome.text }] : []),
        ...calls.map((call) => ({
          type: 'tool-call' as const,
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          input: call.input,
        })),
      ],
    });
    const results = await Promise.all(calls.map((call) => runToolCall(call, ctx, limits)));
    messages.push({ role: 'tool', content: results });
  }
  return { text, steps: input.maxSteps };
}

/** The tools as the model sees them: name, description and input schema; executed by the loop, not the SDK. */
function toModelTools(definitions: readonly ToolDefinition[]): ToolSet {
  const set: ToolSet = {};
  for (const definition of definitions) {
    set[definition.name] = tool({ description: definition.description, inputSchema: definition.parameters });
  }
  return set;
}

/** Runs one call; a tool's failure goes back to the model as an error result, a timeout ends the run. */
async function runToolCall(call: ModelToolCall, ctx: RunContext, limits: ModelCallLimits): Promise<ToolResultPart> {
  const input: unknown = call.input;
  const parameters =
    typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  const base = { type: 'tool-result' as const, toolCallId: call.toolCallId, toolName: call.toolName };
  try {
    const result = await withToolTimeout(
      ctx.callTool(call.toolName, parameters, { toolCallId: call.toolCallId }),
      call.toolName,
      limits.toolTimeoutMs,
      ctx,
    );
    return { ...base, output: { type: 'json', value: JSON.parse(JSON.stringify(result ?? null)) } };
  } catch (error) {
    if (error instanceof ToolCallError) return { ...base, output: { type: 'error-text', value: error.message } };
    throw error;
  }
}

function withToolTimeout<T>(call: Promise<T>, toolName: string, timeoutMs: number, ctx: RunContext): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = ctx.clock.setTimeout(() => reject(new ToolTimeoutError(toolName, timeoutMs)), timeoutMs);
    call.then(
      (value) => {
        timer.cancel();
        resolve(value);
      },
      (error: unknown) => {
        timer.cancel();
        reject(error);
      },
    );
  });
}
