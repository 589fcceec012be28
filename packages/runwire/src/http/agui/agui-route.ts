import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { BaseEvent } from '@ag-ui/core';
import { EventEncoder } from '@ag-ui/encoder';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { originAllowed } from '../../auth/origin-allowed.js';
import type { TokenVerifier } from '../../auth/token-verifier.js';
import { UserExecutionContext } from '../../context/user-execution-context.js';
import { BadRequestError, RunwireError } from '../../errors.js';
import { EventStream } from '../../gateway/event-stream.js';
import { jsonLimitIssue } from '../../protocol/json-limits.js';
import type { RunEvent } from '../../protocol/run-events.js';
import type { ReplyFrame } from '../../protocol/server-frames.js';
import type { Runtime } from '../../runtime/create-runtime.js';
import type { Subscription } from '../../stores/bus.js';
import { requestCaller } from '../request-caller.js';
import { sendError } from '../send-error.js';
import { AguiEventMap } from './agui-event-map.js';
import { type AguiRunRequest, parseAguiRunInput } from './agui-run-input.js';

/** The AG-UI endpoint's path. */
export const AGUI_PATH = '/api/agui';

const CORS_MAX_AGE_SECONDS = 600;

export interface AguiRouteDeps {
  readonly runtime: Runtime;
  readonly verifier: TokenVerifier;
  /** The browser origins allowed by `--origin` (the socket's allowlist). */
  readonly origins: readonly string[];
}

/**
 * `POST /api/agui`: an AG-UI front end (`@ag-ui/client`'s `HttpAgent`) runs a Runwire agent and reads the run as
 * AG-UI events over SSE. It is the same run as on the socket: the tracker's record, the user's log and sockets,
 * `list_runs`, the thread. Refusals (bad input, bad token, a busy thread) are JSON with a status before any stream;
 * once the stream is open, the run's own end is its last event. See docs/agui.md.
 */
export function registerAguiRoute(app: FastifyInstance, deps: AguiRouteDeps): void {
  app.options(AGUI_PATH, (req, reply) => {
    if (!admitOrigin(req, reply, deps.origins)) return reply;
    return reply
      .header('access-control-allow-methods', 'POST, OPTIONS')
      .header('access-control-allow-headers', 'authorization, content-type, accept')
      .header('access-control-max-age', String(CORS_MAX_AGE_SECONDS))
      .code(204)
      .send();
  });

  app.post(AGUI_PATH, async (req, reply) => {
    if (!admitOrigin(req, reply, deps.origins)) return reply;
    let userId: string;
    let request: AguiRunRequest;
    try {
      userId = await requestCaller(req, deps.verifier);
      // Before the AG-UI schemas, which recurse: the same limits as every frame of the socket.
      const tooLarge = jsonLimitIssue(req.body);
      if (tooLarge !== undefined)
        throw new BadRequestError(`The request body is refused: ${tooLarge.message}`, [tooLarge]);
      request = parseAguiRunInput(req.body);
    } catch (error) {
      return sendError(reply, error);
    }
    return streamRun(reply, deps.runtime, userId, request);
  });
}

/** The refusal of a browser origin that `--origin` does not allow (the socket answers the same). */
function originRefused(origin: string | undefined): RunwireError {
  return new RunwireError(
    'origin_not_allowed',
    `The Origin '${String(origin).slice(0, 200)}' is not allowed; the server's --origin lists the ones that are`,
  );
}

/**
 * Holds the request's Origin to `--origin`, as the socket does: a refused one is answered 403 `origin_not_allowed`
 * (and `false` returned); an allowed browser origin gets the CORS headers on the answer.
 */
function admitOrigin(req: FastifyRequest, reply: FastifyReply, origins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!originAllowed(origin, req.headers.host, origins)) {
    sendError(reply, originRefused(origin));
    return false;
  }
  if (origin !== undefined) reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
  return true;
}

/** Starts the run and streams it; a refusal before the stream opens is answered as JSON. */
async function streamRun(
  reply: FastifyReply,
  runtime: Runtime,
  userId: string,
  request: AguiRunRequest,
): Promise<FastifyReply> {
  const encoder = new EventEncoder({ accept: 'text/event-stream' });
  const raw = reply.raw;
  let map: AguiEventMap | undefined;
  let runId: string | undefined;
  let finished = false;
  let subscription: Subscription | undefined;
  let stopReconnect: (() => void) | undefined;

  const write = (events: readonly BaseEvent[]): void => {
    for (const event of events) raw.write(encoder.encodeSSE(event));
  };
  const finish = (): void => {
    if (finished) return;
    finished = true;
    stream.close();
    stopReconnect?.();
    void subscription?.unsubscribe();
    // Before the stream opened, the refusal is fastify's to send.
    if (map !== undefined && !raw.writableEnded) raw.end();
  };
  const stream = new EventStream(userId, runtime.events, {
    send(frame: RunEvent | ReplyFrame): boolean {
      if (finished || map === undefined) return !finished;
      if (frame.type === 'resync_required') {
        write(
          map.abandon('resync_required', 'The event log lost this run; read it with GET /api/runs/:id', Date.now()),
        );
      } else if ('seq' in frame && frame.runId === runId) {
        write(map.map(frame));
      }
      if (map.ended) finish();
      return !finished;
    },
    ready: () => waitForRoom(raw),
  });

  try {
    // Subscribe before the run starts and read from the user's newest seq, so no event of the run is missed.
    subscription = await runtime.bus.subscribe(userId, (event) => stream.onLive(event));
    stopReconnect = runtime.bus.onReconnect(() => void stream.catchUp().catch(() => undefined));
    const bounds = await runtime.events.bounds(userId);
    const context = UserExecutionContext.create({ userId, threadId: request.threadId });
    const snapshot = runtime.runs.start(context, {
      agent: request.agent ?? runtime.defaultAgent,
      input: { kind: 'message', content: request.content },
      threadId: request.threadId,
      metadata: { source: 'agui', aguiRunId: request.runId },
    });
    runId = snapshot.runId;
    map = new AguiEventMap({ threadId: request.threadId, runId: request.runId }, snapshot.runId);
    reply.hijack();
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': encoder.getContentType(),
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.flushHeaders();
    write([map.started(snapshot.runId, Date.now())]);
    void stream.start(bounds.lastSeq);
  } catch (error) {
    finish();
    if (map === undefined) return sendError(reply, error);
    runtime.logger.error({ err: error, runId }, 'AG-UI stream failed');
    return reply;
  }

  const startedRunId = runId;
  // 'close' of the response: the client went away (or the response ended, which `finished` tells apart).
  raw.once('close', () => {
    if (finished) return;
    finish();
    if (request.cancelOnDisconnect) {
      runtime.runs.cancel(userId, startedRunId).catch((error: unknown) => {
        if (!(error instanceof RunwireError)) runtime.logger.warn({ err: error, runId: startedRunId }, 'cancel failed');
      });
    }
  });
  return reply;
}

/** Resolves when the response can take more (SSE back-pressure): a slow reader slows its stream, not the server. */
async function waitForRoom(raw: ServerResponse): Promise<void> {
  if (!raw.writableNeedDrain || raw.destroyed) return;
  await Promise.race([once(raw, 'drain'), once(raw, 'close')]);
}
