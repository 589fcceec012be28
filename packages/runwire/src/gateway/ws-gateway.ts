import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { originAllowed } from '../auth/origin-allowed.js';
import { offeredProtocols, PROTOCOL_NAME, requestToken } from '../auth/request-token.js';
import type { TokenVerifier, VerifiedIdentity } from '../auth/token-verifier.js';
import type { Timer } from '../clock.js';
import { UserExecutionContext } from '../context/user-execution-context.js';
import type { ServerMetrics } from '../http/server-metrics.js';
import { newConnectionId } from '../ids.js';
import type { Runtime } from '../runtime/create-runtime.js';
import { CLOSE, ClientConnection, type ConnectionLimits } from './client-connection.js';
import { ConnectionRegistry } from './connection-registry.js';

/** Options of the WebSocket gateway (compiled). */
export interface GatewayOptions {
  readonly path: string;
  readonly heartbeatMs: number;
  readonly maxFrameBytes: number;
  /** Allowed browser origins; empty: same origin only; `*`: any. */
  readonly origins: readonly string[];
  readonly limits: ConnectionLimits;
}

/**
 * Accepts WebSocket upgrades on the HTTP server: verifies the token before accepting (401/403 without a socket),
 * builds the connection's context, registers it under its user, sends `connection_established`, resumes from
 * `?after=N`, pings every `heartbeatMs` and drops dead peers.
 */
export class WsGateway {
  readonly registry: ConnectionRegistry;
  readonly #runtime: Runtime;
  readonly #verifier: TokenVerifier;
  readonly #options: GatewayOptions;
  readonly #metrics: ServerMetrics;
  readonly #isAccepting: () => boolean;
  readonly #wss: WebSocketServer;
  #pinger: Timer | undefined;

  constructor(options: {
    runtime: Runtime;
    verifier: TokenVerifier;
    gateway: GatewayOptions;
    metrics: ServerMetrics;
    /** Whether upgrades are accepted now (ready and not shutting down); `503` otherwise. */
    isAccepting: () => boolean;
  }) {
    this.#runtime = options.runtime;
    this.#verifier = options.verifier;
    this.#options = options.gateway;
    this.#metrics = options.metrics;
    this.#isAccepting = options.isAccepting;
    this.registry = new ConnectionRegistry(options.runtime.bus, options.runtime.logger);
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.gateway.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (protocols) => (protocols.has(PROTOCOL_NAME) ? PROTOCOL_NAME : false),
    });
  }

  /** Handles `upgrade` events of `server` and starts pinging. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.#upgrade(req, socket, head);
    });
    this.#pinger = this.#runtime.clock.setInterval(() => {
      for (const c of this.registry.all()) c.ping();
    }, this.#options.heartbeatMs);
  }

  /** Closes every socket with `code` (1001 on shutdown) and stops pinging. */
  close(code: number = CLOSE.goingAway, reason = 'Server shutting down; reconnect and resume'): void {
    this.#pinger?.cancel();
    for (const c of this.registry.all()) c.close(code, reason);
    this.registry.close();
    this.#wss.close();
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== this.#options.path)
      return this.#refuse(
        socket,
        404,
        'not_found',
        `No WebSocket endpoint at ${url.pathname}; use ${this.#options.path}`,
      );
    if (!this.#isAccepting()) return this.#refuse(socket, 503, 'internal', 'The server is not ready; retry shortly');
    if (!this.#originAllowed(req)) return this.#refuse(socket, 403, 'unauthenticated', 'This Origin is not allowed');
    const found = requestToken(url, req.headers);
    if (!found.ok) return this.#refuse(socket, 401, 'unauthenticated', found.reason);
    const afterParam = url.searchParams.get('after');
    let after: number | undefined;
    if (afterParam !== null) {
      if (!/^\d{1,15}$/.test(afterParam))
        return this.#refuse(socket, 400, 'bad_request', '"after" must be a whole number ≥ 0');
      after = Number(afterParam);
    }
    let identity: VerifiedIdentity;
    try {
      identity = await this.#verifier.verify(found.token);
    } catch (error) {
      return this.#refuse(socket, 401, 'unauthenticated', (error as Error).message);
    }
    if (socket.destroyed) return;
    const offered = offeredProtocols(req.headers);
    if (offered.length > 0 && !offered.includes(PROTOCOL_NAME)) {
      return this.#refuse(socket, 400, 'bad_request', `Offer the subprotocol '${PROTOCOL_NAME}' with the bearer token`);
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      void this.#open(ws, socket, identity, after);
    });
  }

  async #open(
    ws: import('ws').WebSocket,
    transport: Duplex,
    identity: VerifiedIdentity,
    after: number | undefined,
  ): Promise<void> {
    const runtime = this.#runtime;
    // No inbound frame is handled before connection_established is sent and the stream has started: a `resume` sent
    // in the client's `onopen` would otherwise race the setup (frames before connection_established, a moved cursor).
    ws.pause();
    const context = UserExecutionContext.create({ userId: identity.userId, connectionId: newConnectionId() });
    const connection = new ClientConnection({
      socket: ws,
      context,
      router: runtime.router,
      log: runtime.events,
      clock: runtime.clock,
      limits: this.#options.limits,
      metrics: this.#metrics,
      logger: runtime.logger,
      expiresAt: identity.expiresAt,
      transport,
    });
    this.#metrics.connections.inc();
    this.#metrics.connectionsOpened.inc();
    ws.on('close', (code) => {
      connection.markClosed();
      this.registry.remove(connection);
      this.#metrics.connections.dec();
      this.#metrics.connectionsClosed.inc({ code: String(code) });
    });
    ws.on('error', (error) => runtime.logger.debug({ err: error, connectionId: connection.id }, 'socket error'));
    try {
      // Subscribe first, then read lastSeq: an event in between is held by the stream and delivered after it.
      await this.registry.add(connection);
      const { lastSeq } = await runtime.events.bounds(identity.userId);
      connection.send({
        type: 'connection_established',
        connectionId: connection.id,
        userId: identity.userId,
        heartbeatMs: this.#options.heartbeatMs,
        serverTime: new Date(runtime.clock.now()).toISOString(),
        lastSeq,
      });
      if (after === undefined) await connection.stream.start(lastSeq);
      else await connection.stream.resume(after, undefined);
      if (connection.isOpen) ws.resume();
    } catch (error) {
      runtime.logger.error({ err: error, connectionId: connection.id }, 'connection setup failed');
      connection.close(CLOSE.internal, 'Connection setup failed; retry');
    }
  }

  #originAllowed(req: IncomingMessage): boolean {
    return originAllowed(req.headers.origin, req.headers.host, this.#options.origins);
  }

  #refuse(socket: Duplex, status: number, code: string, message: string): void {
    this.#metrics.upgradesRefused.inc({ status: String(status) });
    const body = JSON.stringify({ error: { code, message } });
    const reason =
      { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[
        status
      ] ?? 'Error';
    if (!socket.destroyed) {
      socket.end(
        `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
  }
}
