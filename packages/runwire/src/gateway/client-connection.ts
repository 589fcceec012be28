import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Clock, Timer } from '../clock.js';
import type { UserExecutionContext } from '../context/user-execution-context.js';
import { RateLimitedError, RunwireError } from '../errors.js';
import type { ServerMetrics } from '../http/server-metrics.js';
import type { ConnectionId } from '../ids.js';
import type { Logger } from '../logger.js';
import { toErrorFrame } from '../protocol/error-frame.js';
import type { RunEvent } from '../protocol/run-events.js';
import type { ConnectionEstablishedFrame, ReplyFrame } from '../protocol/server-frames.js';
import type { MessageRouter } from '../routing/message-router.js';
import type { EventLog } from '../stores/event-log.js';
import { EventStream } from './event-stream.js';
import { TokenBucket } from './token-bucket.js';

/** WebSocket close codes of docs/protocol.md §5. */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  policy: 1008,
  tooLarge: 1009,
  internal: 1011,
  overloaded: 1013,
} as const;

/** Limits of one connection. */
export interface ConnectionLimits {
  readonly rateLimitPerSecond: number;
  readonly rateBurst: number;
  /** Send buffer above which the client is closed with 1013. */
  readonly maxBufferedBytes: number;
  /** Bad frames in `abuseWindowMs` that close the socket with 1008. @default 100 */
  readonly abuseThreshold: number;
  readonly abuseWindowMs: number;
}

/** The JSON text of frames sent to several connections (a user's event goes to each of its sockets), made once. */
const texts = new WeakMap<object, string>();

function serialized(frame: object): string {
  let text = texts.get(frame);
  if (text === undefined) {
    text = JSON.stringify(frame);
    texts.set(frame, text);
  }
  return text;
}

/**
 * Error codes that count as a bad frame for abuse detection. `internal` counts too: no valid input should reach a
 * handler fault, so a client that keeps causing one is closed like any other sender of bad frames.
 */
const BAD_FRAME_CODES = new Set(['bad_json', 'bad_request', 'unknown_type', 'rate_limited', 'internal']);

/**
 * One authenticated WebSocket: its context (fixed at the upgrade), its ordered event stream, rate limit and abuse
 * counter, and token expiry. Every inbound frame goes through the `MessageRouter` with this connection's context.
 */
export class ClientConnection {
  readonly id: ConnectionId;
  readonly context: UserExecutionContext;
  readonly stream: EventStream;
  readonly #socket: WebSocket;
  readonly #router: MessageRouter;
  readonly #clock: Clock;
  readonly #limits: ConnectionLimits;
  readonly #metrics: ServerMetrics;
  readonly #logger: Logger;
  readonly #bucket: TokenBucket;
  readonly #transport: Pick<Duplex, 'cork' | 'uncork'> | undefined;
  /** Whether `#transport` is corked until the end of this turn (see `send`). */
  #corked = false;
  #badFrames: number[] = [];
  #expiry: Timer | undefined;
  #closed = false;
  /** Set by the socket's `pong`; cleared by each ping. */
  alive = true;

