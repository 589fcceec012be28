import {
  type FinishReason,
  type LanguageModel,
  type ModelMessage,
  experimental_streamLanguageModelCall as streamLanguageModelCall,
  ToolChoiceViolationError,
  type ToolSet,
} from 'ai';
import type { RunContext } from '../run-context.js';
import { classifyModelError } from './classify-model-error.js';
import type { ModelCallLimits } from './model-call-limits.js';
import { PartialCoalescer } from './partial-coalescer.js';
import { StreamWatchdog } from './stream-watchdog.js';

/** A tool call the model asked for in one step. */
export interface ModelToolCall {
  readonly toolCallId: string;
  readonly toolName: string;
  readonly input: unknown;
}

/** What one model call produced. */
export interface ModelStepOutcome {
  readonly text: string;
  readonly toolCalls: readonly ModelToolCall[];
  readonly finishReason: FinishReason | undefined;
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
  /** Asked with `toolChoice: 'none'`, the model called tools anyway (the calls are not run). */
  readonly ignoredToolChoice: boolean;
}

/** Whether any part of the current attempt reached the user (then it must not be retried). */
export interface StepProgress {
  delivered: boolean;
}

export interface ModelStepInput {
  readonly model: LanguageModel;
  readonly instructions: string | undefined;
  readonly messages: readonly ModelMessage[];
  readonly tools: ToolSet;
  /** `none` on the last allowed step: the model must answer in text. */
  readonly toolChoice: 'auto' | 'none';
  readonly ctx: RunContext;
  readonly limits: ModelCallLimits;
}

/**
 * One model call, streamed: text deltas become `partial_result` as they arrive, reasoning becomes `agent_thinking`
 * (one per reasoning block), tool calls are collected for the loop. The request is aborted at once when the run ends
 * or the stream stalls.
 * @throws ModelCallError (classified), ModelStalledError, or the run's abort reason when the run ended.
 */
export async function streamModelStep(input: ModelStepInput, progress: StepProgress): Promise<ModelStepOutcome> {
  const { ctx } = input;
  const watchdog = new StreamWatchdog(ctx.clock, input.limits);
  const signal = AbortSignal.any([ctx.signal, watchdog.signal]);
  let text = '';
  let reasoning = '';
  const toolCalls: ModelToolCall[] = [];
  let finishReason: FinishReason | undefined;
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;
  let failure: { error: unknown } | undefined;
  let ignoredToolChoice = false;
  const partials = new PartialCoalescer(ctx);
  const flushReasoning = async (): Promise<void> => {
    const thought = reasoning.trim();
    reasoning = '';
    if (thought.length === 0) return;
    progress.delivered = true;
    // Events keep the order of the stream: text already received goes out before the thought.
    await partials.flush();
    await ctx.thinking(thought);
  };
  try {
    // One model call, not `streamText`: the loop, retries and timeouts are ours (honest endings, Retry-After,
    // deadline), and `streamText`'s step machinery (its own loop, retries, replayable streams) doubled the CPU of
    // every chunk. This is the SDK's own single call: the same model resolution, prompt conversion, tool schemas,
    // tool-input parsing and error normalisation as `streamText`, for any AI SDK model.
    const { stream } = await streamLanguageModelCall({
      model: input.model,
      ...(input.instructions === undefined ? {} : { instructions: input.instructions }),
      messages: [...input.messages],
      tools: input.tools,
      toolChoice: input.toolChoice,
      abortSignal: signal,
    });
    for await (const part of stream) {
      switch (part.type) {
        case 'text-delta':
          watchdog.chunk();
          if (part.text.length === 0) break;
          if (reasoning.length > 0) await flushReasoning();
          text += part.text;
          progress.delivered = true;
          partials.push(part.text);
          break;
        case 'reasoning-delta':
          watchdog.chunk();
          reasoning += part.text;
          break;
        case 'reasoning-end':
          await flushReasoning();
          break;
        case 'tool-input-start':
        case 'tool-input-delta':
          watchdog.chunk();
          break;
        case 'tool-call':
          watchdog.chunk();
          toolCalls.push({ toolCallId: part.toolCallId, toolName: part.toolName, input: part.input });
          break;
        case 'model-call-end':
          watchdog.chunk();
          finishReason = part.finishReason;
          inputTokens = part.usage.inputTokens;
          outputTokens = part.usage.outputTokens;
          break;
        case 'error':
          if (ToolChoiceViolationError.isInstance(part.error)) ignoredToolChoice = true;
          else failure ??= { error: part.error };
          break;
        default:
          break;
      }
    }
    await flushReasoning();
  } catch (error) {
    failure ??= { error };
  } finally {
    watchdog.close();
  }
  // Deltas received before a failure still reach the user (the model did send them).
  await partials.flush();
  if (ctx.signal.aborted) throw ctx.signal.reason;
  if (watchdog.stall !== undefined) throw watchdog.stall;
  if (failure !== undefined) {
    throw classifyModelError(failure.error, { streaming: watchdog.received, now: ctx.clock.now() });
  }
  return { text, toolCalls, finishReason, inputTokens, outputTokens, ignoredToolChoice };
}
