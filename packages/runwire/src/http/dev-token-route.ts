import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { mintToken } from '../auth/mint-token.js';
import { isLoopbackHost } from '../config/server-config.js';
import { idProblem } from '../ids.js';

/** Lifetime of a token from `POST /dev/token`. */
export const DEV_TOKEN_TTL_MS = 12 * 3_600_000;

const bodySchema = z.strictObject({ user: z.string().trim().min(1).max(64) });

/**
 * `POST /dev/token {user}` → `{token, userId, expiresAt}`: lets the chat page sign in as anyone, so it exists only in
 * dev mode (no secret configured: the server made one up) and only on a loopback host. The JSON body makes a
 * cross-site form post impossible without a CORS preflight, which this server never grants.
 */
export function registerDevTokenRoute(
  app: FastifyInstance,
  deps: { readonly secret: string | undefined; readonly host: string },
): boolean {
  if (deps.secret === undefined || !isLoopbackHost(deps.host)) return false;
  const secret = deps.secret;
  app.post('/dev/token', async (req, reply) => {
    const parsed = bodySchema.safeParse(req.body);
    const problem = parsed.success ? idProblem(parsed.data.user) : 'expected {"user": "<name>"}';
    if (!parsed.success || problem !== undefined) {
      return reply.code(400).send({ error: { code: 'bad_request', message: `Invalid user name: ${problem}` } });
    }
    const userId = parsed.data.user;
    const token = await mintToken({ secret, userId, ttlMs: DEV_TOKEN_TTL_MS });
    reply.header('cache-control', 'no-store');
    return { token, userId, expiresAt: new Date(Date.now() + DEV_TOKEN_TTL_MS).toISOString() };
  });
  return true;
}
