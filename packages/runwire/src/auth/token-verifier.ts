import type { webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import { ConfigError, RunwireError } from '../errors.js';
import { idProblem } from '../ids.js';
import type { AuthConfig } from './auth-config.js';

/** Who a valid token names, and until when. */
export interface VerifiedIdentity {
  readonly userId: string;
  /** Expiry (`exp`), epoch milliseconds. */
  readonly expiresAt: number;
}

/** A token that does not verify. The message never contains the token. */
export class UnauthenticatedError extends RunwireError {
  constructor(message: string) {
    super('unauthenticated', message);
  }
}

/** HS256 only with a secret; RS256/ES256 only with a JWKS. `alg: none` never verifies. */
export const SECRET_ALGORITHMS = ['HS256'] as const;
export const JWKS_ALGORITHMS = ['RS256', 'ES256'] as const;

/** How many verified tokens a verifier remembers (until each expires). */
const VERIFIED_CACHE_SIZE = 4096;

/**
 * Verifies JWTs with pinned algorithms: `sub` (a valid user id) and `exp` are required; `iss`/`aud` are checked
 * when configured.
 */
export class TokenVerifier {
  readonly #key: webcrypto.CryptoKey | JWTVerifyGetKey;
  readonly #options: JWTVerifyOptions;
  /**
   * Tokens verified before, until they expire: a token's signature and claims do not change, and verifying an HMAC
   * through WebCrypto costs a thread-pool round trip (it was the largest single cost of a short AG-UI request).
   * Bounded, oldest use evicted first; only successful verifications are kept.
   */
  readonly #verified = new Map<string, VerifiedIdentity>();

  private constructor(key: webcrypto.CryptoKey | JWTVerifyGetKey, options: JWTVerifyOptions) {
    this.#key = key;
    this.#options = options;
  }

  /** Builds a verifier; reads a JWKS file now (a bad file is a `ConfigError` at start, not at the first login). */
  static async create(auth: AuthConfig): Promise<TokenVerifier> {
    const claims: JWTVerifyOptions = {
      requiredClaims: ['exp', 'sub'],
      ...(auth.issuer === undefined ? {} : { issuer: auth.issuer }),
      ...(auth.audience === undefined ? {} : { audience: auth.audience }),
    };
    if (auth.mode === 'secret') {
      // Imported once: given the raw bytes, jose imports the key again on every verification (about a third of the
      // CPU of a short AG-UI or REST request went there).
      const key = await crypto.subtle.importKey(
        'raw',
        new TextEncoder().encode(auth.secret),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['verify'],
      );
      return new TokenVerifier(key, {
        ...claims,
        algorithms: [...SECRET_ALGORITHMS],
      });
    }
    const options = { ...claims, algorithms: [...JWKS_ALGORITHMS] };
    if (/^https?:\/\//.test(auth.jwks)) {
      return new TokenVerifier(createRemoteJWKSet(new URL(auth.jwks)), options);
    }
    let json: unknown;
    try {
      json = JSON.parse(await readFile(auth.jwks, 'utf8'));
    } catch (error) {
      throw new ConfigError(`Cannot read the JWKS file '${auth.jwks}': ${(error as Error).message}`);
    }
    if (json === null || typeof json !== 'object' || !Array.isArray((json as { keys?: unknown }).keys)) {
      throw new ConfigError(`The JWKS file '${auth.jwks}' must hold {"keys": [...]}`);
    }
    return new TokenVerifier(createLocalJWKSet(json as Parameters<typeof createLocalJWKSet>[0]), options);
  }

  /** @throws UnauthenticatedError with a reason safe to show (never the token). */
  async verify(token: string): Promise<VerifiedIdentity> {
    const known = this.#verified.get(token);
    if (known !== undefined) {
      this.#verified.delete(token);
      if (known.expiresAt > Date.now()) {
        this.#verified.set(token, known);
        return known;
      }
    }
    const identity = await this.#verify(token);
    if (this.#verified.size >= VERIFIED_CACHE_SIZE) {
      const oldest = this.#verified.keys().next();
      if (oldest.done !== true) this.#verified.delete(oldest.value);
    }
    this.#verified.set(token, identity);
    return identity;
  }

  async #verify(token: string): Promise<VerifiedIdentity> {
    let payload: { sub?: unknown; exp?: unknown };
    try {
      const result =
        typeof this.#key === 'function'
          ? await jwtVerify(token, this.#key, this.#options)
          : await jwtVerify(token, this.#key, this.#options);
      payload = result.payload;
    } catch (error) {
      throw new UnauthenticatedError(reasonOf(error));
    }
    const problem = idProblem(payload.sub);
    if (problem !== undefined) throw new UnauthenticatedError(`The token's sub is not a valid user id: ${problem}`);
    if (typeof payload.exp !== 'number') throw new UnauthenticatedError('The token has no exp claim');
    return { userId: payload.sub as string, expiresAt: payload.exp * 1000 };
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The token is signed with an algorithm that is not allowed';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `The token's ${error.claim} claim is not accepted`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The token signature does not verify';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'No key of the key set matches the token';
  return 'The token is not a valid JWT';
}
