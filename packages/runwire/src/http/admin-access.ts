import type { FastifyRequest } from 'fastify';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { RunwireError } from '../errors.js';
import { requestIdentity } from './request-caller.js';

/**
 * Who may use the admin routes: a user whose token has `"runwire:admin": true`, or whose id is in `adminUsers`
 * (`--admin-users`). Deny by default: with neither, nobody is an admin.
 */
export class AdminAccess {
  readonly #verifier: TokenVerifier;
  readonly #admins: ReadonlySet<string>;

  constructor(verifier: TokenVerifier, adminUsers: readonly string[]) {
    this.#verifier = verifier;
    this.#admins = new Set(adminUsers);
  }

  /**
   * The admin's user id. @throws RunwireError `unauthenticated` (401) for a missing or bad token, `forbidden` (403)
   * for a valid token of a user who is not an admin.
   */
  async require(req: FastifyRequest, what: string): Promise<string> {
    const identity = await requestIdentity(req, this.#verifier);
    if (!identity.admin && !this.#admins.has(identity.userId)) {
      throw new RunwireError(
        'forbidden',
        `${what} is for admins only (a token with "runwire:admin": true, or --admin-users)`,
      );
    }
    return identity.userId;
  }
}
