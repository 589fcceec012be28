import type { AgentDefinition } from '../agents/agent-definition.js';
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

/** @throws InvalidArgumentError when a name is used twice. */
export function buildRegistries(settings: Pick<RuntimeSettings, 'builtins' | 'agents' | 'tools'>): Registries {
  const tools = new NamedRegistry<ToolDefinition>('tool', [
    ...(settings.builtins ? [calculatorTool, clockTool, myRunsTool] : []),
    ...settings.tools,
  ] as ToolDefinition[]);
  const agents = new NamedRegistry<AgentDefinition>('agent', [
    ...(settings.builtins ? [supervisorAgent, echoAgent] : []),
    ...settings.agents,
  ] as AgentDefinition[]);
  return { agents, tools };
}
