import type { LanguageModel } from 'ai';
import type { AgentDefinition } from '../agents/agent-definition.js';
import type { ToolDefinition } from '../agents/tool.js';
import type { DurationInput } from '../duration.js';
import { ConfigError } from '../errors.js';
import { SERVER_OPTIONS, type ServerConfigInput } from './server-options.js';

/** The server's model in a config file: an OpenAI-compatible server by URL, or any AI SDK model. */
export type LlmOptions =
  | {
      /** Includes `/v1` (e.g. `http://localhost:11434/v1`). */
      readonly baseUrl: string;
      readonly model: string;
      /** Prefer `RUNWIRE_LLM_API_KEY`; never put a key in a file you commit. */
      readonly apiKey?: string;
      readonly firstTokenTimeout?: DurationInput;
      readonly idleTimeout?: DurationInput;
    }
  | {
      /** Any AI SDK `LanguageModel` (OpenAI, Anthropic, …). */
      readonly model: LanguageModel;
      readonly firstTokenTimeout?: DurationInput;
      readonly idleTimeout?: DurationInput;
    };

/**
 * What `runwire.config.ts` exports (and what `createServer` takes): the server options of the option table, plus
 * agents and tools served beside the built-ins, and the server's model.
 */
export interface RunwireConfig extends Omit<ServerConfigInput, 'llmBaseUrl' | 'llmModel' | 'llmApiKey'> {
  readonly agents?: readonly AgentDefinition[];
  readonly tools?: readonly ToolDefinition[];
  readonly llm?: LlmOptions;
}

/**
 * Declares a config (typed; returned as is). The default export of `runwire.config.ts` / `.mts` / `.js` / `.mjs`.
 *
 * @example
 * export default defineConfig({
 *   agents: [myAgent], tools: [myTool],
 *   llm: { baseUrl: 'http://localhost:11434/v1', model: 'llama3.2' },
 *   port: 8080,
 * });
 */
export function defineConfig(config: RunwireConfig): RunwireConfig {
  return config;
}

/** A config split into what the option table compiles and what the runtime takes. */
export interface ConfigParts {
  readonly serverInput: ServerConfigInput;
  readonly agents: readonly AgentDefinition[];
  readonly tools: readonly ToolDefinition[];
  /** An AI SDK model given directly (`llm.model` as an object). */
  readonly model: LanguageModel | undefined;
}

const CODE_KEYS = new Set(['agents', 'tools', 'llm']);
const FLAT_LLM_KEYS = new Set(['llmBaseUrl', 'llmModel', 'llmApiKey']);

/**
 * Checks a loaded config and splits it. `where` names its source in every message (`runwire.config.ts`).
 * @throws ConfigError naming the source, the key and the reason.
 */
export function splitConfig(config: unknown, where: string): ConfigParts {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ConfigError(`${where}: the default export must be defineConfig({ … }), got ${describe(config)}`);
  }
  const record = config as Record<string, unknown>;
  const known = new Set(SERVER_OPTIONS.map((s) => s.key as string).filter((k) => !FLAT_LLM_KEYS.has(k)));
  for (const key of Object.keys(record)) {
    if (!known.has(key) && !CODE_KEYS.has(key)) {
      throw new ConfigError(`${where}: unknown key '${key}'; known: agents, tools, llm, ${[...known].join(', ')}`);
    }
  }
  const agents = definitions<AgentDefinition>(record.agents, 'agents', where, (item) => typeof item.run === 'function');
  const tools = definitions<ToolDefinition>(record.tools, 'tools', where, (item) => typeof item.execute === 'function');
  const serverInput: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (!CODE_KEYS.has(key)) serverInput[key] = value;
  let model: LanguageModel | undefined;
  const llm = record.llm;
  if (llm !== undefined) {
    if (llm === null || typeof llm !== 'object') {
      throw new ConfigError(`${where}: llm must be { baseUrl, model } or { model: <AI SDK model> }`);
    }
    const l = llm as Record<string, unknown>;
    if (typeof l.model === 'string') {
      if (typeof l.baseUrl !== 'string') {
        throw new ConfigError(
          `${where}: llm.baseUrl is required with llm.model '${l.model}' (e.g. http://localhost:11434/v1)`,
        );
      }
      serverInput.llmBaseUrl = l.baseUrl;
      serverInput.llmModel = l.model;
      if (l.apiKey !== undefined) serverInput.llmApiKey = l.apiKey;
    } else if (l.model !== null && typeof l.model === 'object') {
      model = l.model as LanguageModel;
    } else {
      throw new ConfigError(`${where}: llm.model must be a model name (with llm.baseUrl) or an AI SDK model`);
    }
    if (l.firstTokenTimeout !== undefined) serverInput.llmFirstTokenTimeout = l.firstTokenTimeout;
    if (l.idleTimeout !== undefined) serverInput.llmIdleTimeout = l.idleTimeout;
  }
  return { serverInput: serverInput as ServerConfigInput, agents, tools, model };
}

/**
 * Refuses an agent name used twice, naming both places: two agents of the config, or a config agent and a built-in.
 * @throws ConfigError
 */
export function checkAgentNames(agents: readonly AgentDefinition[], builtins: readonly string[], where: string): void {
  const seen = new Map<string, string>();
  for (const name of builtins) seen.set(name, `the built-in agent '${name}'`);
  agents.forEach((agent, index) => {
    const place = `${where} agents[${index}]`;
    const earlier = seen.get(agent.name);
    if (earlier !== undefined) {
      throw new ConfigError(`Agent name '${agent.name}' is used twice: by ${earlier} and by ${place}; rename one`);
    }
    seen.set(agent.name, place);
  });
}

function definitions<T extends { readonly name: string }>(
  value: unknown,
  key: string,
  where: string,
  valid: (item: Record<string, unknown>) => boolean,
): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError(`${where}: ${key} must be an array, got ${describe(value)}`);
  return value.map((item: unknown, index) => {
    if (item === null || typeof item !== 'object' || typeof (item as { name?: unknown }).name !== 'string') {
      throw new ConfigError(
        `${where}: ${key}[${index}] is not a definition (use define${key === 'agents' ? 'Agent' : 'Tool'})`,
      );
    }
    if (!valid(item as Record<string, unknown>)) {
      throw new ConfigError(
        `${where}: ${key}[${index}] ('${(item as { name: string }).name}') is not a definition (use define${key === 'agents' ? 'Agent' : 'Tool'})`,
      );
    }
    return item as T;
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
