/** The limits of every model call of LLM agents. Durations in milliseconds. */
export interface ModelCallLimits {
  /** Nothing received for this long after the request: `llm_stalled` (`first_token`). */
  readonly firstTokenTimeoutMs: number;
  /** Silence between two chunks longer than this: `llm_stalled` (`between_chunks`). */
  readonly idleTimeoutMs: number;
  /** Retries of a failed request (429, 5xx, unreachable) while nothing of it reached the user. */
  readonly maxRetries: number;
  /** First retry delay without `Retry-After`; doubles per retry. */
  readonly retryBaseDelayMs: number;
  /** `Retry-After` is honoured up to this (and never past the run's deadline). */
  readonly maxRetryAfterMs: number;
  /** A tool call of an LLM agent that takes longer ends the run with `tool_timeout`. */
  readonly toolTimeoutMs: number;
}

/** The defaults of `ModelCallLimits`, read by the config's option table, `--help` and the README. */
export const DEFAULT_MODEL_CALL_LIMITS: ModelCallLimits = Object.freeze({
  firstTokenTimeoutMs: 120_000,
  idleTimeoutMs: 30_000,
  maxRetries: 2,
  retryBaseDelayMs: 1_000,
  maxRetryAfterMs: 30_000,
  toolTimeoutMs: 60_000,
});

/** Default `maxSteps` of an LLM agent: model calls per run, tool rounds included. */
export const DEFAULT_MAX_STEPS = 8;

/** Default `--history-limit`: earlier thread messages an LLM agent receives. */
export const DEFAULT_HISTORY_LIMIT = 50;
