import { generateKeyPair, type JWTPayload, SignJWT } from 'jose';

/** Base64url of a JSON value. */
function part(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Standard claims for `userId`, valid for `ttlSeconds` (negative: already expired). */
export function claimsFor(userId: string, ttlSeconds = 3600): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return { sub: userId, iat: now, exp: now + ttlSeconds };
}

/** A token with `alg: none` and no signature, built by hand (jose refuses to make one for verification). */
export function unsignedToken(claims: JWTPayload): string {
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

/** A token signed with an HMAC algorithm (`HS256`, `HS384`, `HS512`) and `secret`. */
export function hmacToken(alg: 'HS256' | 'HS384' | 'HS512', secret: string, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(new TextEncoder().encode(secret));
}

/** A token signed RS256 with a fresh RSA key pair (whose public key no server knows). */
export async function rs256Token(claims: JWTPayload): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(privateKey);
}
