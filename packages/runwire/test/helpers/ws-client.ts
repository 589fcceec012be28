import { request } from 'node:http';
import WebSocket from 'ws';

/** Any frame the server sends, loosely typed for assertions. */
export type Frame = { type: string; [key: string]: unknown };

/**
 * A real WebSocket test client that records every frame and can wait for conditions. Every wait has a timeout, so a
 * test never hangs.
 */
export class TestClient {
  readonly frames: Frame[] = [];
  readonly socket: WebSocket;
  closeCode: number | undefined;
  closeReason = '';
  /** Headers of the server's `101 Switching Protocols` answer. */
  upgradeHeaders: Record<string, string | string[] | undefined> = {};
  readonly closed: Promise<number>;
  readonly #waiters = new Set<() => void>();
  #nextId = 1;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.once('upgrade', (res) => {
      this.upgradeHeaders = res.headers;
    });
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      for (const w of [...this.#waiters]) w();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        for (const w of [...this.#waiters]) w();
        resolve(code);
      });
    });
  }

  /**
   * Connects with `Authorization: Bearer <token>` (or the subprotocols when `via: 'subprotocol'`) and waits for
   * `connection_established`.
   */
  static async connect(
    wsUrl: string,
    token: string | undefined,
    options: { after?: number; via?: 'header' | 'subprotocol'; headers?: Record<string, string> } = {},
  ): Promise<TestClient> {
    const url = options.after === undefined ? wsUrl : `${wsUrl}?after=${options.after}`;
    const headers: Record<string, string> = { ...options.headers };
    let protocols: string[] | undefined;
    if (token !== undefined && options.via === 'subprotocol') protocols = ['runwire.v1', `bearer.${token}`];
    else if (token !== undefined) headers.authorization = `Bearer ${token}`;
    // A server that accepts the TCP connection but never answers the upgrade fails the test instead of hanging it.
    const socket = new WebSocket(url, protocols, { headers, perMessageDeflate: false, handshakeTimeout: 10_000 });
    const client = new TestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new UpgradeRefused(res.statusCode ?? 0)));
    });
    await client.waitFor((f) => f.type === 'connection_established');
    return client;
  }

  /** Sends a frame with a fresh `id` (unless it has one) and returns the id. */
  send(frame: Record<string, unknown>): string {
    const id = typeof frame.id === 'string' ? frame.id : `r${this.#nextId++}`;
    this.socket.send(JSON.stringify({ id, ...frame }));
    return id;
  }

  /** Sends raw text (for malformed-frame tests). */
  sendRaw(text: string | Buffer, binary = false): void {
    this.socket.send(text, { binary });
  }

  /** Sends a request and waits for the direct reply carrying its id. */
  async request(frame: Record<string, unknown>, timeoutMs = 5000): Promise<Frame> {
    const id = this.send(frame);
    return this.waitFor((f) => f.id === id && f.type !== 'resumed', timeoutMs);
  }

  /** Run events received so far (frames with a seq). */
  events(runId?: string): Frame[] {
    return this.frames.filter((f) => typeof f.seq === 'number' && (runId === undefined || f.runId === runId));
  }

  /** Waits for a frame matching `predicate` (already received or future). */
  waitFor(predicate: (frame: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    return this.waitUntil(() => this.frames.find(predicate), timeoutMs, 'a matching frame');
  }

  /** Waits until `probe` returns a value other than `undefined`/`false`. */
  waitUntil<T>(probe: () => T | undefined | false, timeoutMs = 5000, what = 'a condition'): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const value = probe();
        if (value !== undefined && value !== false) {
          done();
          resolve(value);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; last frames: ${JSON.stringify(this.frames.slice(-5))}`,
          ),
        );
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      const waiter = (): void => {
        check();
      };
      if (!check()) this.#waiters.add(waiter);
    });
  }

  /** Waits for the terminal event of a run. */
  waitForTerminal(runId: string, timeoutMs = 10_000): Promise<Frame> {
    return this.waitFor(
      (f) =>
        f.runId === runId && (f.type === 'agent_completed' || f.type === 'agent_error' || f.type === 'agent_cancelled'),
      timeoutMs,
    );
  }

  /** Waits for the socket to close; resolves with the code. */
  waitForClose(timeoutMs = 5000): Promise<number> {
    return this.waitUntil(() => this.closeCode, timeoutMs, 'the socket to close');
  }

  close(): Promise<number> {
    if (this.closeCode === undefined) this.socket.close(1000);
    return this.closed;
  }

  /** Drops the TCP connection without a close handshake (a client that vanishes). */
  drop(): void {
    this.socket.terminate();
  }
}

/** The server refused the upgrade with an HTTP status. */
export class UpgradeRefused extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`upgrade refused with HTTP ${status}`);
    this.status = status;
  }
}

/** Tries an upgrade and resolves with the HTTP status it was refused with, or 101 when it opened. */
export async function upgradeStatus(
  url: string,
  options: { headers?: Record<string, string>; protocols?: string[] } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols, { headers: options.headers ?? {} });
    socket.once('open', () => {
      socket.terminate();
      resolve(101);
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', (error) => {
      if (!(error instanceof Error && /Unexpected server response/.test(error.message))) reject(error);
    });
  });
}

/** Sends a WebSocket upgrade request and resolves with the HTTP answer of a refusal (or 101). */
export function upgradeAnswer(
  wsUrl: string,
  headers: Record<string, string>,
): Promise<{ status: number; retryAfter: string | undefined; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(wsUrl.replace(/^ws/, 'http'), {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': Buffer.from('0123456789abcdef').toString('base64'),
        ...headers,
      },
    });
    req.once('upgrade', (_res, socket) => {
      socket.destroy();
      resolve({ status: 101, retryAfter: undefined, body: undefined });
    });
    req.once('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      res.once('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: res.headers['retry-after'] as string | undefined,
          body: JSON.parse(text),
        }),
      );
    });
    req.once('error', reject);
    req.end();
  });
}
