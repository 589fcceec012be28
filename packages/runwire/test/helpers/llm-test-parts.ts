import { z } from 'zod';
import type { ModelCallLimits } from '../../src/agents/model/model-call-limits.js';
import { defineTool } from '../../src/agents/tool.js';

/** Model-call limits short enough for tests against the fake OpenAI-compatible server: stalls and retries in ms. */
export const FAST_MODEL_LIMITS: ModelCallLimits = {
  firstTokenTimeoutMs: 400,
  idleTimeoutMs: 300,
  retryBaseDelayMs: 10,
  maxRetries: 2,
  maxRetryAfterMs: 1_000,
  toolTimeoutMs: 300,
};

/** A tool named `slow` that takes 10 s unless its run ends first: past `FAST_MODEL_LIMITS.toolTimeoutMs`. */
export const slowTool = defineTool({
  name: 'slow',
  description: 'Never finishes in time',
  parameters: z.strictObject({}),
  async execute(_p, call) {
    await call.clock.sleep(10_000, call.signal);
    return {};
  },
});
