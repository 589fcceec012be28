import type { AddressInfo } from 'node:net';
import { connectableUrl } from './http/connectable-url.js';
import { settleHeap } from './runtime/settle-heap.js';
import { assembleServer, type RunwireParts, runwireParts, type StartServerOptions } from './server-assembly.js';

export type { StartServerOptions } from './server-assembly.js';

/** A running Runwire server. */
export interface RunwireServer extends RunwireParts {
  /** `http://host:port` to connect to from this machine (loopback when the server listens on every interface). */
  readonly url: string;
  /** The wildcard address (`0.0.0.0` or `::`) when the server listens on every interface. */
  readonly listensOnAll: string | undefined;
  readonly port: number;
  /**
   * Graceful shutdown: stop accepting, close sockets with 1001, let runs finish for `graceMs` (default: the
   * configured grace), cancel the rest with reason `shutdown`, flush and close the stores. Idempotent.
   */
  close(graceMs?: number): Promise<void>;
}

/** Builds the runtime, the HTTP routes and the WebSocket gateway on one port, and starts listening. */
export async function startServer(options: StartServerOptions): Promise<RunwireServer> {
  const parts = await assembleServer(options, { chatPage: true });
  const { app, config } = parts;
  parts.gateway.attach(app.server);
  // Everything is loaded and built: start-up's long-lived objects leave the young generation now, not during the
  // first burst of traffic (see settleHeap).
  options.logger.debug({ ms: Math.round(settleHeap()) }, 'heap settled before listening');
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await parts.close(0);
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const { url, wildcard } = connectableUrl(address);
  return {
    url,
    listensOnAll: wildcard,
    port: address.port,
    ...runwireParts(parts),
    close: (graceMs = config.shutdownGraceMs) => parts.close(graceMs),
  };
}
