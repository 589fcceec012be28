import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { assembleServer, type RunwireParts, runwireParts, type StartServerOptions } from './server-assembly.js';

/**
 * Runwire inside an existing `node:http` server: the host's `request` and `upgrade` listeners offer each request to
 * Runwire first and keep it when Runwire answers `false` (a path that is not Runwire's).
 *
 * Runwire's paths: the socket at `/ws`, `/api/…` (AG-UI's `/api/agui` included), `/health`, `/health/ready`,
 * `/metrics`, and `/dev/token` in dev mode. The chat page is not served: `/` stays the host's.
 */
export interface RunwireHandler extends RunwireParts {
  /** Answers the request and returns `true` when its method and path are a Runwire route; `false` otherwise. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  /**
   * Takes the upgrade and returns `true` when it is for `/ws` (refusing it with 401/403/429/503 as the standalone
   * server does); returns `false` and leaves the socket alone for any other path.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /**
   * Graceful shutdown of Runwire's part, leaving the host's server open: Runwire's sockets close with 1001, its routes
   * answer 503 and then `false`, runs get `graceMs` (default: the configured grace) to finish, then the stores close.
   * Idempotent.
   */
  close(graceMs?: number): Promise<void>;
}

/** Builds Runwire's runtime, routes and gateway without a port of its own, ready for a host's requests. */
export async function embedServer(options: StartServerOptions): Promise<RunwireHandler> {
  const parts = await assembleServer(options, { chatPage: false });
  const { app, gateway, config } = parts;
  await app.ready();
  gateway.startPinging();
  let closed = false;
  return {
    handleRequest(req, res) {
      if (closed) return false;
      const url = req.url ?? '/';
      const query = url.indexOf('?');
      const path = query === -1 ? url : url.slice(0, query);
      if (app.findRoute({ method: (req.method ?? 'GET') as 'GET', url: path }) === null) return false;
      app.routing(req, res);
      return true;
    },
    handleUpgrade: (req, socket, head) => !closed && gateway.handleUpgrade(req, socket, head),
    ...runwireParts(parts),
    async close(graceMs = config.shutdownGraceMs) {
      await parts.close(graceMs);
      closed = true;
    },
  };
}
