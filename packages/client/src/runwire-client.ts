import { type BackoffOptions, backoffDelay } from './backoff.js';
import { ClientRun } from './client-run.js';
import { ConnectionError, RequestError } from './errors.js';
import {
  type ClientFrame,
  type ConnectionEstablishedFrame,
  isRunEvent,
  type ListRunsQuery,
  type Reply,
  type ResyncRequiredFrame,
  type RunEvent,
  type RunSnapshotFrame,
  type RunsFrame,
  type ServerFrame,
  type ThreadFrame,
  type ThreadsFrame,
} from './protocol.js';

/**
 * The connection's state, as `status` events report it:
 * - `connecting`: the first connection is being opened;
 * - `open`: connected and authenticated (`connection_established` arrived);
 * - `reconnecting`: the connection dropped and the client is trying again (requests wait);
 * - `closed`: not connected, and not trying (before `connect()`, or after `close()`).
 */
export type ClientStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The WebSocket constructor the client uses: the global one of browsers and Node 22+, or any compatible one. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

export interface RunwireClientOptions {
  /** The server's WebSocket endpoint, e.g. `wss://runwire.example.com/ws`. */
  url: string;
  /** A JWT, or a function that returns a fresh one: it is called again before every reconnect. */
  token: string | (() => string | Promise<string>);
  /**
   * Resume after this seq on the first connection (e.g. the last seq an earlier page load handed out); without it
   * the client starts with the live stream. @default undefined
   */
  resumeAfter?: number;
  /** Reconnect delays. @default { initialMs: 250, maxMs: 10000 } */
  backoff?: BackoffOptions;
  /** How long a sent request may wait for its reply before it rejects with `ConnectionError('timeout')`. @default 30000 */
  requestTimeoutMs?: number;
  /** How long opening a connection (up to `connection_established`) may take before it is retried. @default 10000 */
  connectTimeoutMs?: number;
  /**
   * Silence after which the client probes the connection with a `ping`; after twice this with no frame at all it
   * takes the connection for dead (a half-open TCP connection, a sleeping laptop) and reconnects.
   * @default the server's `heartbeatMs` (from `connection_established`)
   */
  livenessMs?: number;
  /** @default globalThis.WebSocket */
  WebSocket?: WebSocketConstructor;
}

/** What `on()` can listen to. */
export interface ClientEventMap {
  /** Every run event of this user, in seq order, each once (also those of runs other tabs or devices started). */
  event: RunEvent;
  status: ClientStatus;
  /**
   * The server could not resume where the client stopped (its log no longer holds those events, or lost them): the
   * app should reload its state (`listRuns`, `getThread`). The client goes on after `lastSeq`, and settles its open
   * runs from their snapshots.
   */
  resync: ResyncRequiredFrame;
  /** A problem that is not the answer to a request: a failed token function, an `error` frame without `id`. */
  error: Error;
}

