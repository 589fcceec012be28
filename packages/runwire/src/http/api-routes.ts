import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { UserExecutionContext } from '../context/user-execution-context.js';
import { BadRequestError } from '../errors.js';
import { newRequestId } from '../ids.js';
import { MAX_MESSAGE_CHARS } from '../protocol/inbound-frames.js';
import { messagePageToWire, threadPageToWire } from '../routing/thread-handlers.js';
import type { Runtime } from '../runtime/create-runtime.js';
import { requestCaller } from './request-caller.js';
import { sendError } from './send-error.js';

const threadIdSchema = z.string().min(1).max(128);
const agentNameSchema = z.string().min(1).max(64);

/** `POST /api/runs`: a message (to `agent` or the default agent), or an agent with its input. */
const startRunBodySchema = z.union([
  z.strictObject({
    content: z.string().min(1).max(MAX_MESSAGE_CHARS),
    agent: agentNameSchema.optional(),
    threadId: threadIdSchema.optional(),
  }),
  z.strictObject({ agent: agentNameSchema, input: z.json(), threadId: threadIdSchema.optional() }),
]);

const threadListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  before: z.string().min(1).max(256).optional(),
});

const messageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  after: z.string().min(1).max(256).optional(),
});

/** Parses with `schema` or throws `bad_request` with the failing fields, as the socket does. */
function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new BadRequestError(
    `Invalid ${what}`,
    parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })),
  );
}

/**
 * Registers `POST /api/runs` (starts a run; its events reach the user's sockets like any run) and the thread routes
 * `GET /api/threads`, `GET /api/threads/:threadId/messages`, `DELETE /api/threads/:threadId`. Errors carry the same
 * codes as the socket; another user's thread is a `404`, exactly like a missing one.
 */
export function registerApiRoutes(app: FastifyInstance, deps: { runtime: Runtime; verifier: TokenVerifier }): void {
  const { runtime, verifier } = deps;
  const caller = (req: FastifyRequest): Promise<string> => requestCaller(req, verifier);

  app.post('/api/runs', async (req, reply) => {
    try {
      const userId = await caller(req);
      const body = parse(startRunBodySchema, req.body ?? {}, 'run request');
      const context = UserExecutionContext.create({ userId, requestId: newRequestId() });
      const run = runtime.runs.start(context, {
        agent: body.agent ?? runtime.defaultAgent,
        input: 'content' in body ? { kind: 'message', content: body.content } : { kind: 'input', value: body.input },
        ...(body.threadId === undefined ? {} : { threadId: body.threadId }),
      });
      return reply.code(202).send({ runId: run.runId, threadId: run.threadId });
    } catch (error) {
      return sendError(reply, error);
    }
  });

  app.get('/api/threads', async (req, reply) => {
    try {
      const userId = await caller(req);
      const q = parse(threadListQuerySchema, req.query, 'query');
      const page = await runtime.threads.list(userId, {
        limit: q.limit ?? 20,
        ...(q.before === undefined ? {} : { before: q.before }),
      });
      return threadPageToWire(page);
    } catch (error) {
      return sendError(reply, error);
    }
  });

  app.get<{ Params: { threadId: string } }>('/api/threads/:threadId/messages', async (req, reply) => {
    try {
      const userId = await caller(req);
      const q = parse(messageQuerySchema, req.query, 'query');
      const page = await runtime.threads.messages(userId, req.params.threadId, {
        limit: q.limit ?? 50,
        ...(q.after === undefined ? {} : { after: q.after }),
      });
      return { threadId: req.params.threadId, ...messagePageToWire(page) };
    } catch (error) {
      return sendError(reply, error);
    }
  });

  app.delete<{ Params: { threadId: string } }>('/api/threads/:threadId', async (req, reply) => {
    try {
      await runtime.threads.delete(await caller(req), req.params.threadId);
      return reply.code(204).send();
    } catch (error) {
      return sendError(reply, error);
    }
  });
}
