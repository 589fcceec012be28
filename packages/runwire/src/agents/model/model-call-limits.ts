import { DEFAULTS } from '../../config/defaults.js';

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

/** The defaults of `ModelCallLimits`, from `DEFAULTS`. */
export const DEFAULT_MODEL_CALL_LIMITS: ModelCallLimits = Object.freeze({
  firstTokenTimeoutMs: DEFAULTS.llmFirstTokenTimeoutMs,
  idleTimeoutMs: DEFAULTS.llmIdleTimeoutMs,
  maxRetries: DEFAULTS.llmMaxRetries,
  retryBaseDelayMs: DEFAULTS.llmRetryBaseDelayMs,
  maxRetryAfterMs: DEFAULTS.llmMaxRetryAfterMs,
  toolTimeoutMs: DEFAULTS.llmToolTimeoutMs,
});
