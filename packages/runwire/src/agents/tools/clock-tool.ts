import { z } from 'zod';
import { defineTool } from '../tool.js';

/** The server's current time, in UTC. */
export const clockTool = defineTool({
  name: 'clock',
  description: "Returns the server's current date and time (UTC)",
  parameters: z.strictObject({}),
  async execute(_params, call) {
    const now = call.clock.now();
    return { iso: new Date(now).toISOString(), epochMs: now };
  },
});
