import type { FastifyRequest } from 'fastify';
import { requestToken } from '../auth/request-token.js';
import type { TokenVerifier, VerifiedIdentity } from '../auth/token-verifier.js';
import { RunwireError } from '../errors.js';

/**
 * Who an `/api` request comes from: its verified Bearer token's identity.
 * @throws RunwireError `unauthenticated` when the request has no token or its token does not verify.
 */
export async function requestIdentity(req: FastifyRequest, verifier: TokenVerifier): Promise<VerifiedIdentity> {
  const url = new URL(req.url, 'http://localhost');
  const found = requestToken(url, req.headers, 'http');
  if (!found.ok) throw new RunwireError('unauthenticated', found.reason);
  return verifier.verify(found.token);
}

/**
 * The user an `/api` request acts for, from its verified Bearer token.
 * @throws RunwireError `unauthenticated` when the request has no token or its token does not verify.
 */
export async function requestCaller(req: FastifyRequest, verifier: TokenVerifier): Promise<string> {
  return (await requestIdentity(req, verifier)).userId;
}
