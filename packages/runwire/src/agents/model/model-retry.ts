import { ModelCallError } from '../../errors.js';
import type { RunContext } from '../run-context.js';
import type { ModelCallLimits } from './model-call-limits.js';
import type { StepProgress } from './model-step.js';

/**
 * Runs one model call with retries: only errors that may pass (429, 5xx, unreachable) and only while nothing of the
 * attempt reached the user. `Retry-After` is honoured up to `maxRetryAfterMs` and never past the run's deadline; a
 * cancel during the wait ends it at once (the run's `sleep` rejects).
 */
export async function withModelRetries<T>(
  ctx: RunContext,
  limits: ModelCallLimits,
  attempt: (progress: StepProgress) => Promise<T>,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    const progress: StepProgress = { delivered: false };
    try {
      return await attempt(progress);
    } catch (error) {
      if (!(error instanceof ModelCallError)) throw error;
      const why = refusalToRetry(error, progress, retry, limits, ctx);
      if (why !== undefined) throw retry === 0 && why === '' ? error : explained(error, why, retry);
      await ctx.sleep(waitBefore(error, retry, limits));
    }
  }
}

function waitBefore(error: ModelCallError, retry: number, limits: ModelCallLimits): number {
  return error.retryAfterMs ?? limits.retryBaseDelayMs * 2 ** retry;
}

/** Why not to retry (`''`: the error speaks for itself), or `undefined` to retry. */
function refusalToRetry(
  error: ModelCallError,
  progress: StepProgress,
  retry: number,
  limits: ModelCallLimits,
  ctx: RunContext,
): string | undefined {
  if (!error.retryable) return '';
  if (progress.delivered) return 'not retried: part of the answer had already reached the user';
  if (retry >= limits.maxRetries) return '';
  if (error.retryAfterMs !== undefined && error.retryAfterMs > limits.maxRetryAfterMs) {
    return `not retried: the server asks to wait ${error.retryAfterMs} ms, more than the ${limits.maxRetryAfterMs} ms cap`;
  }
  const deadline = ctx.deadline();
  const wait = waitBefore(error, retry, limits);
  if (deadline !== undefined && ctx.clock.now() + wait >= deadline) {
    return `not retried: waiting ${wait} ms would pass the run's deadline`;
  }
  return undefined;
}

function explained(error: ModelCallError, why: string, retries: number): ModelCallError {
  const after = retries === 0 ? '' : ` (after ${retries} ${retries === 1 ? 'retry' : 'retries'})`;
  return new ModelCallError(error.code, `${error.message}${after}${why === '' ? '' : `; ${why}`}`, {
    cause: error,
    ...(error.status === undefined ? {} : { status: error.status }),
  });
}
