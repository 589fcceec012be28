import { AISDKError, APICallError, InvalidResponseDataError, StreamProviderError } from 'ai';
import { errorMessage, ModelCallError, type ModelErrorCode } from '../../errors.js';

/** What the stream had shown when the error came. */
export interface ErrorSituation {
  /** Bytes of the answer had arrived (the server answered 200 and streamed). */
  readonly streaming: boolean;
  /** The clock's now, for `Retry-After` given as a date. */
  readonly now: number;
}

/**
 * Maps whatever a model call threw (or streamed as an error part) to one `ModelCallError` with its code. Classified by
 * type and HTTP status, never by message text; the message keeps the server's own words.
 */
export function classifyModelError(error: unknown, situation: ErrorSituation): ModelCallError {
  if (error instanceof ModelCallError) return error;
  if (APICallError.isInstance(error)) return fromApiCallError(error, situation.now);
  if (StreamProviderError.isInstance(error)) {
    // An error event inside a 200 stream (vLLM): the server failed while answering.
    const status = error.statusCode;
    const code = status === undefined ? 'llm_server_error' : codeOfStatus(status);
    return new ModelCallError(code, `The model server reported an error in its stream: ${error.message}`, {
      cause: error,
      retryable: error.isRetryable || code === 'llm_server_error' || code === 'llm_rate_limited',
      ...(status === undefined ? {} : { status }),
    });
  }
  if (isStreamedErrorObject(error)) {
    return new ModelCallError(
      'llm_server_error',
      `The model server reported an error in its stream: ${error.message}`,
      {
        retryable: true,
      },
    );
  }
  if (InvalidResponseDataError.isInstance(error)) {
    // The provider's verdict on a stream that ended without a finish reason.
    return new ModelCallError('llm_truncated', `The model's stream ended before its end: ${error.message}`, {
      cause: error,
      retryable: true,
    });
  }
  if (AISDKError.isInstance(error)) {
    // The SDK could not use the answer (bad tool input JSON, an unparsable chunk, …): the server's fault, not a cut.
    return new ModelCallError('llm_server_error', `The model's answer could not be used: ${error.message}`, {
      cause: error,
    });
  }
  if (situation.streaming) {
    return new ModelCallError(
      'llm_truncated',
      `The model's stream ended before its end (no finish reason): ${errorMessage(error)}`,
      { cause: error },
    );
  }
  return new ModelCallError('llm_server_error', `The model call failed: ${errorMessage(error)}`, { cause: error });
}

function fromApiCallError(error: APICallError, now: number): ModelCallError {
  const status = error.statusCode;
  const where = error.url;
  if (status === undefined) {
    return new ModelCallError('llm_unreachable', `Cannot reach the model server at ${where}: ${causeMessage(error)}`, {
      cause: error,
      retryable: true,
    });
  }
  if (status >= 200 && status < 300) {
    // The server answered, then the connection broke before the stream's end.
    return new ModelCallError('llm_truncated', `The model's stream was cut before its end: ${causeMessage(error)}`, {
      cause: error,
      retryable: true,
    });
  }
  const said = serverMessage(error);
  const code = codeOfStatus(status);
  switch (code) {
    case 'llm_auth':
      return new ModelCallError(
        code,
        `The model server refused the API key (HTTP ${status}): ${said}. Check RUNWIRE_LLM_API_KEY`,
        { cause: error, status },
      );
    case 'llm_model_not_found':
      return new ModelCallError(
        code,
        isJsonBody(error)
          ? `The model server does not know the model (HTTP 404): ${said}`
          : `The model server answered 404 with plain text at ${where} ("${said}"); the base URL probably lacks /v1 (e.g. http://localhost:11434/v1)`,
        { cause: error, status },
      );
    case 'llm_rate_limited': {
      const retryAfterMs = retryAfterOf(error.responseHeaders, now);
      return new ModelCallError(code, `The model server is rate limiting (HTTP 429): ${said}`, {
        cause: error,
        status,
        retryable: true,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    case 'llm_server_error':
      return new ModelCallError(code, `The model server failed (HTTP ${status}): ${said}`, {
        cause: error,
        status,
        retryable: status >= 500 || status === 408,
      });
    default:
      return new ModelCallError(code, `The model server answered HTTP ${status}: ${said}`, { cause: error, status });
  }
}

function codeOfStatus(status: number): ModelErrorCode {
  if (status === 401 || status === 403) return 'llm_auth';
  if (status === 404) return 'llm_model_not_found';
  if (status === 429) return 'llm_rate_limited';
  return 'llm_server_error';
}

/** The server's own message: `error.message` of a JSON body, else the body text, else the status text. */
function serverMessage(error: APICallError): string {
  const body = error.responseBody?.trim();
  if (body !== undefined && body.length > 0) {
    try {
      const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
      if (typeof parsed.error === 'string') return parsed.error;
      if (typeof parsed.error?.message === 'string') return parsed.error.message;
      if (typeof parsed.message === 'string') return parsed.message;
    } catch {
      return body.length > 500 ? `${body.slice(0, 500)}…` : body;
    }
  }
  return error.message;
}

function isJsonBody(error: APICallError): boolean {
  try {
    JSON.parse(error.responseBody ?? '');
    return true;
  } catch {
    return false;
  }
}

/** The innermost error code on the cause chain (ECONNREFUSED, UND_ERR_SOCKET, …) with its message. */
function causeMessage(error: APICallError): string {
  let cause: unknown = error.cause;
  for (let depth = 0; depth < 5 && cause !== null && typeof cause === 'object'; depth++) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string') return `${code} (${String(message)})`;
    cause = (cause as { cause?: unknown }).cause;
  }
  return error.message;
}

function isStreamedErrorObject(error: unknown): error is { message: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    !(error instanceof Error) &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

/** `Retry-After` (seconds or an HTTP date) or `retry-after-ms`, in ms. */
export function retryAfterOf(headers: Record<string, string> | undefined, now: number): number | undefined {
  if (headers === undefined) return undefined;
  const ms = headers['retry-after-ms'];
  if (ms !== undefined && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
