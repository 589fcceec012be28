import type { FastifyRequest } from 'fastify';
import { requestToken } from '../auth/request-token.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { RunwireError } from '../errors.js';

/**
 * The user an `/api` request acts for, from its verified Bearer token.
 * @throws RunwireError `unauthenticated` when the request has no token or its token does not verify.
 */
export async function requestCaller(req: FastifyRequest, verifier: TokenVerifier): Promise<string> {
  const url = new URL(req.url, 'http://localhost');
  const found = requestToken(url, req.headers, 'http');
  if (!found.ok) throw new RunwireError('unauthenticated', found.reason);
  return (await verifier.verify(found.token)).userId;
}
