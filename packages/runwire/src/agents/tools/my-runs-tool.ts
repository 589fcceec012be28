import { z } from 'zod';
import { RUN_STATUSES, type RunStatus } from '../../tracker/run-status.js';
import { defineTool } from '../tool.js';

/** Statistics of the caller's own runs, read through the caller's tracker scope (never anyone else's). */
export const myRunsTool = defineTool({
  name: 'my_runs',
  description: 'Counts your own recent runs by status and agent',
  parameters: z.strictObject({}),
  async execute(_params, call) {
    const runs = call.scope.getUserExecutions();
    const byStatus = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<RunStatus, number>;
    const byAgent: Record<string, number> = {};
    let finished = 0;
    let totalDurationMs = 0;
    for (const run of runs) {
      byStatus[run.status]++;
      byAgent[run.agent] = (byAgent[run.agent] ?? 0) + 1;
      if (run.durationMs !== undefined) {
        finished++;
        totalDurationMs += run.durationMs;
      }
    }
    return {
      total: runs.length,
      byStatus,
      byAgent,
      averageDurationMs: finished === 0 ? null : Math.round(totalDurationMs / finished),
    };
  },
});
