import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { RunwireError } from '../errors.js';
import { runStatusSchema } from '../protocol/inbound-frames.js';
import type { Runtime } from '../runtime/create-runtime.js';
import { registerApiRoutes } from './api-routes.js';
import { requestCaller } from './request-caller.js';
import { sendError } from './send-error.js';
import type { ServerMetrics } from './server-metrics.js';

const listQuerySchema = z.strictObject({
  status: runStatusSchema.optional(),
  threadId: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  before: z.string().min(1).max(256).optional(),
});

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

  const caller = (req: FastifyRequest): Promise<string> => requestCaller(req, verifier);

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

  registerApiRoutes(app, { runtime, verifier });
}
