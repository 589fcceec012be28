import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requestToken } from '../auth/request-token.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { RunwireError, type WireErrorCode } from '../errors.js';
import { toErrorFrame } from '../protocol/error-frame.js';
import { runStatusSchema } from '../protocol/inbound-frames.js';
import type { Runtime } from '../runtime/create-runtime.js';
import type { ServerMetrics } from './server-metrics.js';

/** HTTP status of each wire error code (PROTOCOL.md §7). */
const STATUS: Record<WireErrorCode, number> = {
  bad_json: 400,
  bad_request: 400,
  unknown_type: 400,
  not_found: 404,
  thread_busy: 409,
  too_many_runs: 429,
  rate_limited: 429,
  unauthenticated: 401,
  forbidden: 403,
  internal: 500,
};

const listQuerySchema = z.strictObject({
  status: runStatusSchema.optional(),
  threadId: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  before: z.string().min(1).max(256).optional(),
});

/** Sends `{"error":{code,message}}` with the status of its code. */
export function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  const frame = toErrorFrame(error);
  return reply.code(STATUS[frame.code as WireErrorCode] ?? 500).send({
    error: {
      code: frame.code,
      message: frame.message,
      ...(frame.details === undefined ? {} : { details: frame.details }),
    },
  });
}

/**
 * Registers `/health`, `/health/ready`, `/metrics` and the `/api/runs` routes. `/api` requires a Bearer token and
 * applies the same isolation as the socket: another user's run is a `404`, exactly like a missing one.
 */
export function registerHttpRoutes(
  app: FastifyInstance,
  deps: {
    runtime: Runtime;
    verifier: TokenVerifier;
    metrics: ServerMetrics;
    /** Readiness of stores/bus plus the server's own state. */
    readiness: () => Promise<{ ready: boolean; checks: Record<string, boolean> }>;
    /** The last known readiness, without I/O: `/api` checks it on every request, before authentication. */
    isServing: () => boolean;
  },
): void {
  const { runtime, verifier, metrics } = deps;

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` } }),
  );
  app.setErrorHandler((error: { statusCode?: number; message?: string }, _req, reply) => {
    const status =
      error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    const code =
      status === 400 ? 'bad_request' : status === 404 ? 'not_found' : status < 500 ? 'bad_request' : 'internal';
    const message = status < 500 ? (error.message ?? 'Bad request') : 'Internal server error';
    return reply.code(status).send({ error: { code, message } });
  });

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/health/ready', async (_req, reply) => {
    const { ready, checks } = await deps.readiness();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  async function caller(req: FastifyRequest): Promise<string> {
    const url = new URL(req.url, 'http://localhost');
    const found = requestToken(url, req.headers);
    if (!found.ok) throw new RunwireError('unauthenticated', found.reason);
    return (await verifier.verify(found.token)).userId;
  }

  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return;
    if (!deps.isServing()) {
      return reply.code(503).send({ error: { code: 'internal', message: 'The server is not ready; retry shortly' } });
    }
  });

  app.get('/api/runs', async (req, reply) => {
    try {
      const userId = await caller(req);
      const parsed = listQuerySchema.safeParse(req.query);
      if (!parsed.success) {
        throw new RunwireError('bad_request', 'Invalid query', {
          issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        });
      }
      const q = parsed.data;
      return await runtime.runs.list(userId, {
        limit: q.limit ?? 20,
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.threadId === undefined ? {} : { threadId: q.threadId }),
        ...(q.before === undefined ? {} : { before: q.before }),
      });
    } catch (error) {
      return sendError(reply, error);
    }
  });

  app.get<{ Params: { runId: string } }>('/api/runs/:runId', async (req, reply) => {
    try {
      return await runtime.runs.get(await caller(req), req.params.runId);
    } catch (error) {
      return sendError(reply, error);
    }
  });

  app.post<{ Params: { runId: string } }>('/api/runs/:runId/cancel', async (req, reply) => {
    try {
      const status = await runtime.runs.cancel(await caller(req), req.params.runId);
      return { runId: req.params.runId, status };
    } catch (error) {
      return sendError(reply, error);
    }
  });

  app.get<{ Params: { runId: string } }>('/api/runs/:runId/events', async (req, reply) => {
    try {
      return { events: await runtime.runs.events(await caller(req), req.params.runId) };
    } catch (error) {
      return sendError(reply, error);
    }
  });
}
