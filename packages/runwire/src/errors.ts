/**
 * The error taxonomy. Every error the server reports has a stable `code` (docs/protocol.md §5 for the wire codes);
 * callers classify by `instanceof` or `code`, never by message text. `toErrorFrame` (protocol/error-frame.ts)
 * is the one place that turns an error into a wire frame.
 */

/** Wire error codes of docs/protocol.md §5: the only codes an `error` frame or an HTTP error body carries. */
export const WIRE_ERROR_CODES = [
  'bad_json',
  'bad_request',
  'unknown_type',
  'not_found',
  'thread_busy',
  'too_many_runs',
  'rate_limited',
  'unauthenticated',
  'forbidden',
  'origin_not_allowed',
  'internal',
] as const;

export type WireErrorCode = (typeof WIRE_ERROR_CODES)[number];

/** Error codes that only appear inside the process or in run records (`error.code` of `agent_error`). */
export type RunErrorCode =
  | 'agent_failed'
  | 'heartbeat_lost'
  | 'deadline_exceeded'
  | 'node_restarted'
  | 'node_lost'
  | 'tool_failed'
  | 'unknown_tool'
  | 'run_ended'
  | 'lease_conflict'
  | ModelErrorCode
  | 'tool_timeout';

/**
 * Codes of runs ended by their model (PROTOCOL.md §4, "agent_error codes"): one per way a model call can fail, so a
 * client can tell a bad key from a slow server without reading messages.
 */
export const MODEL_ERROR_CODES = [
  /** The model server cannot be reached (connection refused, DNS, TLS). */
  'llm_unreachable',
  /** 401/403: the API key is missing or wrong. */
  'llm_auth',
  /** 404: the model is unknown (or, for a plain-text 404, the base URL lacks `/v1`). */
  'llm_model_not_found',
  /** 429 after the retries. */
  'llm_rate_limited',
  /** Nothing before the first-token timeout, or a silence between chunks longer than the idle timeout. */
  'llm_stalled',
  /** The stream ended without its end (no finish reason). */
  'llm_truncated',
  /** The model refused or a content filter stopped the answer. */
  'llm_refused',
  /** 5xx (or an error event in the stream) that outlasted the retries, or any other model failure. */
  'llm_server_error',
] as const;

export type ModelErrorCode = (typeof MODEL_ERROR_CODES)[number];

/** Where a model stream went silent. */
export type StallPhase = 'first_token' | 'between_chunks';

export interface ErrorOptions {
  readonly cause?: unknown;
}

/** Base class of Runwire's own errors. */
export class RunwireError extends Error {
  readonly code: WireErrorCode | RunErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: WireErrorCode | RunErrorCode,
    message: string,
    details?: Record<string, unknown>,
    options?: ErrorOptions,
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = details === undefined ? undefined : Object.freeze({ ...details });
  }
}

/** A frame or call that does not match what is expected. `details.issues` lists the fields that failed. */
export class BadRequestError extends RunwireError {
  constructor(message: string, issues?: ReadonlyArray<{ path: string; message: string }>) {
    super('bad_request', message, issues === undefined ? undefined : { issues });
  }
}

/** A run that does not exist for this user (also: a run of another user; the two are indistinguishable). */
export class RunNotFoundError extends RunwireError {
  readonly runId: string;
  constructor(runId: string) {
    super('not_found', `Run '${runId}' was not found`);
    this.runId = runId;
  }
}

/** A thread that does not exist for this user (also: a thread of another user; the two are indistinguishable). */
export class ThreadNotFoundError extends RunwireError {
  readonly threadId: string;
  constructor(threadId: string) {
    super('not_found', `Thread '${threadId}' was not found`);
    this.threadId = threadId;
  }
}

/** A state change that the transition table does not allow. */
export class InvalidTransitionError extends RunwireError {
  readonly runId: string;
  readonly from: string;
  readonly to: string;
  constructor(runId: string, from: string, to: string) {
    super('internal', `Run '${runId}' cannot go from '${from}' to '${to}'`);
    this.runId = runId;
    this.from = from;
    this.to = to;
  }
}

/** The thread already has a run and the thread policy is `reject`. */
export class ThreadBusyError extends RunwireError {
  constructor(threadId: string) {
    super('thread_busy', `Thread '${threadId}' already has a run in progress; wait for it or stop it first`);
  }
}

/** The user's queue of waiting runs is full. */
export class TooManyRunsError extends RunwireError {
  constructor(limit: number) {
    super('too_many_runs', `Too many waiting runs (at most ${limit}); wait for some to finish`, { limit });
  }
}

/** A caller sends too fast. */
export class RateLimitedError extends RunwireError {
  constructor(retryAfterMs: number) {
    super('rate_limited', `Too many frames; retry after ${retryAfterMs} ms`, { retryAfterMs });
  }
}

