import type { ErrorFrame } from './protocol.js';

/** A run that did not complete: `status` is its terminal state, `code` the run's error code (`cancelled` when cancelled). */
export class RunError extends Error {
  override readonly name = 'RunError';
  readonly runId: string;
  readonly status: 'failed' | 'timeout' | 'dead' | 'cancelled';
  readonly code: string;
  constructor(runId: string, status: RunError['status'], code: string, message: string) {
    super(message);
    this.runId = runId;
    this.status = status;
    this.code = code;
  }
}

/** The server answered a request with `error {code, message, details?}`. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(frame: ErrorFrame) {
    super(frame.message);
    this.code = frame.code;
    this.details = frame.details;
  }
}

/**
 * A request that cannot be answered: `connection_lost` (the socket dropped after a request that is not safe to send
 * twice was sent, so whether the server acted on it is unknown), `closed` (the client was closed), `timeout` (no
 * reply within `requestTimeoutMs`).
 */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  readonly code: 'connection_lost' | 'closed' | 'timeout';
  constructor(code: ConnectionError['code'], message: string) {
    super(message);
    this.code = code;
  }
}