  constructor(options: {
    socket: WebSocket;
    context: UserExecutionContext;
    router: MessageRouter;
    log: EventLog;
    clock: Clock;
    limits: ConnectionLimits;
    metrics: ServerMetrics;
    logger: Logger;
    expiresAt: number;
    /** The TCP socket under `socket` (from the upgrade): corked per turn so that turn's frames leave in one write. */
    transport?: Pick<Duplex, 'cork' | 'uncork'>;
  }) {
    this.#socket = options.socket;
    this.#transport = options.transport;
    this.context = options.context;
    this.id = options.context.connectionId as ConnectionId;
    this.#router = options.router;
    this.#clock = options.clock;
    this.#limits = options.limits;
    this.#metrics = options.metrics;
    this.#logger = options.logger;
    this.#bucket = new TokenBucket(options.limits.rateLimitPerSecond, options.limits.rateBurst, options.clock.now());
    this.stream = new EventStream(options.context.userId, options.log, {
      send: (frame) => this.send(frame),
      ready: () => this.#drained(),
    });
    this.#socket.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    this.#socket.on('pong', () => {
      this.alive = true;
    });
    this.#expiresAt = options.expiresAt;
    this.#armExpiry();
  }

  readonly #expiresAt: number;

  /** Timers take at most 2^31 - 1 ms (24.8 days); a longer-lived token re-arms until it really expires. */
  #armExpiry(): void {
    const ttl = this.#expiresAt - this.#clock.now();
    this.#expiry = this.#clock.setTimeout(() => this.#expire(), Math.max(0, Math.min(ttl, 2 ** 31 - 1)));
  }

  get userId(): string {
    return this.context.userId;
  }

  get isOpen(): boolean {
    return !this.#closed && this.#socket.readyState === this.#socket.OPEN;
  }

  /**
   * Queues one frame on the socket (ws keeps frames in order). A client whose send buffer passes the cap is closed
   * with 1013 instead of growing memory; it resumes from its last seq. Returns `false` when the frame was not sent.
   */
  send(frame: RunEvent | ReplyFrame | ConnectionEstablishedFrame): boolean {
    if (!this.isOpen) return false;
    if (this.#socket.bufferedAmount > this.#limits.maxBufferedBytes) {
      this.close(CLOSE.overloaded, 'Send buffer full; reconnect and resume from your last seq');
      return false;
    }
    if (!this.#corked && this.#transport !== undefined) {
      // ws writes every frame with its own syscall. Frames sent before the next process.nextTick round (the rest of this
      // callback, or of this batch of promise jobs when sent from one) are held and then leave in one writev; order
      // is unchanged. In the gateway bench a run's 8 frames leave in about 5 writes (its pauses split the rest).
      this.#corked = true;
      this.#transport.cork();
      process.nextTick(this.#uncork);
    }
    this.#socket.send(serialized(frame));
    this.#metrics.framesSent.inc(frame.type);
    return true;
  }

  readonly #uncork = (): void => {
    this.#corked = false;
    this.#transport?.uncork();
  };

  /** Closes the socket once (idempotent). */
  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#expiry?.cancel();
    this.stream.close();
    try {
      this.#socket.close(code, reason.slice(0, 120));
    } catch {
      this.#socket.terminate();
    }
  }

  /** Drops the socket without a close handshake (dead peer). */
  terminate(): void {
    this.#closed = true;
    this.#expiry?.cancel();
    this.stream.close();
    this.#socket.terminate();
  }

  /** Pings the peer; returns `false` (and terminates) when the previous ping got no pong. */
  ping(): boolean {
    if (!this.alive) {
      this.terminate();
      return false;
    }
    this.alive = false;
    try {
      this.#socket.ping();
    } catch {
      this.terminate();
      return false;
    }
    return true;
  }

  /** Called when the socket has closed, from whichever side. */
  markClosed(): void {
    this.#closed = true;
    this.#expiry?.cancel();
    this.stream.close();
  }

  #expire(): void {
    if (this.#clock.now() < this.#expiresAt) {
      this.#armExpiry();
      return;
    }
    this.send({ type: 'error', code: 'unauthenticated', message: 'Your token has expired; reconnect with a new one' });
    this.close(CLOSE.policy, 'Token expired');
  }

  async #drained(): Promise<void> {
    while (this.isOpen && this.#socket.bufferedAmount > this.#limits.maxBufferedBytes / 2) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  #onMessage(data: unknown, isBinary: boolean): void {
    if (this.#closed) return;
    const now = this.#clock.now();
    const wait = this.#bucket.take(now);
    if (wait > 0) {
      this.#metrics.rateLimited.inc();
      this.#reply(toErrorFrame(new RateLimitedError(wait), isBinary ? undefined : requestIdOf(textOf(data))), now);
      return;
    }
    if (isBinary) {
      this.#reply(
        toErrorFrame(new RunwireError('bad_request', 'Binary frames are not accepted; send JSON text frames')),
        now,
      );
      return;
    }
    const text = textOf(data);
    this.#router.dispatch(text, { context: this.context, session: this.#session }).then(
      (reply) => {
        if (reply !== undefined) this.#reply(reply, this.#clock.now());
      },
      (error: unknown) => {
        this.#logger.error({ err: error, connectionId: this.id }, 'frame dispatch failed');
        this.#reply(toErrorFrame(error), this.#clock.now());
      },
    );
  }

  readonly #session = {
    resume: (after: number, requestId: string | undefined): Promise<void> => this.stream.resume(after, requestId),
  };

  #reply(frame: ReplyFrame, now: number): void {
    this.send(frame);
    if (frame.type === 'error' && BAD_FRAME_CODES.has(frame.code)) this.#countBadFrame(now);
  }

  #countBadFrame(now: number): void {
    const since = now - this.#limits.abuseWindowMs;
    this.#badFrames = this.#badFrames.filter((t) => t > since);
    this.#badFrames.push(now);
    if (this.#badFrames.length >= this.#limits.abuseThreshold) {
      this.#logger.warn({ connectionId: this.id, userId: this.userId }, 'closing abusive connection');
      this.close(CLOSE.policy, 'Too many bad frames');
    }
  }
}

/** The text of a `ws` message (a Buffer, or fragments). */
function textOf(data: unknown): string {
  // ws hands over a Buffer (binaryType 'nodebuffer'); decode it in place rather than copying it first.
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** The request id of a frame refused before routing, so that its error still carries it (docs/protocol.md §2). */
function requestIdOf(text: string): string | undefined {
  try {
    const id = (JSON.parse(text) as { id?: unknown } | null)?.id;
    return typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : undefined;
  } catch {
    return undefined;
  }
}
