import { z } from 'zod';
import { defineAgent } from '../../src/agents/agent-definition.js';

/** An agent whose every run fails (`agent_error` with `agent_failed`). */
export const failingAgent = defineAgent({
  name: 'failing',
  description: 'Test: always fails',
  input: z.strictObject({}),
  async run() {
    throw new Error('this agent always fails');
  },
});
