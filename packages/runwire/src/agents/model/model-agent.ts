import type { LanguageModel, ModelMessage } from 'ai';
import { z } from 'zod';
import { DEFAULTS } from '../../config/defaults.js';
import { InvalidArgumentError } from '../../errors.js';
import { NAME_PATTERN } from '../named-registry.js';
import type { RunContext } from '../run-context.js';
import type { ToolDefinition } from '../tool.js';
import { historyToModelMessages } from './history-messages.js';
import type { ModelCallLimits } from './model-call-limits.js';

/** An agent whose run is a model with tools (`defineAgent({ model, … })`). */
export interface ModelAgentDefinition {
  readonly name: string;
  readonly description: string;
  /**
   * Any AI SDK `LanguageModel` (OpenAI, Anthropic, any OpenAI-compatible server through
   * `@ai-sdk/openai-compatible`). `'default'`: the server's configured model (`--llm-base-url`/`--llm-model`).
   */
  readonly model: LanguageModel | 'default';
  /** The system instructions. */
  readonly instructions?: string;
  /** Tools the model may call (registered with the server beside the agent). */
  readonly tools?: readonly ToolDefinition[];
  /** Model calls per run, tool rounds included. @default 8 */
  readonly maxSteps?: number;
  /** Deadline of this agent's runs. @default the tracker's default (15 min) */
  readonly timeoutMs?: number;
  /** Overrides of the server's model-call limits for this agent. */
  readonly limits?: Partial<ModelCallLimits>;
}

/** The input of an LLM agent's run: the user's message. */
const modelAgentInput = z.union([
  z.string().min(1).max(100_000),
  z.strictObject({ content: z.string().min(1).max(100_000) }).transform((v) => v.content),
]);

/**
 * What `modelAgent` makes: an `AgentDefinition<string>` (spelled out here, because agent-definition.ts imports this
 * module for `defineAgent`).
 */
export interface ModelBackedAgent {
  readonly name: string;
  readonly description: string;
  readonly input: z.ZodType<string>;
  readonly tools: readonly ToolDefinition[];
  readonly timeoutMs?: number;
  run(message: string, ctx: RunContext): Promise<string>;
}

let toolLoopModule: Promise<typeof import('./tool-loop.js')> | undefined;

/**
 * The tool loop, loaded on the first LLM run: the AI SDK takes about a second to load on a slow machine, and a server
 * without LLM agents should not pay it at start. Kept once loaded: resolving the import again cost every run time.
 */
function loadToolLoop(): Promise<typeof import('./tool-loop.js')> {
  toolLoopModule ??= import('./tool-loop.js');
  return toolLoopModule;
}

/** Turns a model definition into an agent: its run is the tool loop over the thread's history and the message. */
export function modelAgent(definition: ModelAgentDefinition): ModelBackedAgent {
  if (!NAME_PATTERN.test(definition.name)) {
    throw new InvalidArgumentError(`Agent name '${definition.name}' must match ${NAME_PATTERN}`);
  }
  const maxSteps = definition.maxSteps ?? DEFAULTS.llmMaxSteps;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new InvalidArgumentError(`Agent '${definition.name}': maxSteps must be an integer ≥ 1, got ${maxSteps}`);
  }
  const tools = Object.freeze([...(definition.tools ?? [])]);
  const agent: ModelBackedAgent = {
    name: definition.name,
    description: definition.description,
    input: modelAgentInput as z.ZodType<string>,
    tools,
    ...(definition.timeoutMs === undefined ? {} : { timeoutMs: definition.timeoutMs }),
    async run(message, ctx) {
      const model = definition.model === 'default' ? ctx.model : definition.model;
      if (model === undefined) {
        throw new InvalidArgumentError(
          `Agent '${definition.name}' uses the server's model, but none is configured; set --llm-base-url and --llm-model`,
        );
      }
      const history = historyToModelMessages(await ctx.history());
      const messages: ModelMessage[] = [...history, { role: 'user', content: message }];
      const { runToolLoop } = await loadToolLoop();
      const result = await runToolLoop({
        model,
        instructions: definition.instructions,
        messages,
        tools,
        maxSteps,
        ctx,
        limits: { ...ctx.modelLimits, ...definition.limits },
      });
      return result.text;
    },
  };
  return Object.freeze(agent);
}