interface Pending {
  readonly frame: ClientFrame & { id: string };
  /** Safe to send again after a reconnect (reads, `stop_agent`); otherwise it fails with `connection_lost`. */
  readonly repeatable: boolean;
  /** Runs synchronously when the reply arrives, so a run exists before the next frame is handled. */
  readonly settle: (reply: Reply) => void;
  readonly fail: (error: Error) => void;
  sent: boolean;
  /** Times the server answered `rate_limited` and the request was sent again. */
  retries: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** How often a request refused with `rate_limited` is sent again (after the server's `retryAfterMs`) before it fails. */
const MAX_RATE_LIMIT_RETRIES = 5;

const TYPE_OF_REPLY = {
  user_message: 'ack',
  start_agent: 'ack',
  stop_agent: 'ack',
  get_run: 'run',
  list_runs: 'runs',
  list_threads: 'threads',
  get_thread: 'thread',
  ping: 'pong',
} as const;
type RequestType = keyof typeof TYPE_OF_REPLY;
type ReplyOf<T extends RequestType> = Extract<Reply, { type: (typeof TYPE_OF_REPLY)[T] }>;

/**
 * A Runwire client for browsers and Node 22+ (the global `WebSocket`). It connects on `connect()` or on its first
 * request, reconnects by itself with jittered exponential backoff, and resumes after the last seq it handed out, so
 * the app sees every run event once and in order across any number of drops.
 *
 * @example
 * const client = new RunwireClient({ url: 'wss://host/ws', token: () => getToken() });
 * const run = await client.sendMessage('hello');
 * for await (const event of run.events) console.log(event.type);
 * console.log(await run.result);
 */
export class RunwireClient {
  readonly #options: RunwireClientOptions;
  readonly #WebSocket: WebSocketConstructor;
  readonly #listeners: { [K in keyof ClientEventMap]: Set<(value: ClientEventMap[K]) => void> } = {
    event: new Set(),
    status: new Set(),
    resync: new Set(),
    error: new Set(),
  };
  readonly #pending = new Map<string, Pending>();
  readonly #runs = new Map<string, ClientRun>();
  /** Events of runs whose start was sent but not yet acknowledged, by run id. */
  readonly #early = new Map<string, RunEvent[]>();
  #startsInFlight = 0;
  #status: ClientStatus = 'closed';
  #socket: WebSocket | undefined;
  #lastSeq: number | undefined;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #nextId = 1;
  #closed = false;
  /** When the current socket last delivered a frame (ms since epoch). */
  #lastHeard = 0;
  #liveness: ReturnType<typeof setInterval> | undefined;

  constructor(options: RunwireClientOptions) {
    const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (Ctor === undefined) throw new TypeError('No WebSocket: use Node 22+ or a browser, or pass options.WebSocket');
    this.#options = options;
    this.#WebSocket = Ctor;
    this.#lastSeq = options.resumeAfter;
  }

  /** The connection's state. */
  get status(): ClientStatus {
    return this.#status;
  }

  /** The seq of the last run event handed to the app (`undefined` before the first connection). */
  get lastSeq(): number | undefined {
    return this.#lastSeq;
  }

  /** Listens to `event`, `status`, `resync` or `error`; returns a function that stops listening. */
  on<K extends keyof ClientEventMap>(name: K, listener: (value: ClientEventMap[K]) => void): () => void {
    this.#listeners[name].add(listener);
    return () => this.off(name, listener);
  }

  off<K extends keyof ClientEventMap>(name: K, listener: (value: ClientEventMap[K]) => void): void {
    this.#listeners[name].delete(listener);
  }

  /** Opens the connection (if not open or opening); resolves once it is open. */
  connect(): Promise<void> {
    if (this.#closed) return Promise.reject(new ConnectionError('closed', 'The client was closed'));
    if (this.#status === 'closed') {
      this.#setStatus('connecting');
      void this.#open();
    }
    if (this.#status === 'open') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const stop = this.on('status', (status) => {
        if (status === 'open') {
          stop();
          resolve();
        } else if (status === 'closed') {
          stop();
          reject(new ConnectionError('closed', 'The client was closed'));
        }
      });
    });
  }

  /** Sends a message to an agent (default: the server's); resolves with the run after the server's ack. */
  sendMessage(content: string, options: { threadId?: string; agent?: string } = {}): Promise<ClientRun> {
    return this.#start({ type: 'user_message', content, ...options });
  }

  /** Starts `agent` with `input` (JSON the agent defines); resolves with the run after the server's ack. */
  startAgent(agent: string, input: unknown, options: { threadId?: string } = {}): Promise<ClientRun> {
    return this.#start({ type: 'start_agent', agent, input: input as never, ...options });
  }

  /** Stops a run (idempotent); resolves with its status when the server acknowledged. */
  async stopRun(runId: string): Promise<{ runId: string; status: RunSnapshotFrame['status'] | undefined }> {
    const ack = await this.#request({ type: 'stop_agent', runId }, true);
    return { runId, status: ack.status };
  }

  /** The snapshot of one of the user's runs; rejects with `RequestError('not_found')` for any other id. */
  async getRun(runId: string): Promise<RunSnapshotFrame> {
    return (await this.#request({ type: 'get_run', runId }, true)).run;
  }

  /** A page of the user's runs, newest first: `{runs, next?}` (pass `next` as `before` for the next page). */
  async listRuns(query: ListRunsQuery = {}): Promise<Pick<RunsFrame, 'runs' | 'next'>> {
    const { runs, next } = await this.#request({ type: 'list_runs', ...query }, true);
    return next === undefined ? { runs } : { runs, next };
  }

  /** A page of the user's threads: `{threads, next?}`. */
  async listThreads(query: { limit?: number; before?: string } = {}): Promise<Pick<ThreadsFrame, 'threads' | 'next'>> {
    const { threads, next } = await this.#request({ type: 'list_threads', ...query }, true);
    return next === undefined ? { threads } : { threads, next };
  }

  /**
   * A page of a thread's messages, oldest first: `{threadId, messages, next?}` (pass `next` as `after` for the next
   * page); rejects with `RequestError('not_found')` for a missing or foreign thread.
   */
  async getThread(
    threadId: string,
    page: { limit?: number; after?: string } = {},
  ): Promise<Pick<ThreadFrame, 'threadId' | 'messages' | 'next'>> {
    const { messages, next } = await this.#request({ type: 'get_thread', threadId, ...page }, true);
    return next === undefined ? { threadId, messages } : { threadId, messages, next };
  }

  /** Round trip to the server. */
  async ping(): Promise<string> {
    return (await this.#request({ type: 'ping' }, true)).ts;
  }

  /**
   * Closes the connection for good: waiting requests reject with `ConnectionError('closed')`, unfinished runs' `result`
   * rejects and their `events` throw the same error. The runs themselves go on on the server. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#liveness);
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket !== undefined) this.#detach(socket, 1000);
    const error = new ConnectionError('closed', 'The client was closed');
    for (const pending of [...this.#pending.values()]) pending.fail(error);
    for (const run of this.#runs.values()) run.fail(error);
    this.#runs.clear();
    this.#setStatus('closed');
  }

  async #start(frame: ClientFrame & { type: 'user_message' | 'start_agent' }): Promise<ClientRun> {
    this.#startsInFlight++;
    try {
      let run: ClientRun | undefined;
      await this.#request(frame, false, (ack) => {
        if (ack.type !== 'ack' || ack.runId === undefined || ack.threadId === undefined) return;
        run = new ClientRun(ack.runId, ack.threadId, { stop: (runId) => this.stopRun(runId) });
        this.#runs.set(ack.runId, run);
        for (const event of this.#early.get(ack.runId) ?? []) this.#deliverToRun(run, event);
        this.#early.delete(ack.runId);
      });
      if (run === undefined) throw new ConnectionError('connection_lost', 'The server acknowledged no run');
      return run;
    } finally {
      if (--this.#startsInFlight === 0) this.#early.clear();
    }
  }

  #request<T extends RequestType>(
    frame: Extract<ClientFrame, { type: T }>,
    repeatable: boolean,
    onReply?: (reply: ReplyOf<T>) => void,
  ): Promise<ReplyOf<T>> {
    if (this.#closed) return Promise.reject(new ConnectionError('closed', 'The client was closed'));
    const id = `c${this.#nextId++}`;
    const type = (frame as ClientFrame).type as T;
    const expected = TYPE_OF_REPLY[type];
    return new Promise<ReplyOf<T>>((resolve, reject) => {
      const pending: Pending = {
        frame: { ...frame, id },
        repeatable,
        sent: false,
        timer: undefined,
        retries: 0,
        settle: (reply) => {
          // A rate-limited frame was refused unread, so sending it again is safe, even a start: wait as told.
          if (reply.type === 'error' && reply.code === 'rate_limited' && pending.retries < MAX_RATE_LIMIT_RETRIES) {
            pending.retries++;
            clearTimeout(pending.timer);
            pending.sent = false;
            // Doubling, jittered waits: requests refused together must not all come back together.
            const base = Number(reply.details?.retryAfterMs ?? 100);
            const wait = base * 2 ** (pending.retries - 1) * (1 + Math.random());
            setTimeout(() => {
              if (this.#pending.get(id) === pending && !pending.sent && this.#status === 'open')
                this.#transmit(pending);
            }, wait);
            return;
          }
          this.#forget(id);
          if (reply.type === 'error') reject(new RequestError(reply));
          else if (reply.type !== expected)
            reject(new ConnectionError('connection_lost', `Unexpected reply '${reply.type}' to '${type}'`));
          else {
            onReply?.(reply as ReplyOf<T>);
            resolve(reply as ReplyOf<T>);
          }
        },
        fail: (error) => {
          this.#forget(id);
          reject(error);
        },
      };
      this.#pending.set(id, pending);
      if (this.#status === 'open') this.#transmit(pending);
      else if (this.#status === 'closed') void this.connect().catch(() => {});
    });
  }

  #forget(id: string): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    this.#pending.delete(id);
  }

  #transmit(pending: Pending): void {
    const socket = this.#socket;
    if (socket === undefined || socket.readyState !== 1) return;
    socket.send(JSON.stringify(pending.frame));
    pending.sent = true;
    const timeoutMs = this.#options.requestTimeoutMs ?? 30_000;
    pending.timer = setTimeout(
      () => pending.fail(new ConnectionError('timeout', `No reply to '${pending.frame.type}' within ${timeoutMs} ms`)),
      timeoutMs,
    );
  }

  async #open(): Promise<void> {
    let token: string;
    try {
      token = typeof this.#options.token === 'function' ? await this.#options.token() : this.#options.token;
    } catch (error) {
      this.#emit('error', error instanceof Error ? error : new Error(String(error)));
      this.#retry();
      return;
    }
    if (this.#closed) return;
    let url = this.#options.url;
    if (this.#lastSeq !== undefined) {
      const parsed = new URL(url);
      parsed.searchParams.set('after', String(this.#lastSeq));
      url = parsed.toString();
    }
    let socket: WebSocket;
    try {
      socket = new this.#WebSocket(url, ['runwire.v1', `bearer.${token}`]);
    } catch (error) {
      this.#emit('error', error instanceof Error ? error : new Error(String(error)));
      this.#retry();
      return;
    }
    this.#socket = socket;
    const connectTimer = setTimeout(() => {
      if (this.#socket === socket && this.#status !== 'open') this.#dropped(socket);
    }, this.#options.connectTimeoutMs ?? 10_000);
    socket.onmessage = (message: MessageEvent) => {
      if (this.#socket !== socket) return;
      this.#lastHeard = Date.now();
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(message.data)) as ServerFrame;
      } catch {
        this.#emit('error', new Error('The server sent a frame that is not JSON'));
        return;
      }
      if (frame.type === 'connection_established') clearTimeout(connectTimer);
      this.#handle(frame);
    };
    socket.onclose = () => {
      clearTimeout(connectTimer);
      if (this.#socket === socket) this.#dropped(socket);
    };
    socket.onerror = () => {
      // A `close` event always follows; the reconnect happens there.
    };
  }

  #handle(frame: ServerFrame): void {
    if (isRunEvent(frame)) {
      this.#deliver(frame);
      return;
    }
    switch (frame.type) {
      case 'connection_established':
        this.#established(frame);
        return;
      case 'resync_required':
        this.#resync(frame);
        return;
      case 'resumed':
        return;
      default: {
        const pending = frame.id === undefined ? undefined : this.#pending.get(frame.id);
        if (pending !== undefined) pending.settle(frame);
        else if (frame.type === 'error') this.#emit('error', new RequestError(frame));
      }
    }
  }

  #established(frame: ConnectionEstablishedFrame): void {
    this.#attempt = 0;
    // The first connection without a position starts with the live stream: everything after the log's end.
    this.#lastSeq ??= frame.lastSeq;
    this.#watch(this.#options.livenessMs ?? frame.heartbeatMs);
    this.#setStatus('open');
    for (const pending of [...this.#pending.values()]) if (!pending.sent) this.#transmit(pending);
  }

  #deliver(event: RunEvent): void {
    if (this.#lastSeq !== undefined && event.seq <= this.#lastSeq) return;
    this.#lastSeq = event.seq;
    this.#emit('event', event);
    const run = this.#runs.get(event.runId);
    if (run !== undefined) this.#deliverToRun(run, event);
    else if (this.#startsInFlight > 0) {
      const early = this.#early.get(event.runId);
      if (early === undefined) this.#early.set(event.runId, [event]);
      else early.push(event);
    }
  }

  #deliverToRun(run: ClientRun, event: RunEvent): void {
    run.push(event);
    if (run.ended) this.#runs.delete(run.runId);
  }

  #resync(frame: ResyncRequiredFrame): void {
    this.#lastSeq = frame.lastSeq;
    this.#emit('resync', frame);
    // Events of open runs may be gone for good: settle each from its snapshot if it has ended meanwhile.
    for (const run of [...this.#runs.values()]) {
      this.getRun(run.runId).then(
        (snapshot) => {
          run.settleFrom(snapshot);
          if (run.ended) this.#runs.delete(run.runId);
        },
        () => {},
      );
    }
  }

  /** Probes a silent connection with `ping`, and drops it when even that gets no frame back. */
  #watch(silenceMs: number): void {
    clearInterval(this.#liveness);
    const socket = this.#socket;
    this.#liveness = setInterval(
      () => {
        if (socket === undefined || this.#socket !== socket) return;
        const silent = Date.now() - this.#lastHeard;
        if (silent >= 2 * silenceMs) this.#dropped(socket);
        else if (silent >= silenceMs && socket.readyState === 1)
          socket.send(JSON.stringify({ type: 'ping', id: `live${this.#nextId++}` }));
      },
      Math.max(10, Math.floor(silenceMs / 2)),
    );
  }

  /** The current socket is gone (or hopeless): settle what waited on it and try again. */
  #dropped(socket: WebSocket): void {
    clearInterval(this.#liveness);
    this.#socket = undefined;
    this.#detach(socket, 4000);
    for (const pending of [...this.#pending.values()]) {
      if (!pending.sent) continue;
      if (pending.repeatable) {
        clearTimeout(pending.timer);
        pending.sent = false;
      } else {
        pending.fail(
          new ConnectionError(
            'connection_lost',
            `The connection dropped before the reply to '${pending.frame.type}'; whether the server acted on it is unknown`,
          ),
        );
      }
    }
    if (!this.#closed) this.#retry();
  }

  #retry(): void {
    if (this.#closed) return;
    this.#setStatus(this.#status === 'connecting' ? 'connecting' : 'reconnecting');
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#open(), backoffDelay(this.#attempt++, this.#options.backoff));
  }

  #detach(socket: WebSocket, code: number): void {
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = null;
    if (socket.readyState === 0 || socket.readyState === 1) {
      try {
        socket.close(code);
      } catch {
        // Closing a socket that is already failing: nothing else to do.
      }
    }
  }

  #setStatus(status: ClientStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#emit('status', status);
  }

  #emit<K extends keyof ClientEventMap>(name: K, value: ClientEventMap[K]): void {
    for (const listener of [...this.#listeners[name]]) listener(value);
  }
}
