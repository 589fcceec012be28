import { defineAgent } from '../agent-definition.js';
import { calculatorTool } from '../tools/calculator-tool.js';
import { clockTool } from '../tools/clock-tool.js';
import { myRunsTool } from '../tools/my-runs-tool.js';

/** The built-in assistant's system instructions. */
export const ASSISTANT_INSTRUCTIONS =
  'You are Runwire’s assistant. Answer helpfully and concisely. Use the calculator for arithmetic, the clock for the ' +
  'current time, and my_runs for questions about the user’s own runs; never guess what a tool can tell you.';

/**
 * The built-in chat agent on the server's model (`--llm-base-url`, `--llm-model`), with the built-in tools. Registered
 * only when a model is configured; then `user_message` without `agent` goes to it.
 */
export const assistantAgent = defineAgent({
  name: 'assistant',
  description: 'Chat agent on the configured model, with the calculator, clock and my_runs tools',
  model: 'default',
  instructions: ASSISTANT_INSTRUCTIONS,
  tools: [calculatorTool, clockTool, myRunsTool],
});
