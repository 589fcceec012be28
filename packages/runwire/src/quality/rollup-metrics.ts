/**
 * The names of the counters the quality rollups hold, defined once: the recorder writes them, the summaries read
 * them. Run counters are per (day, user, agent, outcome); server-wide counters have agent and outcome `''`.
 *
 * | metric | counts |
 * |---|---|
 * | `runs` | runs that ended with this outcome |
 * | `duration_b<i>` | runs whose duration fell in latency bucket `i` (`LATENCY_BUCKETS_MS`; `i = length`: above the last) |
 * | `duration_sum_ms` | the sum of those durations |
 * | `ttfe_b<i>` | runs whose first event came within bucket `i` of their creation |
 * | `tool_calls:<tool>` | calls of a tool |
 * | `tool_failures:<tool>` | calls of a tool that failed (or that the run's end cut off) |
 * | `tokens_in`, `tokens_out` | model tokens, where the model reports them |
 * | `blocked_constructions` | server-wide: direct `new AgentExecutionTracker()` attempts blocked |
 * | `denied_cross_user_accesses` | server-wide: reads or cancels of another user's run refused |
 */
export const METRIC = {
  runs: 'runs',
  durationSum: 'duration_sum_ms',
  tokensIn: 'tokens_in',
  tokensOut: 'tokens_out',
  blockedConstructions: 'blocked_constructions',
  deniedCrossUserAccesses: 'denied_cross_user_accesses',
} as const;

/** `duration_b<i>`: runs with a duration in latency bucket `i`. */
export function durationBucket(i: number): string {
  return `duration_b${i}`;
}

/** `ttfe_b<i>`: runs with a time to first event in latency bucket `i`. */
export function ttfeBucket(i: number): string {
  return `ttfe_b${i}`;
}

/** `tool_calls:<tool>`. */
export function toolCalls(tool: string): string {
  return `tool_calls:${tool}`;
}

/** `tool_failures:<tool>`. */
export function toolFailures(tool: string): string {
  return `tool_failures:${tool}`;
}
