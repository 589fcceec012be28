import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A stand-in for an OpenAI-compatible model server (a real model cannot run in the tests): a real `node:http` server
 * on 127.0.0.1 that answers `POST …/chat/completions` with scripted replies, one per request in order, and keeps a
 * journal of every request. Presets reproduce how real servers differ in their streams (OpenAI, Ollama, vLLM,
 * llama.cpp, LM Studio).
 */

/** One step of a scripted SSE stream. */
export type SseStep =
  /** A `data:` line with this JSON (or raw text when a string). */
  | { readonly data: unknown; readonly delayMs?: number }
  /** Silence for `ms` (the connection stays open). */
  | { readonly pauseMs: number };

/** What the server does with one request. */
export type FakeReply =
  /** 200 `text/event-stream` with these steps; then `data: [DONE]` unless `done: false`; `cut` destroys the socket. */
  | {
      readonly kind: 'sse';
      readonly steps: readonly SseStep[];
      readonly done?: boolean;
      readonly end?: 'close' | 'cut' | 'hang';
    }
  /** An HTTP error (or any non-stream answer): JSON when `body` is an object, plain text when a string. */
  | {
      readonly kind: 'http';
      readonly status: number;
      readonly body: unknown;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** Accept the request and never answer (`headers: true`: send 200 SSE headers first, then nothing). */
  | { readonly kind: 'hang'; readonly headers?: boolean };

/** One request as the server saw it. */
export interface JournalEntry {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body parsed as JSON (`undefined` when it is not JSON). */
  readonly body: ChatRequestBody | undefined;
  readonly receivedAt: number;
  /** The client closed the connection before the server finished its answer. */
  clientWentAway: boolean;
  /** When the client went away (ms since the epoch). */
  wentAwayAt: number | undefined;
  /** The server finished its answer (wrote `[DONE]` or the error body). */
  answered: boolean;
}

/** The parts of a Chat Completions request the tests look at. */
export interface ChatRequestBody {
  readonly model?: string;
  readonly stream?: boolean;
  readonly messages?: ReadonlyArray<{
    role: string;
    content?: unknown;
    tool_calls?: ReadonlyArray<{ id: string; function: { name: string; arguments: string } }>;
    tool_call_id?: string;
  }>;
  readonly tools?: ReadonlyArray<{
    type: string;
    function: { name: string; description?: string; parameters?: unknown };
  }>;
  readonly [key: string]: unknown;
}

export class FakeOpenAIServer {
  readonly journal: JournalEntry[] = [];
  readonly #server: Server;
  readonly #queue: FakeReply[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #waiters = new Set<() => void>();
  #fallback: FakeReply | undefined;

  private constructor(server: Server) {
    this.#server = server;
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    server.on('request', (req, res) => void this.#handle(req, res));
  }

  /** Starts on a random loopback port. */
  static async start(): Promise<FakeOpenAIServer> {
    const server = createServer();
    const fake = new FakeOpenAIServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** A loopback URL where nothing listens (for `llm_unreachable`): a port bound, then released. */
  static async refusedUrl(): Promise<string> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return `http://127.0.0.1:${port}/v1`;
  }

  /** The base URL with `/v1`, as OpenAI's SDKs expect it. */
  get baseUrl(): string {
    return `${this.origin}/v1`;
  }

  get origin(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Queues replies for the next requests, in order. */
  enqueue(...replies: FakeReply[]): this {
    this.#queue.push(...replies);
    return this;
  }

  /** The reply for every request once the queue is empty (default: a 500 saying the test scripted too few). */
  always(reply: FakeReply | undefined): this {
    this.#fallback = reply;
    return this;
  }

  /** Replies still queued. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Forgets the queue and the journal (between tests). */
  reset(): void {
    this.#queue.length = 0;
    this.journal.length = 0;
    this.#fallback = undefined;
  }

  /** Waits until `predicate` holds over the journal. */
  async waitFor(predicate: (journal: readonly JournalEntry[]) => boolean, timeoutMs = 5000): Promise<void> {
    if (predicate(this.journal)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`fake OpenAI server: condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = (): void => {
        if (!predicate(this.journal)) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: ChatRequestBody | undefined;
    try {
      body = JSON.parse(text) as ChatRequestBody;
    } catch {
      body = undefined;
    }
    const entry: JournalEntry = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: { ...req.headers },
      body,
      receivedAt: Date.now(),
      clientWentAway: false,
      wentAwayAt: undefined,
      answered: false,
    };
    this.journal.push(entry);
    res.on('close', () => {
      if (!entry.answered) {
        entry.clientWentAway = true;
        entry.wentAwayAt = Date.now();
      }
      this.#notify();
    });
    this.#notify();
    const reply = this.#queue.shift() ??
      this.#fallback ?? {
        kind: 'http',
        status: 500,
        body: { error: { message: `fake OpenAI server: no reply scripted for request ${this.journal.length}` } },
      };
    await this.#answer(reply, res, entry);
  }

  async #answer(reply: FakeReply, res: ServerResponse, entry: JournalEntry): Promise<void> {
    switch (reply.kind) {
      case 'http': {
        const isText = typeof reply.body === 'string';
        res.writeHead(reply.status, {
          'content-type': isText ? 'text/plain' : 'application/json',
          ...reply.headers,
        });
        entry.answered = true;
        res.end(isText ? (reply.body as string) : JSON.stringify(reply.body));
        return;
      }
      case 'hang':
        if (reply.headers === true) {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
          res.flushHeaders();
        }
        return;
      case 'sse': {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.flushHeaders();
        for (const step of reply.steps) {
          if (res.destroyed) return;
          if ('pauseMs' in step) {
            await delay(step.pauseMs);
            continue;
          }
          if (step.delayMs !== undefined) await delay(step.delayMs);
          if (res.destroyed) return;
          res.write(`data: ${typeof step.data === 'string' ? step.data : JSON.stringify(step.data)}\n\n`);
        }
        if (res.destroyed) return;
        const end = reply.end ?? 'close';
        if (end === 'cut') {
          // The stream stops without its end: the connection is torn down mid-answer.
          entry.answered = true;
          res.socket?.destroy();
          return;
        }
        if (end === 'hang') return;
        if (reply.done !== false) res.write('data: [DONE]\n\n');
        entry.answered = true;
        res.end();
        return;
      }
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- Chunks and presets ----

/** A scripted tool call. `id` undefined: the server sends none (vLLM). */
export interface ScriptedToolCall {
  readonly id?: string;
  readonly name: string;
  readonly arguments: Record<string, unknown>;
}

export interface ScriptedUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

const CREATED = 1_760_000_000;

/** A `chat.completion.chunk` with one choice. */
export function chunk(
  delta: Record<string, unknown>,
  options: { finishReason?: string | null; id?: string; model?: string } = {},
): Record<string, unknown> {
  return {
    id: options.id ?? 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: CREATED,
    model: options.model ?? 'fake-model',
    choices: [{ index: 0, delta, finish_reason: options.finishReason ?? null }],
  };
}

/** The usage chunk OpenAI sends last with `stream_options.include_usage` (no choices). */
export function usageChunk(usage: ScriptedUsage): Record<string, unknown> {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: CREATED,
    model: 'fake-model',
    choices: [],
    usage: {
      prompt_tokens: usage.promptTokens,
      completion_tokens: usage.completionTokens,
      total_tokens: usage.promptTokens + usage.completionTokens,
    },
  };
}

function steps(datas: readonly unknown[], delayMs?: number): SseStep[] {
  return datas.map((data) => (delayMs === undefined ? { data } : { data, delayMs }));
}

/** Options every preset reply takes. */
export interface PresetOptions {
  readonly usage?: ScriptedUsage;
  /** Pause before each chunk. */
  readonly delayMs?: number;
}

/** Text answered in these deltas, then `finish_reason: stop` (and usage when given). */
function textChunks(deltas: readonly string[], usage?: ScriptedUsage): unknown[] {
  const out: unknown[] = [chunk({ role: 'assistant', content: '' })];
  for (const d of deltas) out.push(chunk({ content: d }));
  out.push(chunk({}, { finishReason: 'stop' }));
  if (usage !== undefined) out.push(usageChunk(usage));
  return out;
}

/** OpenAI: id, type and name first, then the arguments in fragments; calls by index; a usage chunk last. */
function openaiToolChunks(calls: readonly ScriptedToolCall[], usage?: ScriptedUsage): unknown[] {
  const out: unknown[] = [chunk({ role: 'assistant', content: null })];
  calls.forEach((call, index) => {
    out.push(
      chunk({
        tool_calls: [
          { index, id: call.id ?? `call_${index}`, type: 'function', function: { name: call.name, arguments: '' } },
        ],
      }),
    );
    const args = JSON.stringify(call.arguments);
    const cut = Math.max(1, Math.floor(args.length / 2));
    for (const fragment of [args.slice(0, cut), args.slice(cut)]) {
      if (fragment.length > 0) out.push(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }));
    }
  });
  out.push(chunk({}, { finishReason: 'tool_calls' }));
  if (usage !== undefined) out.push(usageChunk(usage));
  return out;
}

/** The presets: each returns a complete `sse` reply shaped like that server's streams. */
export const presets = {
  openai: {
    text(deltas: readonly string[], options: PresetOptions = {}): FakeReply {
      return { kind: 'sse', steps: steps(textChunks(deltas, options.usage), options.delayMs) };
    },
    toolCalls(calls: readonly ScriptedToolCall[], options: PresetOptions = {}): FakeReply {
      return { kind: 'sse', steps: steps(openaiToolChunks(calls, options.usage), options.delayMs) };
    },
  },
  /** Ollama: whole arguments in one chunk and `index: 0` for every parallel call (each with its own id). */
  ollama: {
    text(deltas: readonly string[], options: PresetOptions = {}): FakeReply {
      return { kind: 'sse', steps: steps(textChunks(deltas, options.usage), options.delayMs) };
    },
    toolCalls(calls: readonly ScriptedToolCall[], options: PresetOptions = {}): FakeReply {
      const out: unknown[] = calls.map((call, i) =>
        chunk({
          role: 'assistant',
          content: '',
          tool_calls: [
            {
              index: 0,
              id: call.id ?? `call_${i}`,
              type: 'function',
              function: { name: call.name, arguments: JSON.stringify(call.arguments) },
            },
          ],
        }),
      );
      out.push(chunk({ role: 'assistant', content: '' }, { finishReason: 'tool_calls' }));
      if (options.usage !== undefined) out.push(usageChunk(options.usage));
      return { kind: 'sse', steps: steps(out, options.delayMs) };
    },
  },
  /** vLLM: tool-call fragments without `id`/`type`; `error(...)` streams an error event, then `[DONE]`. */
  vllm: {
    toolCalls(calls: readonly ScriptedToolCall[], options: PresetOptions = {}): FakeReply {
      const out: unknown[] = [chunk({ role: 'assistant', content: '' })];
      calls.forEach((call, index) => {
        out.push(
          chunk({
            tool_calls: [
              {
                index,
                ...(call.id === undefined ? {} : { id: call.id }),
                function: { name: call.name, arguments: JSON.stringify(call.arguments) },
              },
            ],
          }),
        );
      });
      out.push(chunk({}, { finishReason: 'tool_calls' }));
      if (options.usage !== undefined) out.push(usageChunk(options.usage));
      return { kind: 'sse', steps: steps(out, options.delayMs) };
    },
    error(message: string, code = 500, before: readonly string[] = []): FakeReply {
      const out: unknown[] = before.length === 0 ? [] : [chunk({ role: 'assistant', content: '' })];
      for (const d of before) out.push(chunk({ content: d }));
      out.push({ error: { message, type: 'InternalServerError', code } });
      return { kind: 'sse', steps: steps(out) };
    },
  },
  /** llama.cpp's server: reasoning in `reasoning_content` deltas before the text. */
  llamacpp: {
    reasoningThenText(reasoning: readonly string[], text: readonly string[], options: PresetOptions = {}): FakeReply {
      const out: unknown[] = [chunk({ role: 'assistant', content: null })];
      for (const r of reasoning) out.push(chunk({ reasoning_content: r, content: null }));
      for (const t of text) out.push(chunk({ content: t }));
      out.push(chunk({}, { finishReason: 'stop' }));
      if (options.usage !== undefined) out.push(usageChunk(options.usage));
      return { kind: 'sse', steps: steps(out, options.delayMs) };
    },
  },
  /** LM Studio: `id: ""` on tool calls (the client must make its own). */
  lmstudio: {
    toolCalls(calls: readonly Omit<ScriptedToolCall, 'id'>[], options: PresetOptions = {}): FakeReply {
      return {
        kind: 'sse',
        steps: steps(
          openaiToolChunks(
            calls.map((c) => ({ ...c, id: '' })),
            options.usage,
          ),
          options.delayMs,
        ),
      };
    },
  },
  /** HTTP errors as the servers send them. */
  errors: {
    unauthorized(message = 'Incorrect API key provided'): FakeReply {
      return {
        kind: 'http',
        status: 401,
        body: { error: { message, type: 'invalid_request_error', code: 'invalid_api_key' } },
      };
    },
    modelNotFoundJson(model: string): FakeReply {
      return {
        kind: 'http',
        status: 404,
        body: {
          error: {
            message: `The model \`${model}\` does not exist`,
            type: 'invalid_request_error',
            code: 'model_not_found',
          },
        },
      };
    },
    /** What a server answers for a path it does not serve (e.g. a base URL without `/v1`). */
    notFoundPlain(): FakeReply {
      return { kind: 'http', status: 404, body: '404 page not found' };
    },
    rateLimited(retryAfterSeconds?: number, message = 'Rate limit reached for requests'): FakeReply {
      return {
        kind: 'http',
        status: 429,
        body: { error: { message, type: 'requests', code: 'rate_limit_exceeded' } },
        ...(retryAfterSeconds === undefined ? {} : { headers: { 'retry-after': String(retryAfterSeconds) } }),
      };
    },
    server(
      status: 500 | 502 | 503 = 500,
      message = 'The server had an error while processing your request',
    ): FakeReply {
      return { kind: 'http', status, body: { error: { message, type: 'server_error' } } };
    },
  },
  /** A stream that ends with `finish_reason: content_filter` after these deltas. */
  refused(deltas: readonly string[] = []): FakeReply {
    const out: unknown[] = [chunk({ role: 'assistant', content: '' })];
    for (const d of deltas) out.push(chunk({ content: d }));
    out.push(chunk({}, { finishReason: 'content_filter' }));
    return { kind: 'sse', steps: steps(out) };
  },
  /** These deltas, then the socket is destroyed without `finish_reason` or `[DONE]`. */
  cut(deltas: readonly string[]): FakeReply {
    const out: unknown[] = [chunk({ role: 'assistant', content: '' })];
    for (const d of deltas) out.push(chunk({ content: d }));
    return { kind: 'sse', steps: steps(out), end: 'cut' };
  },
  /** These deltas, then silence with the connection open. */
  stallAfter(deltas: readonly string[]): FakeReply {
    const out: unknown[] = [chunk({ role: 'assistant', content: '' })];
    for (const d of deltas) out.push(chunk({ content: d }));
    return { kind: 'sse', steps: steps(out), end: 'hang' };
  },
} as const;
