import { SignJWT } from 'jose';
import { ADMIN_CLAIM } from './token-verifier.js';

/** Options of `mintToken`. */
export interface MintTokenOptions {
  readonly secret: string;
  readonly userId: string;
  /** Lifetime in ms. */
  readonly ttlMs: number;
  readonly issuer?: string;
  readonly audience?: string;
  /** Adds the admin claim (`ADMIN_CLAIM`). */
  readonly admin?: boolean;
}

/** Signs an HS256 token for `userId` (the `runwire token` command, dev mode, tests). */
export async function mintToken(options: MintTokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT(options.admin === true ? { [ADMIN_CLAIM]: true } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.userId)
    .setIssuedAt(now)
    .setExpirationTime(now + Math.max(1, Math.round(options.ttlMs / 1000)));
  if (options.issuer !== undefined) jwt = jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