/**
 * `new AgentExecutionTracker()` outside the factory. A `TypeError`, because constructing the class directly is a
 * misuse of its type, like calling a non-constructor.
 */
export class FactoryOnlyError extends TypeError {
  readonly code = 'factory_only' as const;
  constructor(className: string, factory: string) {
    super(`${className} cannot be constructed directly; use ${factory}`);
    this.name = 'FactoryOnlyError';
  }
}

/** A bad argument to a public function, e.g. a placeholder user id. Says what was expected. */
export class InvalidArgumentError extends TypeError {
  readonly code = 'invalid_argument' as const;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidArgumentError';
  }
}

/** A run lease that cannot be taken: another node holds it, or the run was already claimed as dead. */
export class LeaseConflictError extends RunwireError {
  readonly runId: string;
  /** The node that holds the lease; absent when the run was claimed as dead. */
  readonly holder: string | undefined;
  constructor(runId: string, nodeId: string, holder: string | undefined) {
    super(
      'lease_conflict',
      holder === undefined
        ? `Node '${nodeId}' cannot lease run '${runId}': it was claimed as dead; stop working on it`
        : `Node '${nodeId}' cannot lease run '${runId}': node '${holder}' holds a live lease on it`,
      holder === undefined ? { runId } : { runId, holder },
    );
    this.runId = runId;
    this.holder = holder;
  }
}

/** A configuration value that cannot work; names the option and the fix. */
export class ConfigError extends Error {
  readonly code = 'config' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Exhaustiveness check for `switch` over a union. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}

/** A short message for any thrown value, without a stack trace. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A tool call that could not run or failed; the agent may catch it and go on. */
export class ToolCallError extends RunwireError {
  readonly toolName: string;
  constructor(code: 'tool_failed' | 'unknown_tool', toolName: string, message: string, options?: ErrorOptions) {
    super(code, message, { toolName }, options);
    this.toolName = toolName;
  }
}

/** A run-context call after the run ended (cancelled, timed out, dead or finished). */
export class RunEndedError extends RunwireError {
  constructor(runId: string, status: string) {
    super('run_ended', `Run '${runId}' has ended (it is '${status}'); stop working on it`);
  }

  /**
   * The reason a run's abort signal carries once the run has ended: made without a stack trace, which would only show
   * the tracker's internals and cost more than the rest of ending a run (every run ends with one).
   */
  static abortReason(runId: string, status: string): RunEndedError {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return new RunEndedError(runId, status);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

/**
 * A store that cannot be opened at start: a corrupt or foreign database file, one written by a newer Runwire, or a
 * path that cannot be written. The server stops instead of starting empty; the message names the file and the fix.
 */
export class StoreOpenError extends Error {
  readonly code = 'store_unavailable' as const;
  /** The absolute path of the database file. */
  readonly file: string;
  constructor(file: string, message: string, options?: ErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreOpenError';
    this.file = file;
  }
}

/** A store used after `close()`. */
export class StoreClosedError extends Error {
  readonly code = 'store_closed' as const;
  constructor(what: string) {
    super(`${what} is closed; create a new store (or runtime) to use it again`);
    this.name = 'StoreClosedError';
  }
}

/**
 * A model call that failed in a way the run cannot recover from (after any retries). `status` is the HTTP status when
 * the server answered; `retryable` and `retryAfterMs` drive the retry policy before anything reached the user.
 */
export class ModelCallError extends RunwireError {
  declare readonly code: ModelErrorCode;
  readonly status: number | undefined;
  readonly retryable: boolean;
  /** The server's `Retry-After`, in ms, when it sent one. */
  readonly retryAfterMs: number | undefined;
  constructor(
    code: ModelErrorCode,
    message: string,
    options: ErrorOptions & { status?: number; retryable?: boolean; retryAfterMs?: number } = {},
  ) {
    super(code, message, options.status === undefined ? undefined : { status: options.status }, options);
    this.status = options.status;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The model went silent: nothing before the first-token timeout, or too long between chunks. */
export class ModelStalledError extends ModelCallError {
  readonly phase: StallPhase;
  readonly waitedMs: number;
  constructor(phase: StallPhase, waitedMs: number) {
    super(
      'llm_stalled',
      phase === 'first_token'
        ? `The model sent nothing within ${waitedMs} ms of the request (first-token timeout); the server may be overloaded or still loading the model`
        : `The model stopped sending for ${waitedMs} ms in the middle of its answer (idle timeout)`,
    );
    this.phase = phase;
    this.waitedMs = waitedMs;
  }
}

/** A tool an LLM agent called did not finish within its deadline. */
export class ToolTimeoutError extends RunwireError {
  readonly toolName: string;
  constructor(toolName: string, timeoutMs: number) {
    super('tool_timeout', `Tool '${toolName}' did not finish within ${timeoutMs} ms`, { toolName, timeoutMs });
    this.toolName = toolName;
  }
}
