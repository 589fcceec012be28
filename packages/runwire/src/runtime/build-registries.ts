import type { AgentDefinition } from '../agents/agent-definition.js';
import { assistantAgent } from '../agents/builtin/assistant-agent.js';
import { echoAgent } from '../agents/builtin/echo-agent.js';
import { supervisorAgent } from '../agents/builtin/supervisor-agent.js';
import { NamedRegistry } from '../agents/named-registry.js';
import type { ToolDefinition } from '../agents/tool.js';
import { calculatorTool } from '../agents/tools/calculator-tool.js';
import { clockTool } from '../agents/tools/clock-tool.js';
import { myRunsTool } from '../agents/tools/my-runs-tool.js';
import type { RuntimeSettings } from './runtime-options.js';

/** The agents and tools a runtime serves: the built-ins (unless turned off), then the caller's own. */
export interface Registries {
  readonly agents: NamedRegistry<AgentDefinition>;
  readonly tools: NamedRegistry<ToolDefinition>;
}

/**
 * The built-in agents (`assistant` only with a configured model), then the caller's; the tools likewise, plus the
 * tools agents bring (an LLM agent's `tools`), each once.
 * @throws InvalidArgumentError when a name is used twice by different definitions.
 */
export function buildRegistries(
  settings: Pick<RuntimeSettings, 'builtins' | 'agents' | 'tools' | 'model'>,
): Registries {
  const agentList = [
    ...(settings.builtins ? [supervisorAgent, echoAgent] : []),
    ...(settings.builtins && settings.model !== undefined ? [assistantAgent] : []),
    ...settings.agents,
  ] as AgentDefinition[];
  const tools = new NamedRegistry<ToolDefinition>('tool', [
    ...(settings.builtins ? [calculatorTool, clockTool, myRunsTool] : []),
    ...settings.tools,
  ] as ToolDefinition[]);
  for (const agent of agentList) {
    for (const tool of agent.tools ?? []) {
      // The same definition brought again is the same tool; another one under a taken name is refused by register.
      if (tools.get(tool.name) !== tool) tools.register(tool as ToolDefinition);
    }
  }
  const agents = new NamedRegistry<AgentDefinition>('agent', agentList);
  return { agents, tools };
}
