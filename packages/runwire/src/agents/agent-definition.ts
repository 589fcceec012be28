import type { z } from 'zod';
import { InvalidArgumentError } from '../errors.js';
import { type ModelAgentDefinition, modelAgent } from './model/model-agent.js';
import { NAME_PATTERN } from './named-registry.js';
import type { RunContext } from './run-context.js';
import type { ToolDefinition } from './tool.js';

/** An agent: a named, validated-input task that reports progress through its `RunContext`. */
export interface AgentDefinition<I = unknown> {
  readonly name: string;
  readonly description: string;
  /** Validates `start_agent.input` (and the result of `fromMessage`). */
  readonly input: z.ZodType<I>;
  /** Turns a `user_message` text into this agent's input. @default the text itself */
  readonly fromMessage?: (content: string) => unknown;
  /**
   * `auto` (default): the runner heartbeats while the task is alive. `manual`: only the agent's own activity
   * (events, tool calls, `ctx.heartbeat()`) counts, so a hung agent is detected as `dead`.
   */
  readonly heartbeat?: 'auto' | 'manual';
  /** Deadline of this agent's runs, from start. @default the tracker's default (15 min) */
  readonly timeoutMs?: number;
  /** Tools this agent brings; the server registers them beside the agent (an LLM agent's tools). */
  readonly tools?: readonly ToolDefinition[];
  /** Does the work and returns the final response text. */
  run(input: I, ctx: RunContext): Promise<string>;
}

/**
 * Declares an agent: with a `run` function (a code agent), or with a `model` (an LLM agent whose run is a tool loop).
 *
 * @example
 * const shout = defineAgent({
 *   name: 'shout', description: 'Answers in capitals', input: z.string(),
 *   async run(text, ctx) { await ctx.thinking('Raising my voice'); return text.toUpperCase(); },
 * });
 * const helper = defineAgent({
 *   name: 'helper', description: 'Answers with tools', model: openai('gpt-4.1-mini'),
 *   instructions: 'Be brief.', tools: [calculatorTool], maxSteps: 5,
 * });
 */
export function defineAgent(definition: ModelAgentDefinition): AgentDefinition<string>;
export function defineAgent<I>(definition: AgentDefinition<I>): AgentDefinition<I>;
export function defineAgent<I>(
  definition: AgentDefinition<I> | ModelAgentDefinition,
): AgentDefinition<I> | AgentDefinition<string> {
  if ('model' in definition) return modelAgent(definition);
  if (!NAME_PATTERN.test(definition.name)) {
    throw new InvalidArgumentError(`Agent name '${definition.name}' must match ${NAME_PATTERN}`);
  }
  if (typeof definition.run !== 'function') {
    throw new InvalidArgumentError(`Agent '${definition.name}' needs a run(input, ctx) function`);
  }
  return Object.freeze({ ...definition });
}
