import type { AddressInfo } from 'node:net';
import type { WsGateway } from './gateway/ws-gateway.js';
import { connectableUrl } from './http/connectable-url.js';
import type { ServerMetrics } from './http/server-metrics.js';
import type { Runtime } from './runtime/create-runtime.js';
import { settleHeap } from './runtime/settle-heap.js';
import { assembleServer, type StartServerOptions } from './server-assembly.js';

export type { StartServerOptions } from './server-assembly.js';

/** A running Runwire server. */
export interface RunwireServer {
  /** `http://host:port` to connect to from this machine (loopback when the server listens on every interface). */
  readonly url: string;
  /** The wildcard address (`0.0.0.0` or `::`) when the server listens on every interface. */
  readonly listensOnAll: string | undefined;
  readonly port: number;
  readonly runtime: Runtime;
  readonly metrics: ServerMetrics;
  readonly gateway: WsGateway;
  /** In dev mode (no secret configured): the random secret and a ready-to-use token for user `dev`. */
  readonly dev: { readonly secret: string; readonly token: string } | undefined;
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
    runtime: parts.runtime,
    metrics: parts.metrics,
    gateway: parts.gateway,
    dev: parts.dev,
    close: (graceMs = config.shutdownGraceMs) => parts.close(graceMs),
  };
}
