/**
 * `@runwire/client`: a Runwire client for browsers and Node 22+. No runtime dependency; the frame types come from
 * the `runwire` package's protocol definitions as type-only imports.
 */
export type { BackoffOptions } from './backoff.js';
export { backoffDelay } from './backoff.js';
export type { RunControl } from './client-run.js';
export { ClientRun } from './client-run.js';
export { ConnectionError, RequestError, RunError } from './errors.js';
export type {
  ClientFrame,
  ListRunsQuery,
  Reply,
  ResyncRequiredFrame,
  RunEvent,
  RunEventOf,
  RunSnapshotFrame,
  RunStatus,
  ServerFrame,
  ThreadMessage,
  ThreadSummary,
} from './protocol.js';
export { isRunEvent, isTerminal } from './protocol.js';
export type { ClientEventMap, ClientStatus, RunwireClientOptions, WebSocketConstructor } from './runwire-client.js';
export { RunwireClient } from './runwire-client.js';
