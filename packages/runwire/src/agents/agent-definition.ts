import type { z } from 'zod';
import { InvalidArgumentError } from '../errors.js';
import { NAME_PATTERN } from './named-registry.js';
import type { RunContext } from './run-context.js';

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
  /** Does the work and returns the final response text. */
  run(input: I, ctx: RunContext): Promise<string>;
}

/**
 * Declares an agent.
 *
 * @example
 * const shout = defineAgent({
 *   name: 'shout', description: 'Answers in capitals', input: z.string(),
 *   async run(text, ctx) { await ctx.thinking('Raising my voice'); return text.toUpperCase(); },
 * });
 */
export function defineAgent<I>(definition: AgentDefinition<I>): AgentDefinition<I> {
  if (!NAME_PATTERN.test(definition.name)) {
    throw new InvalidArgumentError(`Agent name '${definition.name}' must match ${NAME_PATTERN}`);
  }
  if (typeof definition.run !== 'function') {
    throw new InvalidArgumentError(`Agent '${definition.name}' needs a run(input, ctx) function`);
  }
  return Object.freeze({ ...definition });
}
