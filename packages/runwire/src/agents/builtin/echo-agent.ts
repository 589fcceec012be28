import { z } from 'zod';
import { defineAgent } from '../agent-definition.js';

export const echoInputSchema = z.strictObject({
  text: z.string().max(32_000),
  steps: z.number().int().min(0).max(100).default(3),
  delayMs: z.number().int().min(0).max(10_000).default(0),
});

/**
 * The diagnostic agent (docs/protocol.md §8): `steps` thinking events, each after `delayMs`, one `clock` tool call, then
 * `agent_completed` with `finalResponse = text`.
 */
export const echoAgent = defineAgent({
  name: 'echo',
  description: 'Diagnostic: thinks `steps` times with `delayMs` pauses, calls the clock tool, answers with `text`',
  input: echoInputSchema,
  fromMessage: (content) => ({ text: content }),
  async run(input, ctx) {
    for (let step = 1; step <= input.steps; step++) {
      if (input.delayMs > 0) await ctx.sleep(input.delayMs);
      await ctx.thinking(`Echo step ${step} of ${input.steps}`);
    }
    await ctx.callTool('clock', {});
    return input.text;
  },
});
