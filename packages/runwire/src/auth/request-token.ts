import type { IncomingHttpHeaders } from 'node:http';

/** The subprotocol the server speaks; selected when the client offers it. */
export const PROTOCOL_NAME = 'runwire.v1';
const BEARER_PREFIX = 'bearer.';

/** Query parameter names that carry credentials; their presence refuses the request. */
const TOKEN_PARAMS = new Set([
  'token',
  'access_token',
  'accesstoken',
  'jwt',
  'auth',
  'authorization',
  'bearer',
  'id_token',
]);
const JWT_SHAPE = /^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/;

/** Where the token of a request was found, or why the request is refused. */
export type RequestToken =
  | { readonly ok: true; readonly token: string }
  | { readonly ok: false; readonly reason: string };

/** Whether a URL's query string carries something that looks like a credential. */
export function queryCarriesToken(url: URL): boolean {
  for (const [name, value] of url.searchParams) {
    if (TOKEN_PARAMS.has(name.toLowerCase()) || JWT_SHAPE.test(value)) return true;
  }
  return false;
}

/** The subprotocols a WebSocket request offers. */
export function offeredProtocols(headers: IncomingHttpHeaders): string[] {
  const raw = headers['sec-websocket-protocol'];
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/**
 * Finds the bearer token of a WebSocket upgrade (`Authorization: Bearer …` or the `bearer.<jwt>` subprotocol) or of an
 * HTTP request (`via: 'http'`: the header only). Tokens in the query string are refused (query strings end up in logs).
 * The reasons name only what that kind of request can send.
 */
export function requestToken(
  url: URL,
  headers: IncomingHttpHeaders,
  via: 'websocket' | 'http' = 'websocket',
): RequestToken {
  const how =
    via === 'http'
      ? 'the header "Authorization: Bearer <token>"'
      : '"Authorization: Bearer <token>" or the subprotocols "runwire.v1, bearer.<token>"';
  if (queryCarriesToken(url)) return { ok: false, reason: `Tokens in the query string are refused; send ${how}` };
  const header = headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1] === undefined) return { ok: false, reason: 'The Authorization header must be "Bearer <token>"' };
    return { ok: true, token: match[1] };
  }
  if (via === 'websocket') {
    const bearer = offeredProtocols(headers).find((p) => p.toLowerCase().startsWith(BEARER_PREFIX));
    if (bearer !== undefined && bearer.length > BEARER_PREFIX.length) {
      return { ok: true, token: bearer.slice(BEARER_PREFIX.length) };
    }
  }
  return { ok: false, reason: `No token: send ${how}` };
}
