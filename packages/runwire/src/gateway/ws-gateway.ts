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
import { type AdmissionLimits, type AdmissionTicket, ConnectionAdmission } from './connection-admission.js';
import { ConnectionRegistry } from './connection-registry.js';
import { TurnSpreader } from './turn-spreader.js';

/** Refusals of a connection storm written per event-loop turn (each costs a write and a close). */
const REFUSALS_PER_TURN = 8;

/** Options of the WebSocket gateway (compiled). */
export interface GatewayOptions {
  readonly path: string;
  readonly heartbeatMs: number;
  readonly maxFrameBytes: number;
  /** Allowed browser origins; empty: same origin only; `*`: any. */
  readonly origins: readonly string[];
  readonly limits: ConnectionLimits;
  /** Limits on handshakes and connections per address and per user. @default DEFAULT_ADMISSION_LIMITS */
  readonly admission?: AdmissionLimits;
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
  readonly #admission: ConnectionAdmission;
  readonly #refusals = new TurnSpreader(REFUSALS_PER_TURN);
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
    this.#admission = new ConnectionAdmission(options.gateway.admission);
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.gateway.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (protocols) => (protocols.has(PROTOCOL_NAME) ? PROTOCOL_NAME : false),
    });
  }

  /** Handles every `upgrade` event of `server` (other paths are refused with 404) and starts pinging. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.#upgrade(req, socket, head);
    });
    this.startPinging();
  }

  /**
   * Takes an upgrade another server received, if it is for this gateway's path: returns `false` (and leaves the
   * socket alone) for any other path, so the host can handle its own WebSocket endpoints.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== this.#options.path) return false;
    void this.#upgrade(req, socket, head);
    return true;
  }

  /** Pings every socket each `heartbeatMs` until `close()`. Idempotent. */
  startPinging(): void {
    this.#pinger ??= this.#runtime.clock.setInterval(() => {
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
    if (!this.#originAllowed(req)) {
      return this.#refuse(
        socket,
        403,
        'origin_not_allowed',
        `The Origin '${String(req.headers.origin).slice(0, 200)}' is not allowed to open sockets; the server's --origin lists the ones that are`,
      );
    }
    const found = requestToken(url, req.headers);
    if (!found.ok) return this.#refuse(socket, 401, 'unauthenticated', found.reason);
    const afterParam = url.searchParams.get('after');
    let after: number | undefined;
    if (afterParam !== null) {
      if (!/^\d{1,15}$/.test(afterParam))
        return this.#refuse(socket, 400, 'bad_request', '"after" must be a whole number ≥ 0');
      after = Number(afterParam);
    }
    const offered = offeredProtocols(req.headers);
    if (offered.length > 0 && !offered.includes(PROTOCOL_NAME)) {
      return this.#refuse(socket, 400, 'bad_request', `Offer the subprotocol '${PROTOCOL_NAME}' with the bearer token`);
    }
    // Admission before verification: a flood from one address is refused before it costs a signature check, and
    // handshakes take turns so that established connections keep being served during a storm.
    const ticket = this.#admission.enter(req.socket.remoteAddress ?? 'unknown');
    if (ticket.refused) {
      this.#refusals.push(() => this.#refuse(socket, 429, 'rate_limited', ticket.message));
      return;
    }
    socket.once('close', () => ticket.release());
    await ticket.turn;
    if (socket.destroyed) return ticket.release();
    let identity: VerifiedIdentity;
    try {
      identity = await this.#verifier.verify(found.token);
    } catch (error) {
      ticket.release();
      return this.#refuse(socket, 401, 'unauthenticated', (error as Error).message);
    }
    if (socket.destroyed) return ticket.release();
    const userRefusal = this.#admission.admitUser(ticket, identity.userId);
    if (userRefusal !== undefined) {
      ticket.release();
      return this.#refuse(socket, 429, 'rate_limited', userRefusal.message);
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      void this.#open(ws, socket, identity, after, ticket);
    });
  }

  async #open(
    ws: import('ws').WebSocket,
    transport: Duplex,
    identity: VerifiedIdentity,
    after: number | undefined,
    ticket: AdmissionTicket,
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
      ticket.release();
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
      ticket.release();
      runtime.logger.error({ err: error, connectionId: connection.id }, 'connection setup failed');
      connection.close(CLOSE.internal, 'Connection setup failed; retry');
    } finally {
      ticket.opened();
    }
  }

  #originAllowed(req: IncomingMessage): boolean {
    return originAllowed(req.headers.origin, req.headers.host, this.#options.origins);
  }

  #refuse(socket: Duplex, status: number, code: string, message: string): void {
    this.#metrics.upgradesRefused.inc({ status: String(status) });
    const body = JSON.stringify({ error: { code, message } });
    const reason =
      {
        400: 'Bad Request',
        401: 'Unauthorized',
        403: 'Forbidden',
        404: 'Not Found',
        429: 'Too Many Requests',
        503: 'Service Unavailable',
      }[status] ?? 'Error';
    const retry = status === 429 ? 'Retry-After: 1\r\n' : '';
    if (!socket.destroyed) {
      socket.end(
        `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n${retry}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
  }
}
